"""The token a signed-in page sends with its browser log lines, so TovPlay Logs can name the user without trusting
the browser: v1.<base64url JSON {"sub", "name", "exp"}>.<base64url HMAC-SHA256 of "v1.<payload>">, under a key only the
backend and TovPlay Logs hold (its Ingest:Frontend:SessionKey)."""

import base64
import hashlib
import hmac
import json
import time


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_session_token(user_id, username, key, ttl_seconds=3600, now=None):
    """A token naming the user until `ttl_seconds` from now (hand it to the page; renew it before it runs out)."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    if len(key) < 32:
        raise ValueError("the session key must have at least 32 bytes (TovPlay Logs refuses a shorter one)")
    if not 0 < ttl_seconds <= 24 * 3600:
        raise ValueError("a session token lasts at most a day (TovPlay Logs refuses a longer one): renew it instead")
    expires = int((now if now is not None else time.time()) + ttl_seconds)
    payload = _b64(json.dumps({"sub": user_id, "name": username, "exp": expires}).encode("utf-8"))
    signed = "v1." + payload
    signature = _b64(hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest())
    return signed + "." + signature
