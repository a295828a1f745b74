"""Loket's failures as typed exceptions that carry Loket's own messages.

Loket answers a rejected request with a ``messages`` envelope
(``{"messages": [{"code", "type", "description", "id", "properties"}]}``) on
400, and ``{"message": "..."}`` on 401/403. Exception texts are redacted:
no token, client secret or BSN ever ends up in them.
"""

from dataclasses import dataclass, field

from .redact import redact


@dataclass(frozen=True)
class LoketMessage:
    description: str
    code: int | None = None
    type: str | None = None
    id: str | None = None  # the entity the message is about (multi-patch)
    properties: tuple = field(default_factory=tuple)

    @classmethod
    def from_json(cls, data):
        return cls(
            description=redact(data.get("description") or data.get("message") or ""),
            code=data.get("code"),
            type=data.get("type"),
            id=data.get("id"),
            properties=tuple(data.get("properties") or ()),
        )

    def __str__(self):
        return f"[{self.code}] {self.description}" if self.code is not None else self.description


def messages_from_body(body):
    """The Loket messages of a decoded response body (any shape, never raises)."""
    if not isinstance(body, dict):
        return []
    raw = body.get("messages")
    if isinstance(raw, list):
        return [LoketMessage.from_json(m) for m in raw if isinstance(m, dict)]
    if body.get("message"):
        return [LoketMessage(description=redact(body["message"]))]
    if body.get("error"):  # OAuth server: {"error": ..., "error_description": ...}
        text = body.get("error_description") or body["error"]
        return [LoketMessage(description=redact(text), type=body["error"])]
    return []


class LoketError(Exception):
    """Any failure talking to Loket. ``text`` is English, for logs and developers; ``kind``
    names the failure (a class's ``default_kind`` unless a more precise one is given) so
    that the application says it in the reader's own language (this package knows no Odoo)."""

    default_text = "Loket request failed"
    default_kind = "failed"

    def __init__(self, text=None, *, status=None, messages=(), method=None, path=None, retry_after=None, kind=None):
        self.kind = kind or self.default_kind
        self.status = status
        self.messages = list(messages)
        self.method = method
        self.path = path
        self.retry_after = retry_after
        self.text = redact(text or self.default_text)
        super().__init__(self.__str__())

    @property
    def loket_text(self):
        """Loket's own words, joined; empty when Loket said nothing."""
        return "; ".join(str(m) for m in self.messages)

    def __str__(self):
        where = f" ({self.method} {self.path} → {self.status})" if self.method and self.status else ""
        said = f": {self.loket_text}" if self.messages else ""
        return f"{self.text}{where}{said}"


class LoketAuthError(LoketError):
    default_text = "Loket rejected the credentials"
    default_kind = "credentials"


class LoketInvalidGrantError(LoketAuthError):
    """The refresh token (or authorization code) is no longer valid: log in again."""

    default_text = "Loket rejected the refresh token; the integration must be connected again"
    default_kind = "refresh_token"


class LoketForbiddenError(LoketError):
    default_text = "The Loket user has no rights for this request"
    default_kind = "forbidden"


class LoketNotFoundError(LoketError):
    default_text = "Loket does not know this resource"
    default_kind = "not_found"


class LoketBusinessRuleError(LoketError):
    default_text = "Loket refused the request"
    default_kind = "refused"


class LoketRateLimitedError(LoketError):
    default_text = "Loket's rate limit was reached"
    default_kind = "rate_limited"


class LoketServerError(LoketError):
    default_text = "Loket had an internal error"
    default_kind = "server_error"


class LoketConnectionError(LoketError):
    default_text = "Loket could not be reached"
    default_kind = "unreachable"


def error_for_status(status):
    if status == 401:
        return LoketAuthError
    if status == 403:
        return LoketForbiddenError
    if status == 404:
        return LoketNotFoundError
    if status == 429:
        return LoketRateLimitedError
    if status >= 500:
        return LoketServerError
    return LoketBusinessRuleError
