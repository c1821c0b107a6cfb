import unittest

from flask import Flask
from sqlalchemy import create_engine, text

from tovplay_logging import audit_log, init_app

from .support import TovPlayDatabase, captured_lines, reset_logging

database = None


def setUpModule():
    global database
    database = TovPlayDatabase()


def tearDownModule():
    if database is not None:
        database.drop()


class BackendOnOneConnection(unittest.TestCase):
    """A Flask backend whose engine has one connection into the audited database: a second checkout within a request
    fails within two seconds instead of passing unnoticed."""

    def setUp(self):
        self.engine = create_engine(database.app_url(), pool_size=1, max_overflow=0, pool_timeout=2)
        self.app = Flask(__name__)
        self.stream, self.lines = captured_lines()

    def tearDown(self):
        self.engine.dispose()
        reset_logging()

    def owned_game(self, user_id, username, title):
        """A game of this user (made if new), as the application's role creates it; its id."""
        with self.engine.begin() as connection:
            connection.execute(text("INSERT INTO users (id, username) VALUES (:id, :name) ON CONFLICT DO NOTHING"), {"id": user_id, "name": username})
            return connection.execute(text("INSERT INTO games (owner_id, title) VALUES (:id, :title) RETURNING id"), {"id": user_id, "title": title}).scalar_one()


class UserFromTheDatabaseTests(BackendOnOneConnection):
    """A user loader that reads the database, as Flask-Login's does, on a pool of one connection."""

    def setUp(self):
        super().setUp()
        self.game = self.owned_game(77, "dana", "Backgammon")
        loads = []

        def loader():
            loads.append(1)
            with self.engine.connect() as connection:
                return connection.execute(text("SELECT id, username FROM users WHERE id = 77")).one()

        self.loads = loads
        init_app(self.app, engine=self.engine, user_loader=loader, stream=self.stream)

        @self.app.delete("/api/games/<int:game_id>")
        def delete_game(game_id):
            with self.engine.begin() as connection:
                connection.execute(text("DELETE FROM games WHERE id = :id"), {"id": game_id})
            return "", 204

    def test_it_is_read_once_before_the_requests_transactions_and_named_on_them(self):
        response = self.app.test_client().delete(f"/api/games/{self.game}", headers={"X-Correlation-ID": "c-dana"})

        self.assertEqual(response.status_code, 204)
        rows = database.rows("SELECT app_user_id, app_username FROM tovplay_audit.statements WHERE correlation_id = %s AND action = 'DELETE'", ("c-dana",))
        self.assertEqual([(r["app_user_id"], r["app_username"]) for r in rows], [("77", "dana")])
        self.assertEqual(len(self.loads), 1)


class SharedSessionTests(BackendOnOneConnection):
    """The request's own session (as Flask-SQLAlchemy keeps one) read by the user loader, then used by the view."""

    def setUp(self):
        super().setUp()
        self.game = self.owned_game(78, "eli", "Checkers")
        self.loads = []
        from flask import g, request
        from sqlalchemy.orm import Session

        def session():
            if "db" not in g:
                g.db = Session(self.engine)
            return g.db

        def loader():
            self.loads.append(1)
            if request.headers.get("X-Test-User") == "gone":
                return None
            return session().execute(text("SELECT id, username FROM users WHERE id = 78")).one()

        init_app(self.app, engine=self.engine, user_loader=loader, stream=self.stream)

        @self.app.teardown_request
        def close(_error):
            if "db" in g:
                g.db.close()

        @self.app.delete("/api/games/<int:game_id>")
        def delete_game(game_id):
            session().execute(text("DELETE FROM games WHERE id = :id"), {"id": game_id})
            session().commit()
            return "", 204

        @self.app.get("/api/own-games")
        def own_games():
            with self.engine.begin() as connection:
                return {"games": connection.execute(text("SELECT count(*) FROM games")).scalar_one()}

    def test_the_statements_after_the_user_was_read_in_the_same_transaction_name_the_user(self):
        response = self.app.test_client().delete(f"/api/games/{self.game}", headers={"X-Correlation-ID": "c-eli"})

        self.assertEqual(response.status_code, 204)
        rows = database.rows("SELECT app_user_id, app_username FROM tovplay_audit.statements WHERE correlation_id = %s AND action = 'DELETE'", ("c-eli",))
        self.assertEqual([(r["app_user_id"], r["app_username"]) for r in rows], [("78", "eli")])

    def test_nobody_signed_in_is_asked_once_too(self):
        response = self.app.test_client().get("/api/own-games", headers={"X-Test-User": "gone"})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.loads), 1)


class DatabaseContextTests(BackendOnOneConnection):
    """Requests of a Flask backend through SQLAlchemy, on a pool of one connection, into the audited database."""

    def setUp(self):
        super().setUp()
        users = {"maya": (42, "maya"), "noa": (7, "noa")}
        from flask import request

        init_app(self.app, engine=self.engine, user_loader=lambda: users.get(request.headers.get("X-Test-User")), stream=self.stream)

        @self.app.post("/api/games")
        def create_game():
            with self.engine.begin() as connection:
                connection.execute(text("INSERT INTO users (id, username) VALUES (:id, :name) ON CONFLICT DO NOTHING"), {"id": 42, "name": "maya"})
                game = connection.execute(text("INSERT INTO games (owner_id, title) VALUES (42, :title) RETURNING id"), {"title": request.json["title"]}).scalar_one()
            return {"id": game}, 201

        @self.app.delete("/api/games/<int:game_id>")
        @audit_log("DELETE", "game", resource_id="game_id")
        def delete_game(game_id):
            with self.engine.begin() as connection:
                connection.execute(text("DELETE FROM games WHERE id = :id"), {"id": game_id})
            return "", 204

    def test_a_delete_through_the_app_leaves_an_audit_row_and_log_lines_sharing_its_correlation_id(self):
        client = self.app.test_client()
        game = client.post("/api/games", json={"title": "Chess"}, headers={"X-Test-User": "maya"}).json["id"]

        response = client.delete(f"/api/games/{game}", headers={"X-Test-User": "maya", "X-Correlation-ID": "c-delete-chess"},
                                 environ_base={"REMOTE_ADDR": "203.0.113.9"})

        self.assertEqual(response.status_code, 204)
        rows = database.rows("SELECT action, schema_name, table_name, row_count, app_user_id, app_username, app_client_ip, request_path, session_role, application_name "
                             "FROM tovplay_audit.statements WHERE correlation_id = %s", ("c-delete-chess",))
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual((row["action"], row["table_name"], row["row_count"]), ("DELETE", "games", 1))
        self.assertEqual((row["app_user_id"], row["app_username"], str(row["app_client_ip"]), row["request_path"], row["session_role"]),
                         ("42", "maya", "203.0.113.9", f"/api/games/{game}", database.app_role))
        self.assertEqual(row["application_name"], "tovplay-backend")
        lines = [line for line in self.lines() if line.get("correlation_id") == "c-delete-chess"]
        self.assertEqual([line["msg"] for line in lines], ["DELETE game", "request completed"])
        self.assertEqual((lines[1]["status"], lines[1]["path"], lines[1]["username"]), (204, f"/api/games/{game}", "maya"))

    def test_a_pooled_connection_never_carries_one_requests_context_into_the_next_or_outside_a_request(self):
        client = self.app.test_client()
        first = client.post("/api/games", json={"title": "Go"}, headers={"X-Test-User": "maya", "X-Correlation-ID": "c-first"}).json["id"]
        second = client.post("/api/games", json={"title": "Shogi"}, headers={"X-Correlation-ID": "c-second"}).json["id"]
        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM games WHERE id = :id"), {"id": first})
            leftover = connection.execute(text("SELECT current_setting('tovplay.correlation_id', true), current_setting('tovplay.username', true)")).one()

        rows = database.rows("SELECT correlation_id, app_username FROM tovplay_audit.statements WHERE table_name = 'games' AND action IN ('INSERT', 'DELETE') "
                             "AND (correlation_id IN ('c-first', 'c-second') OR correlation_id IS NULL) ORDER BY id")
        self.assertEqual([(r["correlation_id"], r["app_username"]) for r in rows][-3:], [("c-first", "maya"), ("c-second", None), (None, None)])
        self.assertIn(leftover[0], (None, ""))
        self.assertIn(leftover[1], (None, ""))
        self.assertNotEqual(first, second)


if __name__ == "__main__":
    unittest.main()
