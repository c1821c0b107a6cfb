"""deploy/docker-compose.yml: its structure, its secrets and how its files fit together. Docker is not on the test
machine, so this reads the file as Compose would rather than running it."""

import http.server
import os
import re
import subprocess
import threading
import unittest

import support

CORE = {"app", "postgres", "pgbouncer", "promtail"}
OPTIONAL = {"loki": "loki", "jaeger": "tracing", "prometheus": "monitoring", "alertmanager": "monitoring",
            "blackbox": "monitoring"}

# The service attributes of the Compose specification; a misspelt one is silently ignored by older Compose versions.
SERVICE_KEYS = {
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
    "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
    "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
    "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
    "environment", "expose", "extends", "external_links", "extra_hosts", "gpus", "group_add", "healthcheck",
    "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "mem_limit",
    "mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "networks", "oom_kill_disable",
    "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles",
    "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open",
    "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode",
    "uts", "volumes", "volumes_from", "working_dir",
}
TOP_KEYS = {"name", "version", "services", "networks", "volumes", "secrets", "configs", "include"}


def compose():
    return support.load_yaml("docker-compose.yml")


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def volume_sources(service):
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            yield entry.get("source"), entry.get("target"), entry.get("read_only", False)
        else:
            parts = entry.split(":")
            yield parts[0], parts[1] if len(parts) > 1 else None, len(parts) > 2 and "ro" in parts[2].split(",")


def is_named(source):
    return bool(source) and not source.startswith((".", "/", "~", "$"))


def git_ignored(path):
    return subprocess.run(["git", "-C", support.REPO, "check-ignore", "-q", path]).returncode == 0


def git_tracked(path):
    return subprocess.run(["git", "-C", support.REPO, "ls-files", "--error-unmatch", path],
                          capture_output=True).returncode == 0


class ComposeTests(unittest.TestCase):
    def setUp(self):
        self.compose = compose()
        self.services = self.compose["services"]

    def test_parses_with_known_top_level_and_service_keys(self):
        self.assertIsInstance(self.services, dict)
        self.assertLessEqual(set(self.compose) - {k for k in self.compose if k.startswith("x-")}, TOP_KEYS)
        for name, service in self.services.items():
            unknown = set(service) - SERVICE_KEYS
            self.assertFalse(unknown, f"{name}: unknown service keys {sorted(unknown)}")

    def test_has_the_core_and_optional_services(self):
        self.assertLessEqual(CORE | set(OPTIONAL), set(self.services))

    def test_every_service_has_a_healthcheck_with_a_command(self):
        for name, service in self.services.items():
            check = service.get("healthcheck")
            self.assertIsInstance(check, dict, f"{name} has no healthcheck")
            self.assertFalse(check.get("disable"), f"{name}'s healthcheck is disabled")
            test = check.get("test")
            if isinstance(test, str):
                self.assertTrue(test.strip(), f"{name}: empty healthcheck test")
            else:
                self.assertIsInstance(test, list, f"{name}: healthcheck test must be a list or a string")
                self.assertIn(test[0], ("CMD", "CMD-SHELL"), f"{name}: healthcheck test must start with CMD or CMD-SHELL")
                self.assertGreater(len(test), 1, f"{name}: healthcheck test names no command")
            for key in ("interval", "timeout", "retries"):
                self.assertIn(key, check, f"{name}: healthcheck without {key}")

    def test_every_service_restarts_unless_stopped(self):
        for name, service in self.services.items():
            self.assertEqual(service.get("restart"), "unless-stopped", name)

    def test_every_service_has_cpu_and_memory_limits(self):
        for name, service in self.services.items():
            limits = (((service.get("deploy") or {}).get("resources") or {}).get("limits")) or {}
            self.assertIn("cpus", limits, f"{name}: no deploy.resources.limits.cpus")
            self.assertIn("memory", limits, f"{name}: no deploy.resources.limits.memory")
            self.assertGreater(float(limits["cpus"]), 0, name)
            self.assertRegex(str(limits["memory"]), r"^\d+(\.\d+)?[kKmMgG]?[bB]?$", name)

    def test_named_volumes_are_declared_and_used(self):
        declared = set(self.compose.get("volumes") or {})
        used = set()
        for name, service in self.services.items():
            for source, target, _ in volume_sources(service):
                self.assertTrue(target, f"{name}: volume {source} has no target")
                if is_named(source):
                    self.assertIn(source, declared, f"{name} uses volume {source}, which is not declared at the top level")
                    used.add(source)
        self.assertEqual(declared - used, set(), "declared volumes no service uses")

    def test_stateful_services_keep_their_state_on_named_volumes(self):
        for name, path in (("postgres", "/var/lib/postgresql/data"), ("promtail", "/var/lib/promtail"),
                           ("loki", "/loki"), ("prometheus", "/prometheus"), ("alertmanager", "/alertmanager")):
            named = {target for source, target, _ in volume_sources(self.services[name]) if is_named(source)}
            self.assertIn(path, named, f"{name} keeps {path} off a named volume")

    def test_bind_mounted_files_exist(self):
        for name, service in self.services.items():
            for source, _, _ in volume_sources(service):
                if source and source.startswith("./"):
                    self.assertTrue(os.path.exists(support.deploy_path(source)), f"{name} mounts missing {source}")

    def test_secrets_are_declared_files_in_the_ignored_secrets_folder(self):
        declared = self.compose.get("secrets") or {}
        for name, service in self.services.items():
            for entry in service.get("secrets") or []:
                source = entry["source"] if isinstance(entry, dict) else entry
                self.assertIn(source, declared, f"{name} uses secret {source}, which is not declared")
        for name, secret in declared.items():
            path = secret.get("file", "")
            self.assertTrue(path.startswith("./secrets/"), f"secret {name} is not under deploy/secrets/")
            self.assertTrue(git_ignored(os.path.join("deploy", path[2:])), f"{path} is not git-ignored")

    def test_env_file_is_the_git_ignored_dot_env(self):
        seen = False
        for name, service in self.services.items():
            files = service.get("env_file") or []
            for entry in [files] if isinstance(files, str) else files:
                path = entry["path"] if isinstance(entry, dict) else entry
                self.assertEqual(os.path.normpath(path), ".env", f"{name}: env_file {path} is not deploy/.env")
                seen = True
        self.assertTrue(seen, "no service reads deploy/.env")
        self.assertTrue(git_ignored("deploy/.env"), "deploy/.env is not git-ignored")
        self.assertFalse(git_tracked("deploy/.env"), "deploy/.env is committed")

    def test_no_literal_secrets(self):
        text = support.read("docker-compose.yml")
        for match in re.finditer(r"(?i)password\s*=\s*([^;\"'\s]*)", text):
            self.assertTrue(match.group(1).startswith("${"), f"a literal password in a connection string: {match.group(0)}")
        for name, service in self.services.items():
            for key, value in environment(service).items():
                if re.search(r"(?i)password|secret|token|apikey|api_key", key):
                    self.assertRegex(str(value), r"^\$\{", f"{name}: {key} is not taken from the environment")
        self.assertNotRegex(text, r"discord(app)?\.com/api/webhooks/")

    def test_optional_services_are_behind_profiles_and_core_ones_are_not(self):
        for name, profile in OPTIONAL.items():
            self.assertEqual(self.services[name].get("profiles"), [profile], name)
        for name in CORE:
            self.assertNotIn("profiles", self.services[name], f"{name} must start without a profile")

    def test_images_are_pinned(self):
        for name, service in self.services.items():
            if "build" in service:
                continue
            image = service.get("image", "")
            self.assertRegex(image, r":[\w.-]+$", f"{name}: image without a tag")
            self.assertFalse(image.endswith(":latest"), f"{name}: image {image} is not pinned")
        self.assertEqual(self.services["promtail"]["image"], "grafana/promtail:2.8.0")
        self.assertEqual(self.services["loki"]["image"], "grafana/loki:2.8.0")
        self.assertTrue(self.services["postgres"]["image"].startswith("postgres:16"))

    def test_depends_on_names_services(self):
        for name, service in self.services.items():
            for dependency in service.get("depends_on") or []:
                self.assertIn(dependency, self.services, f"{name} depends on unknown {dependency}")

    def test_app_is_built_from_the_dockerfile_and_listens_on_8080(self):
        app = self.services["app"]
        self.assertEqual(os.path.normpath(os.path.join(support.DEPLOY, app["build"]["context"])), support.REPO)
        self.assertEqual(app["build"]["dockerfile"], "deploy/Dockerfile")
        env = environment(app)
        self.assertEqual(env["ASPNETCORE_URLS"], "http://+:8080")
        self.assertEqual(env["ASPNETCORE_ENVIRONMENT"], "Production")
        self.assertEqual(str(env["Database__MigrateOnStartup"]).lower(), "false")
        check = " ".join(app["healthcheck"]["test"])
        self.assertIn("/logs/readyz", check)
        self.assertEqual(app["labels"]["org.tovplay.job"], "tovplay-logs")

    def test_app_reaches_the_database_through_pgbouncer_and_migrates_directly(self):
        env = environment(self.services["app"])
        pooled = dict(p.split("=", 1) for p in env["ConnectionStrings__AppDb"].split(";"))
        direct = dict(p.split("=", 1) for p in env["ConnectionStrings__AppDbDirect"].split(";"))
        self.assertEqual((pooled["Host"], pooled["Port"]), ("pgbouncer", "6432"))
        self.assertEqual(pooled["Max Auto Prepare"], "0")
        self.assertEqual(pooled["No Reset On Close"], "true")
        self.assertEqual((direct["Host"], direct["Port"]), ("postgres", "5432"))
        self.assertEqual(pooled["Database"], direct["Database"])
        admin = dict(p.split("=", 1) for p in env["PgBouncer__AdminConnection"].split(";"))
        self.assertEqual((admin["Host"], admin["Port"], admin["Database"]), ("pgbouncer", "6432", "pgbouncer"))

    def test_promtail_reads_the_log_volume_postgres_writes(self):
        postgres_mounts = {s: t for s, t, _ in volume_sources(self.services["postgres"])}
        promtail_mounts = {s: (t, ro) for s, t, ro in volume_sources(self.services["promtail"])}
        log_directory = re.search(r"(?m)^log_directory\s*=\s*'([^']+)'", support.read("postgresql", "postgresql.conf")).group(1)
        log_volumes = [s for s, t in postgres_mounts.items() if t == log_directory and is_named(s)]
        self.assertEqual(len(log_volumes), 1, f"postgres writes {log_directory} to no named volume")
        target, read_only = promtail_mounts[log_volumes[0]]
        self.assertTrue(read_only, "promtail must mount PostgreSQL's log read-only")
        paths = [c["labels"]["__path__"] for job in support.load_yaml("promtail", "promtail.yml")["scrape_configs"]
                 for c in job.get("static_configs", []) if job["job_name"] == "postgres"]
        self.assertTrue(paths and all(p.startswith(target + "/") for p in paths), paths)
        self.assertIn("config_file=/etc/postgresql/postgresql.conf", self.services["postgres"]["command"])

    def test_config_files_are_mounted_where_the_commands_read_them(self):
        def mounted(service):
            return {t.split(":")[0]: s for s, t, _ in volume_sources(self.services[service])}
        self.assertEqual(mounted("promtail")["/etc/promtail/promtail.yml"], "./promtail/promtail.yml")
        self.assertIn("-config.file=/etc/promtail/promtail.yml", self.services["promtail"]["command"])
        self.assertEqual(mounted("pgbouncer")["/etc/pgbouncer/pgbouncer.ini"], "./pgbouncer/pgbouncer.ini")
        self.assertEqual(mounted("loki")["/etc/loki/loki.yml"], "./loki/loki.yml")
        prometheus = mounted("prometheus")
        self.assertEqual(prometheus["/etc/prometheus/prometheus.yml"], "./prometheus/prometheus.yml")
        # rule_files are relative to prometheus.yml: rules.yml must sit beside it in the container too.
        for rule_file in support.load_yaml("prometheus", "prometheus.yml")["rule_files"]:
            self.assertIn(os.path.join("/etc/prometheus", rule_file), prometheus)
        self.assertEqual(mounted("alertmanager")["/etc/alertmanager/alertmanager.yml"], "./alertmanager/alertmanager.yml")

    def test_files_read_from_secrets_are_mounted(self):
        def secret_targets(service):
            targets = set()
            for entry in self.services[service].get("secrets") or []:
                if isinstance(entry, dict):
                    targets.add(entry.get("target") if str(entry.get("target", "")).startswith("/")
                                else "/run/secrets/" + entry.get("target", entry["source"]))
                else:
                    targets.add("/run/secrets/" + entry)
            return targets
        promtail = support.load_yaml("promtail", "promtail.yml")
        self.assertIn(promtail["clients"][0]["bearer_token_file"], secret_targets("promtail"))
        prometheus = support.load_yaml("prometheus", "prometheus.yml")
        for job in prometheus["scrape_configs"]:
            if "authorization" in job:
                self.assertIn(job["authorization"]["credentials_file"], secret_targets("prometheus"))
        alertmanager = support.load_yaml("alertmanager", "alertmanager.yml")
        for receiver in alertmanager["receivers"]:
            for discord in receiver.get("discord_configs", []):
                self.assertIn(discord["webhook_url_file"], secret_targets("alertmanager"))
        auth_file = re.search(r"(?m)^auth_file\s*=\s*(\S+)", support.read("pgbouncer", "pgbouncer.ini")).group(1)
        self.assertIn(auth_file, secret_targets("pgbouncer"))

    def test_loki_override_switches_the_app_and_promtail(self):
        override = support.load_yaml("docker-compose.loki.yml")["services"]
        self.assertEqual(environment(override["app"])["LogSource__Kind"], "Loki")
        self.assertEqual(environment(override["promtail"])["PROMTAIL_PUSH_URL"], "http://loki:3100/loki/api/v1/push")
        self.assertLessEqual(set(override), set(self.services))


class DockerfileTests(unittest.TestCase):
    def setUp(self):
        self.text = support.read("Dockerfile")

    def test_builds_with_the_sdk_and_runs_on_the_aspnet_runtime_as_non_root(self):
        stages = re.findall(r"(?m)^FROM\s+(\S+)", self.text)
        self.assertEqual(stages, ["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0"])
        self.assertIn("src/TovPlay.Logs.Web/TovPlay.Logs.Web.csproj", self.text)
        users = re.findall(r"(?m)^USER\s+(\S+)", self.text)
        self.assertTrue(users, "the image runs as root")
        self.assertNotIn(users[-1], ("root", "0"))
        self.assertRegex(self.text, r"ASPNETCORE_URLS=http://\+:8080")

    def test_copied_files_exist(self):
        for line in re.findall(r"(?m)^COPY\s+(?!--from)(.+)$", self.text):
            sources = [p for p in line.split() if not p.startswith("--")][:-1]
            for source in sources:
                self.assertTrue(os.path.exists(os.path.join(support.REPO, source)), f"COPY {source}: missing")

    def test_entry_point_and_probe_are_valid_shell(self):
        for name, shell in (("entrypoint.sh", "sh"), ("probe.sh", "bash")):
            path = support.deploy_path("docker", name)
            self.assertTrue(os.access(path, os.X_OK), f"{name} is not executable")
            result = support.run([shell, "-n", path])
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_probe_passes_on_200_only(self):
        class Health(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                code = 200 if self.path == "/logs/readyz" else 503
                body = b'{"status":"Healthy"}' if code == 200 else b'{"status":"Unhealthy"}'
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        port = str(server.server_address[1])
        probe = support.deploy_path("docker", "probe.sh")
        self.assertEqual(support.run(["bash", probe, "/logs/readyz", port], timeout=15).returncode, 0)
        self.assertNotEqual(support.run(["bash", probe, "/logs/not-ready", port], timeout=15).returncode, 0)
        self.assertNotEqual(support.run(["bash", probe, "/logs/readyz", str(support.free_port())], timeout=15).returncode, 0)


if __name__ == "__main__":
    unittest.main()
