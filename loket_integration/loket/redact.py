"""Keep secrets and personal numbers out of log lines and exception texts."""

import re

# A BSN (burgerservicenummer) is 9 digits (8-digit ones are zero-padded).
_BSN = re.compile(r"(?<!\d)\d{9}(?!\d)")
_BEARER = re.compile(r"(?i)(bearer\s+)[\w\-.~+/=]+")
_FORM_SECRET = re.compile(
    r"(?i)((?:access_token|refresh_token|client_secret|code|password)[\"']?\s*[=:]\s*[\"']?)[^&\s\"',}]+"
)


def redact(text):
    """Return ``text`` with bearer tokens, token-looking form/JSON fields and BSN-like
    numbers masked."""
    if not text:
        return text
    text = str(text)
    text = _BEARER.sub(r"\1***", text)
    text = _FORM_SECRET.sub(r"\1***", text)
    return _BSN.sub("*********", text)
