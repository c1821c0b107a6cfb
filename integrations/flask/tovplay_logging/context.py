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
    """(user_id, username) of the request's signed-in user as the app's loader says, or (None, None). Found once per
    request: a loader that reads the database opens a transaction, whose start asks for the user again; that inner
    question is answered "nobody yet" instead of calling the loader again."""
    if not has_request_context() or _user_loader is None:
        return None, None
    known = g.get("tovplay_user")
    if known is not None:
        return known
    if g.get("tovplay_loading_user"):
        return None, None
    g.tovplay_loading_user = True
    try:
        found = _user_loader()
    except Exception:  # a broken loader must not break logging or the request
        return None, None
    finally:
        g.tovplay_loading_user = False
    if not found:
        # Nobody, for the whole request too: asking again (a loader reading the database) would cost a query per
        # transaction. A request that signs someone in calls forget_user() so the next lines name them.
        g.tovplay_user = (None, None)
        return g.tovplay_user
    user_id, username = found
    g.tovplay_user = ((None if user_id is None else str(user_id)), username)
    return g.tovplay_user


def forget_user():
    """After signing a user in or out during a request: the next line and transaction ask the loader again."""
    if has_request_context():
        g.pop("tovplay_user", None)


def client_ip():
    """The client's address as Flask sees it (behind a proxy, wrap the app in ProxyFix so this is the browser's)."""
    return request.remote_addr if has_request_context() else None


def request_path():
    return request.path if has_request_context() else None
