import datetime
import hashlib
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

STATE_LIFETIME = datetime.timedelta(minutes=15)


def _digest(state):
    return hashlib.sha256(state.encode()).hexdigest()


def _database_tag(dbname):
    """A short, stable mark of the database a login was started in (not its name)."""
    return hashlib.sha256(f"loket-oauth-state:{dbname}".encode()).hexdigest()[:10]


class LoketOAuthStateRefused(UserError):
    """The callback's ``state`` is refused; the message says why, for the user."""


class LoketOAuthState(models.Model):
    """The ``state`` of one Loket login: bound to a database, a user and an integration, single use.

    Only a hash is stored; the state itself travels in the authorize URL. It starts
    with a mark of the database it was issued in, so that a login started in
    another database (or in the original of a copied one) is refused as such.
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
        """A new state for the current user to connect ``integration``, which they must be allowed to change."""
        integration.check_access("write")
        state = f"{_database_tag(self.env.cr.dbname)}.{secrets.token_urlsafe(32)}"
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
        """The integration this ``state`` was issued for, marking it used. Raises
        ``LoketOAuthStateRefused`` saying why when the state is missing, unknown, from
        another database, used, expired, another user's, or for an integration the user may
        no longer change; nothing is changed then."""
        start_again = self.env._("Start again from the integration.")
        tag, dot, _random = (state or "").partition(".")
        if dot and tag != _database_tag(self.env.cr.dbname):
            raise LoketOAuthStateRefused(
                self.env._(
                    "This Loket login was started in another Odoo database: finish it there, "
                    "or start again from the integration in this database."
                )
            )
        record = self.sudo().search([("state_hash", "=", _digest(state))], limit=1) if state else self
        if not record:
            raise LoketOAuthStateRefused(
                self.env._("This Loket login link is not valid. %(start_again)s", start_again=start_again)
            )
        if record.user_id.id != self.env.uid:
            raise LoketOAuthStateRefused(
                self.env._(
                    "This Loket login was started by another user: only they can finish it. %(start_again)s",
                    start_again=start_again,
                )
            )
        if record.used:
            raise LoketOAuthStateRefused(
                self.env._("This Loket login link has been used already. %(start_again)s", start_again=start_again)
            )
        if record.expires_at < fields.Datetime.now():
            raise LoketOAuthStateRefused(
                self.env._(
                    "This Loket login link has expired (it is valid for %(minutes)s minutes). %(start_again)s",
                    minutes=int(STATE_LIFETIME.total_seconds() // 60),
                    start_again=start_again,
                )
            )
        integration = record.integration_id.with_env(self.env)
        if not integration.has_access("write"):
            raise LoketOAuthStateRefused(
                self.env._(
                    "You may no longer connect %(name)s: ask a Loket administrator.", name=integration.sudo().name
                )
            )
        record.used = True
        return integration

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now() - datetime.timedelta(days=1))]).unlink()
