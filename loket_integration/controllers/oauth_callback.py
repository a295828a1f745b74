import logging

from markupsafe import escape

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.loket_oauth_state import LoketOAuthStateRefused

_logger = logging.getLogger(__name__)


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
