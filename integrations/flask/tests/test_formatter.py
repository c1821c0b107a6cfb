import json
import logging
import unittest

from flask import Flask, g

from tovplay_logging import JsonFormatter, context


def record(message="played", level=logging.INFO, exc_info=None, **extra):
    entry = logging.LogRecord("tovplay.games", level, __file__, 1, message, None, exc_info)
    for key, value in extra.items():
        setattr(entry, key, value)
    entry.created = 1796380199.25
    return entry


class JsonFormatterTests(unittest.TestCase):
    def tearDown(self):
        context.set_user_loader(None)

    def test_a_line_outside_a_request_has_the_contracts_fixed_fields_and_its_extras(self):
        line = json.loads(JsonFormatter(service="tovplay-backend", env="staging").format(record(action="DELETE", resource="game", status=204)))

        self.assertEqual(line["ts"], "2026-12-04T10:29:59.250Z")
        self.assertEqual((line["level"], line["msg"], line["service"], line["env"]), ("info", "played", "tovplay-backend", "staging"))
        self.assertEqual((line["action"], line["resource"], line["status"]), ("DELETE", "game", 204))
        self.assertNotIn("correlation_id", line)

    def test_inside_a_request_the_line_carries_its_correlation_id_user_and_client(self):
        app = Flask(__name__)
        context.set_user_loader(lambda: (42, "maya"))
        with app.test_request_context("/api/games/7", headers={"X-Correlation-ID": "c-123"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}):
            g.tovplay_correlation_id = "c-123"
            line = json.loads(JsonFormatter().format(record(level=logging.WARNING)))

        self.assertEqual((line["level"], line["correlation_id"], line["user_id"], line["username"], line["ip"]), ("warn", "c-123", "42", "maya", "203.0.113.9"))

    def test_an_exception_becomes_the_error_object_with_its_stack(self):
        try:
            raise KeyError("game 7")
        except KeyError as error:
            line = json.loads(JsonFormatter().format(record(level=logging.ERROR, exc_info=(KeyError, error, error.__traceback__))))

        self.assertEqual((line["level"], line["error"]["type"], line["error"]["message"]), ("error", "KeyError", "'game 7'"))
        self.assertIn("raise KeyError", line["error"]["stack"])

    def test_secrets_in_the_message_the_extras_and_the_error_are_taken_out(self):
        try:
            raise PermissionError("login failed for token=abc123def456")
        except PermissionError as error:
            line = json.loads(JsonFormatter().format(record(
                message="paid with 4111 1111 1111 1111, Authorization: Bearer abcdefghijklmnop", level=logging.ERROR,
                exc_info=(PermissionError, error, error.__traceback__), password="hunter2", form={"email": "a@b.c", "api_key": "sk_live_1"},
                card=4111111111111111)))

        text = json.dumps(line)
        for secret in ("hunter2", "sk_live_1", "4111", "abcdefghijklmnop", "abc123def456"):
            self.assertNotIn(secret, text)
        self.assertEqual((line["password"], line["form"]["email"], line["form"]["api_key"], line["card"]), ("[REDACTED]", "a@b.c", "[REDACTED]", "[REDACTED]"))
        self.assertEqual(line["error"]["message"], "login failed for token=[REDACTED]")

    def test_credential_headers_addresses_and_provider_keys_are_taken_out_and_flags_kept(self):
        line = json.loads(JsonFormatter().format(record(
            message="Cookie: sid=abc123; theme=dark", url="https://bob:hunter17@db.tovplay.test/x", key="sk_live_51HxAbCdEf",
            token_expired=True, totp="123456")))

        self.assertEqual((line["msg"], line["url"], line["key"], line["token_expired"], line["totp"]),
                         ("Cookie: [REDACTED]", "https://bob:[REDACTED]@db.tovplay.test/x", "[REDACTED]", True, "[REDACTED]"))

    def test_a_broken_user_loader_does_not_break_the_line(self):
        app = Flask(__name__)

        def broken():
            raise RuntimeError("session store down")

        context.set_user_loader(broken)
        with app.test_request_context("/"):
            line = json.loads(JsonFormatter().format(record()))

        self.assertNotIn("user_id", line)
        self.assertEqual(line["msg"], "played")


if __name__ == "__main__":
    unittest.main()
