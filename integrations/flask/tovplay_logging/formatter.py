"""One JSON object per line, with the fields of TovPlay's log contract."""

import datetime
import json
import logging
import traceback

from . import context
from .redaction import redact, redact_text

# Attributes every LogRecord has; anything else on a record came from `extra=` and becomes a field.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}

_LEVELS = {"DEBUG": "debug", "INFO": "info", "WARNING": "warn", "ERROR": "error", "CRITICAL": "fatal"}


class JsonFormatter(logging.Formatter):
    """Formats records as the backend's contract lines: ts, level, msg, service, env, correlation_id, the user and
    client of the current request, the record's extra fields, and an error object for exceptions; secrets taken out
    (see redaction)."""

    def __init__(self, service="tovplay-backend", env="prod"):
        super().__init__()
        self.service = service
        self.env = env

    def format(self, record):
        line = {
            "ts": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": _LEVELS.get(record.levelname, record.levelname.lower()),
            "msg": redact_text(record.getMessage()),
            "service": self.service,
            "env": self.env,
            "logger": record.name,
        }
        correlation_id = context.current_correlation_id()
        if correlation_id:
            line["correlation_id"] = correlation_id
        user_id, username = context.current_user()
        if user_id is not None:
            line["user_id"] = user_id
        if username is not None:
            line["username"] = username
        ip = context.client_ip()
        if ip:
            line["ip"] = ip
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                line[key] = redact(value, key)
        if record.exc_info and record.exc_info[0] is not None:
            kind, error, stack = record.exc_info
            line["error"] = {
                "type": kind.__name__,
                "message": redact_text(str(error)),
                "stack": redact_text("".join(traceback.format_exception(kind, error, stack))),
            }
        return json.dumps(line, default=str, ensure_ascii=False)
