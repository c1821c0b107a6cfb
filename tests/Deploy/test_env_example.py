"""deploy/env.example documents every variable the compose files take from deploy/.env, and holds no secret."""

import re
import unittest

import support

PLACEHOLDER = re.compile(r"^<change-me>$|^$")


def variables():
    """{name: (value, comment lines above it)} of env.example."""
    found, comments = {}, []
    for line in support.read("env.example").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comments.append(stripped)
        elif not stripped:
            comments = []
        else:
            name, _, value = stripped.partition("=")
            found[name] = (value, comments)
            comments = []
    return found


def referenced(*files):
    names = set()
    for name in files:
        names.update(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", support.read(name)))
    return names


class EnvExampleTests(unittest.TestCase):
    def test_lists_every_variable_the_compose_files_interpolate(self):
        listed = set(variables())
        used = referenced("docker-compose.yml", "docker-compose.loki.yml")
        self.assertTrue(used, "the compose file takes nothing from .env?")
        self.assertEqual(used - listed, set(), "variables used in docker-compose.yml but missing from env.example")

    def test_every_variable_is_documented(self):
        for name, (_, comments) in variables().items():
            self.assertTrue(comments, f"{name} has no comment saying what it is")

    def test_lines_are_variable_assignments(self):
        for name in variables():
            self.assertRegex(name, r"^[A-Za-z_][A-Za-z0-9_]*$")

    def test_holds_placeholders_only(self):
        for name, (value, _) in variables().items():
            self.assertRegex(value, PLACEHOLDER, f"{name} has a value that is not a placeholder: {value!r}")
        for name in ("POSTGRES_PASSWORD", "TOVPLAY_LOGS_DB_PASSWORD", "TOVPLAY_MONITOR_PASSWORD"):
            self.assertEqual(variables()[name][0], "<change-me>", f"{name} must be set, and the example says so")

    def test_nothing_in_the_comments_looks_like_a_secret(self):
        text = support.read("env.example")
        self.assertNotRegex(text, r"(?i)password=(?!<change-me>|\.\.\.|$)[^;\s]+")
        self.assertNotRegex(text, r"discord(app)?\.com/api/webhooks/\d+/")
        self.assertNotRegex(text, r"tpl_[A-Za-z0-9]{8,}")


if __name__ == "__main__":
    unittest.main()
