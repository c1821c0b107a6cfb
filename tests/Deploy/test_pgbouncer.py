"""deploy/pgbouncer/pgbouncer.ini, run by Debian's PgBouncer in front of the test command's PostgreSQL
(TOVPLAY_TEST_PG): only the addresses and the auth file's path are the test's own; its pooling, its console users,
its SCRAM authentication and its ignored start-up parameters are the shipped ones."""

import os
import re
import shutil
import socket
import struct
import subprocess
import unittest

import support

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
PASSWORD = "deploy-test-only"


def parse_ini(text):
    """{section: {key: value}} as PgBouncer reads it (';' and '#' start comments, an empty value is allowed)."""
    sections, current = {}, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = sections.setdefault(header.group(1), {})
            continue
        key, sep, value = line.partition("=")
        if not sep or current is None:
            raise AssertionError(f"pgbouncer.ini: not a setting: {raw!r}")
        current[key.strip()] = value.strip()
    return sections


def rewrite_ini(text, replacements, databases):
    """The shipped file with `replacements` applied in [pgbouncer] and [databases] replaced by `databases`."""
    out, section, done = [], None, set()
    for raw in text.splitlines():
        line = raw.strip()
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            section = header.group(1)
            out.append(raw)
            if section == "databases":
                out.extend(f"{name} = {value}" for name, value in databases.items())
            continue
        if section == "databases" and line and line[0] not in ";#":
            continue
        key = line.partition("=")[0].strip()
        if section == "pgbouncer" and key in replacements and line and line[0] not in ";#":
            out.append(f"{key} = {replacements[key]}")
            done.add(key)
            continue
        out.append(raw)
    missing = [key for key in replacements if key not in done]
    if missing:
        # Keys the shipped file leaves at their defaults go at the end of [pgbouncer], which is the last section.
        if section != "pgbouncer":
            raise AssertionError("expected [pgbouncer] to be the last section")
        out.extend(f"{key} = {replacements[key]}" for key in missing)
    return "\n".join(out) + "\n"


class PgBouncerTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.shipped = parse_ini(support.read("pgbouncer", "pgbouncer.ini"))

    def test_settings_for_npgsql_behind_transaction_pooling(self):
        settings = self.shipped["pgbouncer"]
        self.assertEqual(settings["pool_mode"], "transaction")
        self.assertEqual(settings["listen_port"], "6432")
        self.assertEqual(settings["server_reset_query"], "")
        self.assertEqual(set(settings["ignore_startup_parameters"].split(",")), {"extra_float_digits", "options"})
        self.assertEqual(settings["auth_type"], "scram-sha-256")
        for key in ("max_client_conn", "default_pool_size", "reserve_pool_size"):
            self.assertGreater(int(settings[key]), 0, key)
        self.assertLess(int(settings["default_pool_size"]) + int(settings["reserve_pool_size"]), 100,
                        "one pool may not take PostgreSQL's max_connections")
        self.assertTrue(settings["stats_users"])
        self.assertTrue(settings["admin_users"])
        self.assertIn("tovplay_logs", self.shipped["databases"])
        text = support.read("pgbouncer", "pgbouncer.ini")
        for words in ("Max Auto Prepare=0", "No Reset On Close=true"):
            self.assertIn(words, text, "the comment block must give the Npgsql settings")

    def test_userlist_example_holds_no_secret(self):
        text = support.read("pgbouncer", "userlist.txt.example")
        for line in text.splitlines():
            if line.startswith('"'):
                self.assertRegex(line, r'^"\w+" "SCRAM-SHA-256\$4096:<salt>\$<stored-key>:<server-key>"$')

    def test_serves_queries_and_the_admin_console_against_postgresql(self):
        server = support.test_server()
        work = support.shared_temp_dir(self.addCleanup, "pgbouncer-test-")
        port = support.free_port()
        settings = self.shipped["pgbouncer"]
        stats_user = settings["stats_users"].split(",")[0].strip()
        admin_user = settings["admin_users"].split(",")[0].strip()
        userlist = os.path.join(work, "userlist.txt")
        with open(userlist, "w", encoding="utf-8") as f:
            # Plain passwords here: PgBouncer still runs SCRAM with the client; the test cluster trusts PgBouncer.
            for user in sorted({server["user"], stats_user, admin_user}):
                f.write(f'"{user}" "{PASSWORD}"\n')
        databases = {name: f"host={server['host']} port={server['port']} dbname={server['database']}"
                     for name in self.shipped["databases"]}
        ini = rewrite_ini(support.read("pgbouncer", "pgbouncer.ini"), {
            "listen_addr": "127.0.0.1", "listen_port": str(port), "auth_file": userlist,
            "unix_socket_dir": work, "pidfile": os.path.join(work, "pgbouncer.pid"),
        }, databases)
        config = os.path.join(work, "pgbouncer.ini")
        with open(config, "w", encoding="utf-8") as f:
            f.write(ini)
        support.chown_postgres(userlist, config)
        log = open(os.path.join(work, "pgbouncer.log"), "w+", encoding="utf-8")
        self.addCleanup(log.close)
        process = subprocess.Popen([PGBOUNCER, config], stdout=log, stderr=subprocess.STDOUT, **support.as_postgres())
        self.addCleanup(support.stop, process)
        try:
            support.wait_for_port(port, process, what="pgbouncer")
        except AssertionError:
            log.seek(0)
            raise AssertionError("pgbouncer did not start:\n" + log.read())

        psql = os.path.join(support.pg_bindir(), "psql")

        def query(user, database, sql, header=False):
            env = dict(os.environ, PGPASSWORD=PASSWORD, PGCONNECT_TIMEOUT="10")
            result = support.run([psql, "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", database, "-X",
                                  "-v", "ON_ERROR_STOP=1", "-A" if header else "-At", "-P", "footer=off", "-F", "|",
                                  "-c", sql], env=env)
            if result.returncode != 0:
                log.seek(0)
                self.fail(f"psql -U {user} -d {database} -c {sql!r} failed: {result.stderr}\npgbouncer log:\n{log.read()}")
            return result.stdout

        database = next(iter(self.shipped["databases"]))
        self.assertEqual(query(server["user"], database, "SELECT 1").strip(), "1")
        # A second statement of the same client: transaction pooling hands the server connection back in between.
        self.assertEqual(query(server["user"], database, "BEGIN; SELECT 2; COMMIT;").strip().splitlines()[-1], "COMMIT")

        for user in (stats_user, admin_user):
            pools = query(user, "pgbouncer", "SHOW POOLS")
            self.assertIn(database, pools, f"SHOW POOLS as {user}")
            query(user, "pgbouncer", "SHOW STATS")
            clients = query(user, "pgbouncer", "SHOW CLIENTS")
            self.assertIn(user, clients, f"SHOW CLIENTS as {user} does not list its own connection")

        config = dict(line.split("|")[:2] for line in query(stats_user, "pgbouncer", "SHOW CONFIG").splitlines())
        self.assertEqual(config["pool_mode"], "transaction")
        columns, *rows = [line.split("|") for line in query(stats_user, "pgbouncer", "SHOW POOLS", header=True).splitlines()]
        pools = {row[columns.index("database")]: row[columns.index("pool_mode")] for row in rows}
        self.assertEqual(pools[database], "transaction")

        # The compose healthcheck's pg_isready only needs PgBouncer to answer.
        isready = support.run([os.path.join(support.pg_bindir(), "pg_isready"), "-h", "127.0.0.1", "-p", str(port),
                               "-d", database])
        self.assertEqual(isready.returncode, 0, isready.stdout + isready.stderr)

        # Npgsql's start-up packet carries extra_float_digits: PgBouncer must go on to authentication, not refuse it.
        self.assertEqual(startup_answer(port, server["user"], database, {"extra_float_digits": "3"}), "R")
        self.assertEqual(startup_answer(port, server["user"], database, {"options": "-c statement_timeout=0"}), "R")
        self.assertEqual(startup_answer(port, server["user"], database, {"search_path": "x"}), "E",
                         "an unlisted start-up parameter should still be refused (is the check meaningful?)")


def startup_answer(port, user, database, extra):
    """The type of PgBouncer's first answer to a protocol 3.0 start-up packet: 'R' (authentication) or 'E'."""
    params = {"user": user, "database": database, **extra}
    body = struct.pack("!I", 196608) + b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in params.items()) + b"\0"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(struct.pack("!I", len(body) + 4) + body)
        return s.recv(1)[:1].decode()


if __name__ == "__main__":
    unittest.main()
