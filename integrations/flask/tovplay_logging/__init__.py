"""TovPlay's logging for its Flask backend: the log contract as JSON lines, correlation ids from the browser through
the backend to the SQL, the request's context on every database transaction, and application audit lines.

    from tovplay_logging import init_app
    init_app(app, engine=db.engine, user_loader=lambda: (current_user.id, current_user.username) if current_user.is_authenticated else None)
"""

import logging
import sys

from .audit import audit_log
from .context import CORRELATION_HEADER, current_correlation_id, forget_user
from .database import install_database_context
from .formatter import JsonFormatter
from .middleware import install_middleware, propagate_to_requests
from .session_token import sign_session_token

__all__ = [
    "CORRELATION_HEADER", "JsonFormatter", "audit_log", "current_correlation_id", "forget_user", "init_app",
    "install_database_context", "sign_session_token",
]


def init_app(app, engine=None, user_loader=None, service="tovplay-backend", env="prod", stream=None, level=logging.INFO,
             propagate_requests=True):
    """Sets TovPlay's logging up for `app`: JSON lines on `stream` (standard output, where promtail reads them) for the
    root logger, correlation ids in and out of every request, a line per completed request, the request's context on
    each transaction of `engine` (a SQLAlchemy engine), and the id passed on to calls made with `requests`."""
    from . import context

    context.set_user_loader(user_loader)
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(service=service, env=env))
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h.formatter, JsonFormatter)] + [handler]
    root.setLevel(level)
    install_middleware(app, logging.getLogger("tovplay.request"))
    if engine is not None:
        install_database_context(engine, application_name=service)
    if propagate_requests:
        propagate_to_requests()
    return handler
