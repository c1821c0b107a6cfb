import http.server
import threading
import unittest
import uuid

import requests
from flask import Flask

from tovplay_logging import audit_log, init_app

from .support import captured_lines, reset_logging


def make_app():
    app = Flask(__name__)
    stream, lines = captured_lines()
    init_app(app, user_loader=lambda: (7, "noa"), env="staging", stream=stream)

    @app.get("/api/games")
    def games():
        return {"games": []}

    @app.delete("/api/games/<int:game_id>")
    @audit_log("DELETE", "game", resource_id="game_id")
    def delete_game(game_id):
        return "", 204

    @app.post("/api/auth/password")
    @audit_log("PASSWORD_CHANGE", "user")
    def change_password(password="hunter2-secret"):
        raise PermissionError("old password wrong")

    @app.get("/api/boom")
    def boom():
        raise KeyError("missing")

    return app, lines


class CorrelationTests(unittest.TestCase):
    def tearDown(self):
        reset_logging()

    def test_the_callers_correlation_id_is_kept_echoed_and_on_the_request_line(self):
        app, lines = make_app()

        response = app.test_client().get("/api/games", headers={"X-Correlation-ID": "c-4711"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})

        self.assertEqual(response.headers["X-Correlation-ID"], "c-4711")
        line = lines()[-1]
        self.assertEqual((line["msg"], line["level"], line["method"], line["path"], line["status"]), ("request completed", "info", "GET", "/api/games", 200))
        self.assertEqual((line["correlation_id"], line["user_id"], line["username"], line["ip"], line["env"]), ("c-4711", "7", "noa", "203.0.113.9", "staging"))
        self.assertIsInstance(line["duration_ms"], float)

    def test_without_one_or_with_a_malformed_one_a_new_uuid_is_made(self):
        app, lines = make_app()
        client = app.test_client()

        made = client.get("/api/games").headers["X-Correlation-ID"]
        replaced = client.get("/api/games", headers={"X-Correlation-ID": "bad id\"; DROP"}).headers["X-Correlation-ID"]

        self.assertEqual(str(uuid.UUID(made)), made)
        self.assertEqual(str(uuid.UUID(replaced)), replaced)
        self.assertNotEqual(made, replaced)
        self.assertEqual([line["correlation_id"] for line in lines()], [made, replaced])

    def test_an_unhandled_error_is_one_failed_request_line_with_the_error(self):
        app, lines = make_app()

        response = app.test_client().get("/api/boom", headers={"X-Correlation-ID": "c-boom"})

        self.assertEqual(response.status_code, 500)
        failed = [line for line in lines() if line["msg"] == "request failed"]
        self.assertEqual(len(failed), 1)
        self.assertEqual((failed[0]["status"], failed[0]["level"], failed[0]["correlation_id"]), (500, "error", "c-boom"))

    def test_outgoing_requests_carry_the_requests_correlation_id(self):
        seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.headers.get("X-Correlation-ID"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            app, _ = make_app()
            address = f"http://127.0.0.1:{server.server_port}/"

            @app.get("/api/calls-out")
            def calls_out():
                requests.get(address, timeout=5)
                requests.get(address, headers={"X-Correlation-ID": "own"}, timeout=5)
                return "ok"

            app.test_client().get("/api/calls-out", headers={"X-Correlation-ID": "c-out"})
            requests.get(address, timeout=5)
        finally:
            server.shutdown()
            server.server_close()

        self.assertEqual(seen, ["c-out", "own", None])


class AuditLogTests(unittest.TestCase):
    def tearDown(self):
        reset_logging()

    def test_one_audit_line_per_call_with_who_what_outcome_and_duration(self):
        app, lines = make_app()

        app.test_client().delete("/api/games/31", headers={"X-Correlation-ID": "c-del"})

        audit = [line for line in lines() if line.get("audit")]
        self.assertEqual(len(audit), 1)
        line = audit[0]
        self.assertEqual((line["action"], line["resource"], line["resource_id"], line["outcome"], line["username"], line["correlation_id"]),
                         ("DELETE", "game", "31", "success", "noa", "c-del"))
        self.assertIn("duration_ms", line)

    def test_a_failed_action_is_logged_as_a_failure_and_no_argument_value_is_written(self):
        app, lines = make_app()

        app.test_client().post("/api/auth/password")

        text = "\n".join(str(line) for line in lines())
        audit = [line for line in lines() if line.get("audit")]
        self.assertEqual((audit[0]["action"], audit[0]["outcome"], audit[0]["error_type"], audit[0]["level"]), ("PASSWORD_CHANGE", "failure", "PermissionError", "warn"))
        self.assertNotIn("hunter2", text)


if __name__ == "__main__":
    unittest.main()
