"""deploy/systemd/tovplay-logs.service: `systemd-analyze verify` on a copy whose program paths point at a stand-in
(verify refuses a unit whose ExecStart does not exist, and the app is not published on the test machine), with
unknown keys counted as failures, plus the settings the deployment relies on, read from the unit as INI."""

import configparser
import os
import shutil
import tempfile
import unittest

import support

UNIT = support.deploy_path("systemd", "tovplay-logs.service")
BINARY = "/opt/tovplay-logs/TovPlay.Logs.Web"


def unit():
    # systemd allows a key more than once (ExecStartPre); keep the last, which is enough for these checks.
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";"))
    parser.optionxform = str
    parser.read(UNIT, encoding="utf-8")
    return parser


class SystemdUnitTests(unittest.TestCase):
    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed (a container without "
                         "systemd): the unit is only read as INI below")
    def test_systemd_analyze_verify(self):
        analyze = shutil.which("systemd-analyze")
        work = tempfile.mkdtemp(prefix="deploy-systemd-")
        self.addCleanup(shutil.rmtree, work, True)
        stand_in = os.path.join(work, "TovPlay.Logs.Web")
        with open(stand_in, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(stand_in, 0o755)
        with open(UNIT, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(BINARY, text)
        copy = os.path.join(work, "tovplay-logs.service")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(text.replace(BINARY, stand_in))
        result = support.run([analyze, "verify", copy], env=dict(os.environ, SYSTEMD_LOG_LEVEL="warning"))
        problems = [line for line in result.stderr.splitlines()
                    if "tovplay-logs.service" in line and "Special user" not in line]
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(problems, [], "systemd-analyze verify complained")

    def test_runs_the_published_app_after_migrating(self):
        service = unit()["Service"]
        self.assertEqual(service["ExecStart"], BINARY)
        self.assertEqual(service["ExecStartPre"], BINARY + " migrate")
        self.assertEqual(service["EnvironmentFile"], "/etc/tovplay-logs/env")
        self.assertEqual(service["User"], "tovplay-logs")
        self.assertEqual(service["Restart"], "on-failure")
        self.assertEqual(service["WorkingDirectory"], "/opt/tovplay-logs")

    def test_hardening(self):
        service = unit()["Service"]
        for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                           "ProtectHome": "yes"}.items():
            self.assertEqual(service.get(key), value, key)
        self.assertIn("MemoryMax", service)
        self.assertIn("ReadWritePaths", service)
        # The JIT needs writable, executable memory.
        self.assertNotIn("MemoryDenyWriteExecute", service)

    def test_listens_where_nginx_proxies(self):
        with open(UNIT, encoding="utf-8") as f:
            environment = [line for line in f if line.startswith("Environment=")]
        self.assertIn("Environment=ASPNETCORE_URLS=http://127.0.0.1:8080\n", environment)
        self.assertIn("server 127.0.0.1:8080;", support.read("nginx", "upstream.conf"))


if __name__ == "__main__":
    unittest.main()
