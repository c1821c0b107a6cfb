"""What the current request knows about itself: its correlation id, its user, its client, its start."""

import re
import uuid

from flask import g, has_request_context, request

CORRELATION_HEADER = "X-Correlation-ID"

# An incoming id is kept only when it looks like one: it ends up in every log line and in the database.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Set by init_app: returns (user_id, username) of the signed-in user, or None.
_user_loader = None


def set_user_loader(loader):
    global _user_loader
    _user_loader = loader


def correlation_id_from(header_value):
    """The caller's id when it is a plausible one, else a new UUID."""
    if header_value and _VALID_ID.match(header_value):
        return header_value
    return str(uuid.uuid4())


def current_correlation_id():
    """This request's correlation id; None outside a request."""
    if not has_request_context():
        return None
    cid = g.get("tovplay_correlation_id")
    if cid is None:
        cid = g.tovplay_correlation_id = correlation_id_from(request.headers.get(CORRELATION_HEADER))
    return cid


def current_user():
    """(user_id, username) of the request's signed-in user as the app's loader says, or (None, None)."""
    if not has_request_context() or _user_loader is None:
        return None, None
    try:
        found = _user_loader()
    except Exception:  # a broken loader must not break logging or the request
        return None, None
    if not found:
        return None, None
    user_id, username = found
    return (None if user_id is None else str(user_id)), username


def client_ip():
    """The client's address as Flask sees it (behind a proxy, wrap the app in ProxyFix so this is the browser's)."""
    return request.remote_addr if has_request_context() else None


def request_path():
    return request.path if has_request_context() else None
