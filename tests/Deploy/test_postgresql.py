"""deploy/postgresql: forensics.conf holds each setting the app's investigations rely on, and Debian's PostgreSQL
runs with the container's postgresql.conf (including forensics.conf) and the first-start script: the log file it
writes starts each entry where promtail's multiline stage expects."""

import os
import re
import shutil
import subprocess
import time
import unittest

import support
import test_promtail

EXPECTED = {
    "log_connections": "on",
    "log_disconnections": "on",
    "log_statement": "'ddl'",
    "log_line_prefix": "'%m [%p] %quser=%u db=%d app=%a client=%h '",
    "log_timezone": "'UTC'",
    "track_activity_query_size": "4096",
    "log_lock_waits": "on",
}


def settings(text, commented=False):
    pattern = r"(?m)^\s*#\s*(\w+)\s*=\s*(.+?)\s*$" if commented else r"(?m)^\s*(\w+)\s*=\s*(.+?)\s*$"
    return dict(re.findall(pattern, text))


class ForensicsConfTests(unittest.TestCase):
    def setUp(self):
        self.text = support.read("postgresql", "forensics.conf")

    def test_has_each_forensic_setting(self):
        active = settings(self.text)
        for key, value in EXPECTED.items():
            self.assertEqual(active.get(key), value, key)
        self.assertIn("log_autovacuum_min_duration", active)

    def test_suggests_slow_statement_and_idle_transaction_limits(self):
        suggested = settings(self.text, commented=True)
        self.assertIn("log_min_duration_statement", suggested)
        self.assertIn("idle_in_transaction_session_timeout", suggested)

    def test_promtail_is_tested_against_this_prefix(self):
        self.assertEqual("'%s'" % test_promtail.log_line_prefix(), EXPECTED["log_line_prefix"])

    def test_container_config_includes_it(self):
        self.assertRegex(support.read("postgresql", "postgresql.conf"), r"(?m)^include 'forensics.conf'$")

    def test_readme_covers_backups_and_point_in_time_recovery(self):
        readme = support.read("postgresql", "README.md")
        for words in ("archive_mode", "archive_command", "pg_basebackup", "recovery_target_time", "tovplay_audit",
                      "restore"):
            self.assertIn(words, readme)


class PostgresRunsTheShippedConfigTests(unittest.TestCase):
    """initdb, the container's postgresql.conf with only its addresses and log folder moved, and the init script."""

    @classmethod
    def setUpClass(cls):
        bindir = support.pg_bindir()
        cls.psql = os.path.join(bindir, "psql")
        cls.work = support.shared_temp_dir(cls.addClassCleanup, "deploy-pg-")
        cls.data = os.path.join(cls.work, "data")
        cls.logs = os.path.join(cls.work, "log")
        cls.port = support.free_port()
        os.mkdir(cls.logs)
        support.chown_postgres(cls.logs)
        result = support.run([os.path.join(bindir, "initdb"), "-D", cls.data, "-U", "postgres", "--auth=trust",
                              "-E", "UTF8", "--locale=C.UTF-8"], **support.as_postgres())
        if result.returncode != 0:
            raise AssertionError("initdb failed: " + result.stderr)
        conf_dir = os.path.join(cls.work, "etc")
        os.mkdir(conf_dir)
        shutil.copy(support.deploy_path("postgresql", "forensics.conf"), conf_dir)
        text = support.read("postgresql", "postgresql.conf")
        text = re.sub(r"(?m)^listen_addresses\s*=.*$", "listen_addresses = '127.0.0.1'", text)
        text = re.sub(r"(?m)^log_directory\s*=.*$", f"log_directory = '{cls.logs}'", text)
        text += f"\nport = {cls.port}\nunix_socket_directories = '{cls.work}'\n"
        cls.config = os.path.join(conf_dir, "postgresql.conf")
        with open(cls.config, "w", encoding="utf-8") as f:
            f.write(text)
        support.chown_postgres(conf_dir, cls.config, os.path.join(conf_dir, "forensics.conf"))
        cls.server = subprocess.Popen([os.path.join(bindir, "postgres"), "-D", cls.data, "-c", f"config_file={cls.config}"],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **support.as_postgres())
        cls.addClassCleanup(cls.server.stdout.close)
        cls.addClassCleanup(support.stop, cls.server, 30)
        try:
            support.wait_for_port(cls.port, cls.server, timeout=30, what="postgres")
        except AssertionError as e:
            support.stop(cls.server)
            raise AssertionError(f"{e}: {cls.server.stdout.read().decode(errors='replace')}")

    def sql(self, statement, database="postgres", user="postgres"):
        result = support.run([self.psql, "-h", "127.0.0.1", "-p", str(self.port), "-U", user, "-d", database,
                              "-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", statement],
                             env=dict(os.environ, PGAPPNAME="deploy-test"))
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.rstrip("\n")

    def test_settings_are_in_force(self):
        for key, value in EXPECTED.items():
            self.assertEqual(self.sql(f"SELECT setting FROM pg_settings WHERE name = '{key}'"), value.strip("'"), key)
        self.assertEqual(self.sql("SHOW logging_collector"), "on")

    def test_log_file_entries_start_where_promtail_expects(self):
        self.sql("CREATE TABLE deploy_forensics (id int)")
        self.sql("DROP TABLE deploy_forensics")
        lines = []
        for _ in range(50):
            lines = self.log_lines()
            if any("DROP TABLE deploy_forensics" in line for line in lines):
                break
            time.sleep(0.1)
        drop = [line for line in lines if "statement: DROP TABLE deploy_forensics" in line]
        self.assertTrue(drop, "the DDL statement is not in the log: " + "\n".join(lines[-10:]))
        self.assertRegex(drop[0], test_promtail.postgres_firstline())
        self.assertRegex(drop[0], r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} UTC \[\d+\] user=postgres "
                                  r"db=postgres app=deploy-test client=127\.0\.0\.1 LOG:  statement: DROP TABLE")
        self.assertTrue(any("connection authorized: user=postgres" in line for line in lines))
        # Every line that does not start an entry is the continuation of one (none here, with one-line statements).
        entries = [line for line in lines if re.match(test_promtail.postgres_firstline(), line)]
        self.assertEqual(len(entries), len(lines))

    def log_lines(self):
        lines = []
        for name in sorted(os.listdir(self.logs)):
            with open(os.path.join(self.logs, name), encoding="utf-8", errors="replace") as f:
                lines.extend(f.read().splitlines())
        return lines

    def test_init_script_creates_the_roles_and_databases(self):
        script = support.deploy_path("postgresql", "initdb", "10-tovplay-logs.sh")
        self.assertTrue(os.access(script, os.X_OK), "the image runs only executable .sh files; others are sourced")
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.port), POSTGRES_USER="postgres",
                   TOVPLAY_LOGS_DB_PASSWORD="app-test-only", TOVPLAY_MONITOR_PASSWORD="monitor-test-only")
        result = support.run(["bash", script], env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.sql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database "
                                  "WHERE datname IN ('tovplay', 'tovplay_logs')"), "tovplay,tovplay_logs")
        self.assertEqual(self.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'tovplay_logs'"),
                         "tovplay_logs")
        self.assertEqual(self.sql("SELECT pg_has_role('tovplay_monitor', 'pg_monitor', 'member')"), "t")
        self.assertEqual(self.sql("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles "
                                  "WHERE rolname = 'tovplay_logs'"), "f")
        # Passwords are stored as SCRAM secrets: what userlist.txt.example tells the operator to copy to PgBouncer.
        self.assertEqual(self.sql("SELECT count(*) FROM pg_authid WHERE rolname IN ('tovplay_logs', 'tovplay_monitor') "
                                  "AND rolpassword LIKE 'SCRAM-SHA-256$4096:%'"), "2")
        missing = support.run(["bash", script], env={k: v for k, v in env.items() if k != "TOVPLAY_MONITOR_PASSWORD"})
        self.assertNotEqual(missing.returncode, 0, "the script must refuse to run without the passwords")


if __name__ == "__main__":
    unittest.main()
