import logging
import re

from markupsafe import escape

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.loket_oauth_state import LoketOAuthStateRefused

_logger = logging.getLogger(__name__)

CALLBACK_URL = re.compile(r"/loket/oauth/callback\?\S*")
CALLBACK_SECRET = re.compile(r"([?&](?:code|state)=)[^&\s\"]*")


class RedactLoketLoginQuery(logging.Filter):
    """The login's single-use ``code`` and ``state`` travel in the callback's query string,
    which werkzeug's access log writes at INFO: they are replaced by ``[hidden]`` there."""

    def filter(self, record):
        message = record.getMessage()
        if "/loket/oauth/callback?" in message:
            record.msg = CALLBACK_URL.sub(lambda url: CALLBACK_SECRET.sub(r"\1[hidden]", url.group(0)), message)
            record.args = ()
        return True


_access_log = logging.getLogger("werkzeug")
if not any(isinstance(existing, RedactLoketLoginQuery) for existing in _access_log.filters):
    _access_log.addFilter(RedactLoketLoginQuery())


class LoketOAuthCallback(http.Controller):
    @http.route("/loket/oauth/callback", type="http", auth="user", methods=["GET"])
    def loket_oauth_callback(self, code=None, state=None, error=None, error_description=None, **kwargs):
        """Loket sends the browser back here after the login. The ``state`` must be
        one this database gave this user for an integration, unused and fresh (CSRF)."""
        env = request.env
        try:
            integration = env["loket.oauth.state"]._consume(state)
        except LoketOAuthStateRefused as exc:
            _logger.warning("Refused a Loket OAuth callback of user %s: %s", env.uid, exc)
            return self._page(str(exc), 400)
        if error or not code:
            integration.sudo().write({"state": "error", "last_error": error_description or error or "no code"})
            return self._page(env._("Loket did not grant access: %(error)s", error=error_description or error), 400)
        try:
            integration._loket_exchange_code(code)
        except UserError as exc:
            integration.sudo().write({"state": "error", "last_error": str(exc)})  # kept: the page is a normal answer
            return self._page(str(exc), 502)
        return request.redirect(f"/odoo/action-loket_integration.action_loket_integration/{integration.id}")

    @staticmethod
    def _page(message, status):
        body = (
            f"<html><body><h1>Loket</h1><p>{escape(message)}</p><p><a href='/odoo'>Back to Odoo</a></p></body></html>"
        )
        return request.make_response(body, headers=[("Content-Type", "text/html; charset=utf-8")], status=status)
