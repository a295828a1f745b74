import datetime
import hashlib
import secrets

from odoo import api, fields, models

STATE_LIFETIME = datetime.timedelta(minutes=15)


def _digest(state):
    return hashlib.sha256(state.encode()).hexdigest()


class LoketOAuthState(models.Model):
    """The ``state`` of one Loket login: bound to a user and an integration, single use.

    Only a hash is stored; the state itself travels in the authorize URL.
    """

    _name = "loket.oauth.state"
    _description = "Loket login state"
    _log_access = True

    state_hash = fields.Char(required=True, index=True)
    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade")
    expires_at = fields.Datetime(required=True)
    used = fields.Boolean()

    @api.model
    def _issue(self, integration):
        state = secrets.token_urlsafe(32)
        self.sudo().create(
            {
                "state_hash": _digest(state),
                "user_id": self.env.uid,
                "integration_id": integration.id,
                "expires_at": fields.Datetime.now() + STATE_LIFETIME,
            }
        )
        return state

    @api.model
    def _consume(self, state):
        """The integration this ``state`` was issued for, marking it used; an empty
        recordset when the state is missing, unknown, used, expired or another user's."""
        if not state:
            return self.env["loket.integration"]
        record = self.sudo().search([("state_hash", "=", _digest(state))], limit=1)
        if not record or record.used or record.user_id.id != self.env.uid or record.expires_at < fields.Datetime.now():
            return self.env["loket.integration"]
        record.used = True
        return record.integration_id

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now() - datetime.timedelta(days=1))]).unlink()
