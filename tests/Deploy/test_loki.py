"""deploy/loki/loki.yml: 30 days' retention applied by the compactor, a schema, and limits that match the embedded
store's defaults. There is no Loki binary on the test machine: this reads the file."""

import datetime
import unittest

import support


class LokiConfigTests(unittest.TestCase):
    def setUp(self):
        self.config = support.load_yaml("loki", "loki.yml")

    def test_top_level_sections_are_loki_2_8s(self):
        known = {"target", "auth_enabled", "server", "common", "schema_config", "storage_config", "compactor",
                 "limits_config", "query_range", "querier", "query_scheduler", "frontend", "frontend_worker",
                 "ingester", "ingester_client", "distributor", "ruler", "memberlist", "runtime_config",
                 "table_manager", "chunk_store_config", "analytics", "tracing", "index_gateway", "internal_server",
                 "operational_config", "usage_report"}
        self.assertLessEqual(set(self.config), known)

    def test_retention_is_30_days_and_enforced_by_the_compactor(self):
        self.assertIs(self.config["compactor"]["retention_enabled"], True)
        self.assertEqual(self.config["limits_config"]["retention_period"], "720h")
        self.assertEqual(self.config["compactor"]["shared_store"], "filesystem")
        self.assertTrue(self.config["compactor"]["working_directory"].startswith("/loki/"))

    def test_schema_config_is_present_and_uses_a_shipper_index(self):
        configs = self.config["schema_config"]["configs"]
        self.assertTrue(configs)
        for entry in configs:
            self.assertIn(entry["store"], ("tsdb", "boltdb-shipper"))
            self.assertEqual(entry["object_store"], "filesystem")
            self.assertEqual(entry["index"]["period"], "24h", "retention needs 24h index periods")
            self.assertIn(entry["schema"], ("v11", "v12"), "Loki 2.8 knows schemas up to v12")
            datetime.date.fromisoformat(str(entry["from"]))
        shipper = "tsdb_shipper" if configs[-1]["store"] == "tsdb" else "boltdb_shipper"
        self.assertIn(shipper, self.config["storage_config"])

    def test_single_process_on_its_volume(self):
        self.assertIs(self.config["auth_enabled"], False)
        self.assertEqual(self.config["common"]["replication_factor"], 1)
        self.assertEqual(self.config["common"]["ring"]["kvstore"]["store"], "inmemory")
        self.assertEqual(self.config["server"]["http_listen_port"], 3100)
        compose = support.load_yaml("docker-compose.yml")["services"]["loki"]
        self.assertIn("loki-data:/loki", compose["volumes"])

    def test_limits_match_the_embedded_stores(self):
        limits = self.config["limits_config"]
        self.assertEqual(limits["max_entries_limit_per_query"], 5000)
        self.assertEqual(limits["max_query_length"], "721h")
        self.assertEqual(limits["max_label_names_per_series"], 15)
        self.assertEqual(limits["per_stream_rate_limit"], "3MB")
        self.assertEqual(limits["max_global_streams_per_user"], 5000)
        self.assertIs(limits["reject_old_samples"], True)
        self.assertEqual(limits["reject_old_samples_max_age"], "168h")


if __name__ == "__main__":
    unittest.main()
