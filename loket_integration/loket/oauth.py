"""OAuth2 authorization-code flow against Loket's OAuth server.

Loket rotates refresh tokens: every refresh returns a new refresh token and
invalidates the old one. The new tokens are therefore handed to the caller's
``on_tokens`` callback (which must store them durably) *before* the new access
token is used. Refreshes are serialised by a lock within the process and by the
caller's ``refresh_guard`` across processes: the guard yields the durably stored
tokens, so a refresh always spends the newest refresh token, and a worker that
waited for another one's refresh uses the access token that one obtained.
"""

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from .errors import LoketAuthError, LoketInvalidGrantError, error_for_status, messages_from_body
from .transport import Transport, decode_body

_logger = logging.getLogger(__name__)

EXPIRY_MARGIN = 60  # seconds before expiry at which a cached access token is renewed


def usable_until(now, lifetime):
    """When an access token living ``lifetime`` seconds from ``now`` is due for renewal:
    ``EXPIRY_MARGIN`` before it expires, or a quarter of its life for short-lived ones."""
    return now + lifetime - min(EXPIRY_MARGIN, lifetime / 4)


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: float  # when to renew the access token, on the client's (wall) clock

    def __repr__(self):  # never print tokens
        return f"TokenSet(expires_at={self.expires_at:.0f})"


@dataclass(frozen=True)
class StoredTokens:
    """What a ``refresh_guard`` yields: the durably stored tokens."""

    refresh_token: str | None
    access_token: str | None = None
    expires_at: float = 0.0  # as ``TokenSet.expires_at``

    def __repr__(self):
        return f"StoredTokens(expires_at={self.expires_at:.0f})"


class LoketOAuth:
    def __init__(
        self,
        environment,
        client_id,
        client_secret,
        refresh_token=None,
        on_tokens=None,
        transport=None,
        clock=time.time,
        scope="all",
        refresh_guard=None,
    ):
        self.environment = environment
        self.client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._on_tokens = on_tokens
        self.transport = transport or Transport()
        self.clock = clock
        self.scope = scope
        self._access_token = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        # Serialises grants across processes: a context manager factory that yields the
        # durably stored ``StoredTokens`` (or None when nothing is stored) while holding
        # a lock; ``on_tokens`` is called inside it. Without one, this object's own
        # copy of the refresh token is the only one.
        self._refresh_guard = refresh_guard or (lambda: contextlib.nullcontext(None))
        self._guarded = refresh_guard is not None

    def __repr__(self):
        return f"LoketOAuth({self.environment.name}, client_id={self.client_id!r})"

    def authorize_url(self, redirect_uri, state):
        """Where to send the user's browser: Loket asks username, password and 2FA there."""
        query = urlencode(
            {
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": self.scope,
                "state": state,
            }
        )
        return f"{self.environment.authorize_url}?{query}"

    def exchange_code(self, code, redirect_uri):
        """Trade the authorization code of the callback for tokens."""
        with self._lock, self._refresh_guard():  # a refresh in flight elsewhere stores its tokens first
            return self._grant({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})

    def access_token(self):
        """A valid access token, refreshed when the cached one is (nearly) expired."""
        token = self._access_token
        if token and self.clock() < self._expires_at:
            return token
        return self.refresh(stale_access_token=token)

    def refresh(self, stale_access_token=None):
        """Spend the refresh token for a new pair; when another thread already
        replaced ``stale_access_token`` meanwhile, use its result instead."""
        with self._lock:
            if self._fresh(self._access_token, self._expires_at, stale_access_token):
                return self._access_token
            with self._refresh_guard() as guarded:
                if self._guarded:  # the stored copy is the truth: another worker may have rotated it
                    stored = guarded or StoredTokens(None)
                    if self._fresh(stored.access_token, stored.expires_at, stale_access_token):
                        self._access_token, self._expires_at = stored.access_token, stored.expires_at
                        self._refresh_token = stored.refresh_token
                        return stored.access_token
                    self._refresh_token = stored.refresh_token
                if not self._refresh_token:
                    raise LoketInvalidGrantError(
                        "No Loket refresh token: connect the integration first", kind="no_refresh_token"
                    )
                return self._grant({"grant_type": "refresh_token", "refresh_token": self._refresh_token}).access_token

    def _fresh(self, access_token, expires_at, stale_access_token):
        return bool(access_token) and access_token != stale_access_token and self.clock() < expires_at

    def _grant(self, form):
        form = dict(form, client_id=self.client_id, client_secret=self._client_secret)
        response = self.transport.send(
            "POST",
            self.environment.token_url,
            data=form,
            headers={"Accept": "application/json"},
            idempotent=False,
        )
        body = decode_body(response)
        if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
            raise self._grant_error(response.status_code, body, form["grant_type"])
        tokens = TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or self._refresh_token,
            expires_at=usable_until(self.clock(), float(body.get("expires_in") or 3600)),
        )
        if self._on_tokens:
            # The old refresh token is already dead at Loket: persist first, use after.
            self._on_tokens(tokens)
        self._refresh_token = tokens.refresh_token
        self._access_token = tokens.access_token
        self._expires_at = tokens.expires_at
        _logger.info("Loket %s grant succeeded for client %s", form["grant_type"], self.client_id)
        return tokens

    def _grant_error(self, status, body, grant_type):
        messages = messages_from_body(body)
        error = body.get("error") if isinstance(body, dict) else None
        if error in ("invalid_client", "unauthorized_client"):
            return LoketAuthError(
                "Loket rejected the OAuth client id or secret",
                kind="client_rejected",
                status=status,
                messages=messages,
                method="POST",
                path="/token",
            )
        if error in ("invalid_grant", "invalid_token") or (grant_type == "refresh_token" and status in (400, 401)):
            self._access_token = None
            return LoketInvalidGrantError(status=status, messages=messages, method="POST", path="/token")
        if status == 401:
            return LoketAuthError(
                "Loket rejected the OAuth client id or secret",
                kind="client_rejected",
                status=status,
                messages=messages,
                method="POST",
                path="/token",
            )
        return error_for_status(status)(
            f"Loket's token endpoint refused the {grant_type} grant",
            status=status,
            messages=messages,
            method="POST",
            path="/token",
        )
