"""Secrets taken out of log lines before they are written, by the same rules TovPlay Logs applies to browser lines:
the value of a field whose name says it holds one, and anywhere in text a JWT, a session token, a Bearer or Basic
credential, a secret written as name=value or name: value, or a card number (13 to 19 digits starting 2 to 6 that pass
the Luhn check)."""

import re

REDACTED = "[REDACTED]"

_SECRET_PARTS = ("password", "passwd", "passphrase", "passcode", "secret", "token", "authorization", "authentication",
                 "credential", "cookie", "apikey", "accesskey", "privatekey", "creditcard", "cardnumber", "cvv", "cvc", "totp",
                 "mfacode", "recoverycode", "pincode", "socialsecurity", "iban")
_SECRET_WHOLE = ("pwd", "auth", "otp", "pin", "ssn", "session")

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}")
_SESSION_TOKEN = re.compile(r"\bv1\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}")
_CREDENTIALS = re.compile(r"(?i)\b((?:bearer|basic)\s+)[A-Za-z0-9._~+/-]{8,}=*")
_NAMED = re.compile(r"(?i)\b([a-z0-9_]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|sessionid)"
                    r"[a-z0-9_]*|pwd|pass|session|otp|pin|cvv|cvc)([\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}]{3,})")
_HEADER = re.compile(r"(?i)\b((?:proxy-)?authorization\s*:\s*)(?!(?:bearer|basic)\s+\[REDACTED\])(?:[a-z-]+\s+)?[^\s,;]{3,}"
                     r"|\b((?:set-)?cookie\s*:\s*)[^\r\n]{3,}")
_URL_PASSWORD = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@")
_PROVIDER_KEY = re.compile(r"\b(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,})\b")
_CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")


def is_secret_name(name):
    key = "".join(c for c in str(name)[:128].lower() if c not in "_-. ")
    return any(part in key for part in _SECRET_PARTS) or key in _SECRET_WHOLE


def _luhn(candidate):
    digits = [int(c) for c in candidate if c.isdigit()]
    if not 13 <= len(digits) <= 19 or digits[0] < 2 or digits[0] > 6:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def redact_text(text):
    if len(text) < 8:
        return text
    text = _JWT.sub(REDACTED, text)
    text = _SESSION_TOKEN.sub(REDACTED, text)
    text = _CREDENTIALS.sub(lambda m: m.group(1) + REDACTED, text)
    text = _HEADER.sub(lambda m: (m.group(1) or "") + (m.group(2) or "") + REDACTED, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + REDACTED + "@", text)
    text = _PROVIDER_KEY.sub(REDACTED, text)
    text = _NAMED.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    return _CARD.sub(lambda m: REDACTED if _luhn(m.group(0)) else m.group(0), text)


def redact(value, name=None):
    """The value with its secrets taken out (by its field's name, then by content, through dicts and lists)."""
    # A flag about a secret (token_expired: True) is not one.
    if name is not None and is_secret_name(name) and value is not None and not isinstance(value, bool):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and _luhn(str(value)):
        return REDACTED
    return value
