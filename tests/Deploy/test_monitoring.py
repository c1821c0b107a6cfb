"""deploy/prometheus and deploy/alertmanager, checked by Debian's promtool and amtool.

The files name secret files that exist only in the containers (/run/secrets/...): the checks run on copies in a
temporary folder where those names point at throwaway files. Debian's amtool is 0.25, which predates Discord's
webhook_url_file (Alertmanager 0.28, the image the compose file runs); its copy says the same with webhook_url."""

import os
import shutil
import tempfile
import unittest

import support
import yaml

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
AMTOOL = shutil.which("amtool") or "/usr/bin/amtool"


class MonitoringTests(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="deploy-monitoring-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def secret(self, name, content):
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        return path

    def write(self, name, data):
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(data, f, sort_keys=False)
        return path

    def test_promtool_checks_the_configuration_and_its_rules(self):
        config = support.load_yaml("prometheus", "prometheus.yml")
        token = self.secret("prometheus_read_token", "tpl_test_token\n")
        for job in config["scrape_configs"]:
            if "authorization" in job:
                job["authorization"]["credentials_file"] = token
        # rule_files are relative to the configuration: the rules go beside the copy, as in the container.
        for rule_file in config["rule_files"]:
            shutil.copy(support.deploy_path("prometheus", rule_file), os.path.join(self.work, rule_file))
        result = support.run([PROMTOOL, "check", "config", self.write("prometheus.yml", config)])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("SUCCESS", result.stdout + result.stderr)

    def test_promtool_checks_the_rules(self):
        result = support.run([PROMTOOL, "check", "rules", support.deploy_path("prometheus", "rules.yml")])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_scrapes_the_apps_metrics_with_a_read_key(self):
        config = support.load_yaml("prometheus", "prometheus.yml")
        app = next(j for j in config["scrape_configs"] if j["job_name"] == "tovplay-logs")
        self.assertEqual(app["metrics_path"], "/logs/metrics")
        self.assertEqual(app["static_configs"][0]["targets"], ["app:8080"])
        self.assertEqual(app["authorization"]["type"], "Bearer")
        self.assertNotIn("credentials", app["authorization"], "the key comes from a file")
        readiness = next(j for j in config["scrape_configs"] if j["job_name"] == "tovplay-logs-readyz")
        self.assertEqual(readiness["static_configs"][0]["targets"], ["http://app:8080/logs/readyz"])
        self.assertEqual(config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"], ["alertmanager:9093"])

    def test_rules_cover_down_not_ready_errors_and_delivery(self):
        rules = {r["alert"]: r for g in support.load_yaml("prometheus", "rules.yml")["groups"] for r in g["rules"]}
        self.assertIn('up{job="tovplay-logs"} == 0', rules["TovPlayLogsDown"]["expr"])
        self.assertIn('probe_success{job="tovplay-logs-readyz"}', rules["TovPlayLogsNotReady"]["expr"])
        self.assertIn('http_response_status_code=~"5.."', rules["TovPlayLogsHighErrorRate"]["expr"])
        self.assertIn("tovplay_alert_notifications_total", rules["TovPlayLogsAlertDeliveryFailing"]["expr"])
        for name, rule in rules.items():
            self.assertIn(rule["labels"]["severity"], ("critical", "warning"), name)
            self.assertTrue(rule["annotations"]["summary"], name)

    def test_amtool_checks_the_alertmanager_configuration(self):
        config = support.load_yaml("alertmanager", "alertmanager.yml")
        receivers = [d for r in config["receivers"] for d in r.get("discord_configs", [])]
        self.assertTrue(receivers, "no Discord receiver")
        hook = "https://discord.com/api/webhooks/0/deploy-test"
        for discord in receivers:
            self.assertTrue(discord["webhook_url_file"].startswith("/run/secrets/"))
            self.assertNotIn("webhook_url", discord, "the webhook address is a secret: read it from the file")
            discord["webhook_url"] = hook
            del discord["webhook_url_file"]
        result = support.run([AMTOOL, "check-config", self.write("alertmanager.yml", config)])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("SUCCESS", result.stdout)
        self.assertIn("discord", (config["route"]["receiver"], *(r["receiver"] for r in config["route"].get("routes", []))))

    def test_alertmanager_image_reads_the_webhook_from_a_file(self):
        image = support.load_yaml("docker-compose.yml")["services"]["alertmanager"]["image"]
        version = tuple(int(p) for p in image.rsplit(":v", 1)[1].split("."))
        self.assertGreaterEqual(version, (0, 28, 0), "Discord's webhook_url_file works from Alertmanager 0.28")


if __name__ == "__main__":
    unittest.main()
