"""A tiny TovPlay backend for the browser test: Flask with tovplay_logging, a page that uses the browser logger, and
one endpoint that deletes a game through SQLAlchemy. Prints "listening PORT", then its JSON log lines, on stdout.

Environment: TOVPLAY_PORT (0: any), TOVPLAY_DB_URL (SQLAlchemy URL of the audited database), TOVPLAY_GAMES_TABLE, TOVPLAY_INGEST_URL (the
app's frontend endpoint), TOVPLAY_SESSION_KEY, TOVPLAY_LOGGER_DIST (integrations/frontend/dist)."""

import json
import logging
import os
import sys

from flask import Flask, send_from_directory
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from tovplay_logging import audit_log, init_app, sign_session_token

table = os.environ["TOVPLAY_GAMES_TABLE"]
engine = create_engine(os.environ["TOVPLAY_DB_URL"], pool_size=2)
app = Flask(__name__)
USER = (42, "maya")
init_app(app, engine=engine, user_loader=lambda: USER, env="prod", stream=sys.stdout)
# The development server's own access lines would join the JSON ones on stdout; the request lines say it all.
logging.getLogger("werkzeug").setLevel(logging.WARNING)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>TovPlay games</title><link rel="icon" href="data:,"></head>
<body>
<h1>My games</h1>
<button id="delete" data-action="delete-game">Delete game</button>
<p id="result"></p>
<script type="module">
import { createLogger, captureGlobals, wrapFetch } from "/logger/index.js";
const logger = createLogger({ endpoint: %(ingest)s, env: "prod", session: () => %(token)s, flushIntervalMs: 100 });
captureGlobals(logger);
window.fetch = wrapFetch(logger);
window.tovplayLogger = logger;
document.getElementById("delete").addEventListener("click", async () => {
  const response = await fetch("/api/games/%(game)s", { method: "DELETE" });
  await logger.flush();
  document.getElementById("result").textContent = "deleted: " + response.status + ", sent: " + logger.stats().sent;
});
</script>
</body></html>"""


@app.get("/games/<int:game_id>")
def page(game_id):
    token = sign_session_token(USER[0], USER[1], os.environ["TOVPLAY_SESSION_KEY"], ttl_seconds=600)
    return PAGE % {"ingest": json.dumps(os.environ["TOVPLAY_INGEST_URL"]), "token": json.dumps(token), "game": game_id}


@app.get("/logger/<path:name>")
def logger_script(name):
    return send_from_directory(os.environ["TOVPLAY_LOGGER_DIST"], name, mimetype="text/javascript")


@app.delete("/api/games/<int:game_id>")
@audit_log("DELETE", "game", resource_id="game_id")
def delete_game(game_id):
    with engine.begin() as connection:
        connection.execute(text(f'DELETE FROM "{table}" WHERE id = :id'), {"id": game_id})
    return "", 204


if __name__ == "__main__":
    server = make_server("127.0.0.1", int(os.environ.get("TOVPLAY_PORT", "0")), app, threaded=True)
    print(f"listening {server.server_port}", flush=True)
    sys.stdout.reconfigure(line_buffering=True)
    server.serve_forever()
