"""OAuth2 authorization-code flow against Loket's OAuth server.

Loket rotates refresh tokens: every refresh returns a new refresh token and
invalidates the old one. The new token is therefore handed to the caller's
``on_refresh_token`` callback (which must store it durably) *before* the new
access token is used, and refreshes are serialised by a lock so that two
threads never spend the same refresh token.
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


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: float  # on the client's monotonic clock

    def __repr__(self):  # never print tokens
        return f"TokenSet(expires_at={self.expires_at:.0f})"


class LoketOAuth:
    def __init__(
        self,
        environment,
        client_id,
        client_secret,
        refresh_token=None,
        on_refresh_token=None,
        transport=None,
        clock=time.monotonic,
        scope="all",
        refresh_guard=None,
    ):
        self.environment = environment
        self.client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._on_refresh_token = on_refresh_token
        self.transport = transport or Transport()
        self.clock = clock
        self.scope = scope
        self._access_token = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        # Serialises refreshes across processes: a context manager factory that
        # yields the durably stored refresh token (or None) while holding a lock.
        self._refresh_guard = refresh_guard or (lambda: contextlib.nullcontext(None))

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
        with self._lock:
            return self._grant({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})

    def access_token(self):
        """A valid access token, refreshed when the cached one is (nearly) expired."""
        token = self._access_token
        if token and self.clock() < self._expires_at - EXPIRY_MARGIN:
            return token
        return self.refresh(stale_access_token=token)

    def refresh(self, stale_access_token=None):
        """Spend the refresh token for a new pair; when another thread already
        replaced ``stale_access_token`` meanwhile, use its result instead."""
        with self._lock:
            current = self._access_token
            if current and current != stale_access_token and self.clock() < self._expires_at - EXPIRY_MARGIN:
                return current
            with self._refresh_guard() as stored:
                if stored:  # another process may have rotated it meanwhile
                    self._refresh_token = stored
                if not self._refresh_token:
                    raise LoketInvalidGrantError("No Loket refresh token: connect the integration first")
                return self._grant({"grant_type": "refresh_token", "refresh_token": self._refresh_token}).access_token

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
        new_refresh = body.get("refresh_token") or self._refresh_token
        tokens = TokenSet(
            access_token=body["access_token"],
            refresh_token=new_refresh,
            expires_at=self.clock() + float(body.get("expires_in") or 3600),
        )
        if new_refresh != self._refresh_token and self._on_refresh_token:
            # The old refresh token is already dead at Loket: persist first, use after.
            self._on_refresh_token(new_refresh)
        self._refresh_token = new_refresh
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
