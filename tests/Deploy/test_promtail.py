"""deploy/promtail/promtail.yml: valid for promtail 2.8 (promtail_schema), low-cardinality labels only, pushing to
the app's API with a key from a file, and a multiline stage that starts an entry exactly where PostgreSQL's
log_line_prefix (deploy/postgresql/forensics.conf) begins one."""

import copy
import re
import unittest

import promtail_schema
import support
import yaml

ALLOWED_LABELS = {"job", "env", "level", "service"}
LEVELS = {"trace", "debug", "info", "warn", "error", "fatal"}
PUSH_PATH = "/logs/loki/api/v1/push"
ENV_REFERENCE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def raw_text():
    return support.read("promtail", "promtail.yml")


def expanded(text=None):
    """The file as promtail reads it with -config.expand-env=true and no variables set (the defaults)."""
    return yaml.safe_load(ENV_REFERENCE.sub(lambda m: m.group(2) or "", text if text is not None else raw_text()))


def job(config, name):
    return next(j for j in config["scrape_configs"] if j["job_name"] == name)


def stages(job_config):
    """Every stage of a job, those inside match stages included, as (name, parameters)."""
    def walk(items):
        for item in items or []:
            (name, params), = item.items()
            yield name, params
            if name == "match":
                yield from walk(params.get("stages"))
    return list(walk(job_config.get("pipeline_stages")))


def postgres_firstline():
    return next(p["firstline"] for s, p in stages(job(expanded(), "postgres")) if s == "multiline")


def log_line_prefix():
    text = support.read("postgresql", "forensics.conf")
    return re.search(r"(?m)^log_line_prefix\s*=\s*'([^']*)'", text).group(1)


def render_prefix(prefix, values):
    """What PostgreSQL writes for `prefix`: %q ends the prefix for processes without a session; here one has one."""
    return re.sub(r"%(.)", lambda m: "" if m.group(1) == "q" else values[m.group(1)], prefix)


class PromtailSchemaTests(unittest.TestCase):
    def test_the_shipped_file_is_valid(self):
        promtail_schema.validate(expanded())

    def test_the_schema_refuses_what_promtail_refuses(self):
        config = expanded()
        bad = copy.deepcopy(config)
        bad["clients"][0]["bearer_token_fil"] = "/x"
        with self.assertRaisesRegex(promtail_schema.SchemaError, "bearer_token_fil"):
            promtail_schema.validate(bad)
        bad = copy.deepcopy(config)
        bad["scrape_configs"][0]["pipeline_stages"].append({"jsonn": {"expressions": {}}})
        with self.assertRaisesRegex(promtail_schema.SchemaError, "unknown pipeline stage"):
            promtail_schema.validate(bad)
        bad = copy.deepcopy(config)
        bad["scrape_configs"][0]["relabel_configs"][0]["action"] = "keepp"
        with self.assertRaisesRegex(promtail_schema.SchemaError, "keepp"):
            promtail_schema.validate(bad)
        bad = copy.deepcopy(config)
        del bad["scrape_configs"][0]["job_name"]
        with self.assertRaisesRegex(promtail_schema.SchemaError, "job_name is required"):
            promtail_schema.validate(bad)
        bad = copy.deepcopy(config)
        bad["server"]["http_listen_port"] = "9080"
        with self.assertRaisesRegex(promtail_schema.SchemaError, "integer"):
            promtail_schema.validate(bad)
        bad = copy.deepcopy(config)
        bad["positionz"] = {}
        with self.assertRaises(promtail_schema.SchemaError):
            promtail_schema.validate(bad)


class PromtailClientTests(unittest.TestCase):
    def test_pushes_to_the_apps_push_api_with_a_key_from_a_file(self):
        clients = expanded()["clients"]
        self.assertEqual(len(clients), 1)
        client = clients[0]
        self.assertEqual(client["url"], "http://app:8080" + PUSH_PATH)
        self.assertTrue(client["url"].endswith(PUSH_PATH))
        self.assertTrue(client["bearer_token_file"].startswith("/run/secrets/"))
        for inline in ("bearer_token", "basic_auth", "authorization"):
            self.assertNotIn(inline, client, "credentials must come from a file, not the repository")

    def test_only_the_push_address_is_expanded_from_the_environment(self):
        # With -config.expand-env=true every "$" is expanded: a regex anchor or a template variable would be eaten.
        text = raw_text()
        self.assertEqual([m.group(1) for m in ENV_REFERENCE.finditer(text)], ["PROMTAIL_PUSH_URL"])
        self.assertEqual(text.count("$"), 1, "a '$' other than the push address' reference")


class PromtailLabelTests(unittest.TestCase):
    def setUp(self):
        self.config = expanded()

    def test_only_job_env_level_and_service_become_labels(self):
        for scrape in self.config["scrape_configs"]:
            name = scrape["job_name"]
            produced = set()
            for relabel in scrape.get("relabel_configs", []):
                self.assertNotIn(relabel.get("action", "replace"), ("labelmap",), f"{name}: labelmap copies labels wholesale")
                if relabel.get("action", "replace") in ("replace", "lowercase", "uppercase", "hashmod"):
                    produced.add(relabel["target_label"])
            for static in scrape.get("static_configs", []):
                produced.update(static.get("labels", {}))
            dropped = set()
            for stage, params in stages(scrape):
                if stage in ("labels", "static_labels"):
                    produced.update(params)
                if stage == "labeldrop":
                    dropped.update(params)
                self.assertNotEqual(stage, "labelallow", "keep the label set explicit")
            # promtail labels a file's lines with their path: a daily file would start a new stream each day.
            if any("__path__" in s.get("labels", {}) for s in scrape.get("static_configs", [])):
                self.assertIn("filename", dropped, f"{name}: the filename label is not dropped")
            visible = {label for label in produced if not label.startswith("__")} - dropped
            self.assertLessEqual(visible, ALLOWED_LABELS, f"{name} attaches labels beyond {sorted(ALLOWED_LABELS)}")
            self.assertIn("job", visible, f"{name} sets no job label")
        for client in self.config["clients"]:
            self.assertLessEqual(set(client.get("external_labels", {})), ALLOWED_LABELS)

    def test_containers_choose_their_job_with_a_docker_label(self):
        containers = job(self.config, "containers")
        self.assertEqual(containers["docker_sd_configs"][0]["host"], "unix:///var/run/docker.sock")
        relabels = containers["relabel_configs"]
        keep = [r for r in relabels if r.get("action") == "keep"]
        self.assertEqual(keep[0]["source_labels"], ["__meta_docker_container_label_org_tovplay_job"])
        targets = {r["target_label"]: r["source_labels"] for r in relabels if "target_label" in r}
        self.assertEqual(targets["job"], ["__meta_docker_container_label_org_tovplay_job"])
        self.assertEqual(set(targets), {"job", "service", "env"})
        labels = [p for s, p in stages(containers) if s == "labels"]
        self.assertEqual(labels, [{"level": None}])
        compose = support.load_yaml("docker-compose.yml")
        self.assertEqual(compose["services"]["app"]["labels"]["org.tovplay.job"], "tovplay-logs")

    def test_level_comes_from_the_json_level_field(self):
        containers = job(self.config, "containers")
        first = containers["pipeline_stages"][0]
        self.assertEqual(first, {"json": {"expressions": {"level": "level"}}})
        match = next(p for s, p in stages(containers) if s == "match")
        self.assertEqual(match["selector"], '{job="tovplay-logs"}')
        self.assertIn({"json": {"expressions": {"level": '"@l"'}}}, match["stages"])

    def test_levels_are_spelt_one_way(self):
        """The normalising template maps each logger's spelling to the label values the app uses for browser lines."""
        containers = job(self.config, "containers")
        template = [p["template"] for s, p in stages(containers)
                    if s == "template" and "ToLower" in p["template"]]
        self.assertEqual(len(template), 1)
        branches = re.findall(r'\{\{ (?:if|else if) eq \(ToLower \.Value\)((?: "[^"]+")+) \}\}(\w+)', template[0])
        mapping = {spelling: level for spellings, level in branches for spelling in re.findall(r'"([^"]+)"', spellings)}
        self.assertLessEqual(set(mapping.values()), LEVELS)
        serilog = {"verbose": "trace", "debug": "debug", "information": "info", "warning": "warn", "error": "error",
                   "fatal": "fatal"}
        backend = {"debug": "debug", "info": "info", "warn": "warn", "error": "error", "fatal": "fatal"}
        for spelling, level in {**serilog, **backend, "critical": "fatal", "warn": "warn"}.items():
            self.assertEqual(mapping.get(spelling), level, spelling)
        # Anything else gets no label: the template's last branch ends without an else.
        self.assertTrue(template[0].rstrip().endswith("{{ end }}"))
        self.assertNotRegex(template[0], r"\{\{ else \}\}")


class PostgresLogTests(unittest.TestCase):
    def setUp(self):
        self.postgres = job(expanded(), "postgres")
        self.firstline = next(p["firstline"] for s, p in stages(self.postgres) if s == "multiline")
        self.sample = render_prefix(log_line_prefix(), {
            "m": "2026-12-04 21:30:00.123 UTC", "p": "4242", "u": "tovplay", "d": "tovplay", "a": "psql",
            "h": "10.0.0.5"}) + "LOG:  statement: DROP TABLE users;"

    def test_prefix_is_the_one_the_app_parses(self):
        self.assertEqual(log_line_prefix(), "%m [%p] %quser=%u db=%d app=%a client=%h ")
        self.assertEqual(self.sample, "2026-12-04 21:30:00.123 UTC [4242] user=tovplay db=tovplay app=psql "
                                      "client=10.0.0.5 LOG:  statement: DROP TABLE users;")

    def test_multiline_firstline_starts_an_entry_at_the_prefix_only(self):
        self.assertRegex(self.sample, self.firstline)
        # A process without a session stops the prefix at %q.
        self.assertRegex("2026-12-04 21:30:00.123 UTC [1] LOG:  database system is ready to accept connections",
                         self.firstline)
        for continuation in ("\tFROM users WHERE id = 1", "        AND created_at < now()",
                             "DETAIL:  Key (id)=(1) is still referenced from table \"games\".",
                             "2026-12-04", "[4242] user=tovplay",
                             # A statement's text may quote a log line of its own: only the line's start counts.
                             "\tVALUES ('2026-12-04 21:30:00.123 UTC [4242] user=tovplay db=tovplay LOG:  x');"):
            self.assertNotRegex(continuation, self.firstline)

    def test_regexes_are_ones_go_can_compile(self):
        for scrape in expanded()["scrape_configs"]:
            for stage, params in stages(scrape):
                for key in ("firstline", "expression"):
                    if key in params:
                        re.compile(params[key])
                        self.assertNotRegex(params[key], r"\(\?[=!<]|\\[1-9]", "RE2 has no lookaround or backreference")

    def test_the_servers_time_becomes_the_entrys_time(self):
        regex = next(p["expression"] for s, p in stages(self.postgres) if s == "regex")
        timestamp = next(p for s, p in stages(self.postgres) if s == "timestamp")
        match = re.match(regex, self.sample)
        self.assertIsNotNone(match)
        self.assertEqual(match.group(timestamp["source"]), "2026-12-04 21:30:00.123")
        self.assertEqual(timestamp["format"], "2006-01-02 15:04:05.000")
        self.assertEqual(timestamp["location"], "UTC")
        self.assertRegex(support.read("postgresql", "forensics.conf"), r"(?m)^log_timezone = 'UTC'$")

    def test_reads_the_log_directory_with_its_own_labels(self):
        labels = self.postgres["static_configs"][0]["labels"]
        self.assertEqual(labels["job"], "postgres")
        self.assertEqual({k for k in labels if not k.startswith("__")}, {"job", "env", "service"})


if __name__ == "__main__":
    unittest.main()
