import contextlib
import datetime

from odoo import fields, models

from ..loket.oauth import StoredTokens
from ..odoo_version import Constraint, Transaction


class LoketToken(models.Model):
    """An integration's Loket tokens: the refresh token, and the current access
    token that every worker shares until it is due for renewal.

    A row of its own (not columns of ``loket.integration``) so that rotated tokens
    can be committed at once from a separate cursor without waiting on a lock the
    running transaction holds on the integration row. System admins only; erased
    by ``data/neutralize.sql`` on database copies.
    """

    _name = "loket.token"
    _description = "Loket tokens"
    _rec_name = "integration_id"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    refresh_token = fields.Char(groups="base.group_system", copy=False)
    access_token = fields.Char(groups="base.group_system", copy=False)
    access_token_usable_until = fields.Datetime(groups="base.group_system", copy=False)

    _integration_unique = Constraint("unique(integration_id)", "One token row per Loket integration.")


_SELECT = """
    SELECT refresh_token, access_token, access_token_usable_until
      FROM loket_token
     WHERE integration_id = %s
"""

_UPSERT = """
    INSERT INTO loket_token (integration_id, refresh_token, access_token, access_token_usable_until,
                             create_uid, write_uid, create_date, write_date)
    VALUES (%(integration)s, %(refresh)s, %(access)s, %(until)s,
            %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC')
    ON CONFLICT (integration_id)
    DO UPDATE SET refresh_token = EXCLUDED.refresh_token,
                  access_token = EXCLUDED.access_token,
                  access_token_usable_until = EXCLUDED.access_token_usable_until,
                  write_uid = EXCLUDED.write_uid,
                  write_date = EXCLUDED.write_date
"""


def _to_datetime(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(tzinfo=None)


def _to_epoch(value):
    return value.replace(tzinfo=datetime.timezone.utc).timestamp() if value else 0.0


class TokenKeeper:
    """Reads and durably stores the tokens of integrations for ``LoketOAuth``, one
    worker at a time.

    Loket invalidates a refresh token the moment it hands out the next one, so:

    * every read and write of the tokens happens while holding the integrations'
      advisory lock, on a cursor *opened after the lock was granted*. Odoo's
      cursors are REPEATABLE READ: a transaction sees the data of its first
      statement, so a cursor that waited for the lock in its own first statement
      would still read the token another worker replaced meanwhile;
    * what is written is committed before the lock is released and before the new
      access token is used — never left to the caller's transaction, which may
      still roll back.
    """

    LOCK_NAMESPACE = 7_415_538  # arbitrary, "loket"

    def __init__(self, env, integration_ids):
        self.env = env
        self.integration_ids = sorted(set(integration_ids))  # one order for every worker: no deadlock
        self._guard_cr = None

    @contextlib.contextmanager
    def locked_cursor(self):
        """A cursor of its own, committed on a clean exit, whose snapshot starts after
        the integrations' lock was granted; the lock is held until it has committed."""
        with self.env.registry.cursor() as lock_cr:
            for integration_id in self.integration_ids:
                lock_cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (self.LOCK_NAMESPACE, integration_id))
            with self.env.registry.cursor() as cr:
                # The registry is known: spare the environments made on ``cr`` a lookup under the registries' lock.
                cr.transaction = cr.transaction or Transaction(self.env.registry)
                yield cr
            # ``cr`` committed above; leaving ``lock_cr`` ends its transaction and frees the lock.
        self.env["loket.token"].invalidate_model()

    @contextlib.contextmanager
    def guard(self):
        """``LoketOAuth``'s refresh guard: yields the stored tokens (or None); ``save``
        inside it writes on the same cursor."""
        (integration_id,) = self.integration_ids
        with self.locked_cursor() as cr:
            cr.execute(_SELECT, [integration_id])
            row = cr.fetchone()
            self._guard_cr = cr
            try:
                yield StoredTokens(row[0], row[1], _to_epoch(row[2])) if row else None
            finally:
                self._guard_cr = None

    def save(self, tokens):
        """Store a ``TokenSet`` obtained under the guard."""
        if self._guard_cr is None:
            raise RuntimeError("Loket tokens are stored under the refresh guard only")
        (integration_id,) = self.integration_ids
        self._guard_cr.execute(
            _UPSERT,
            {
                "integration": integration_id,
                "refresh": tokens.refresh_token,
                "access": tokens.access_token,
                "until": _to_datetime(tokens.expires_at),
                "uid": self.env.uid,
            },
            # Odoo logs a failing query with its parameters ("bad query"): these are the tokens.
            log_exceptions=False,
        )

    def erase(self, cr):
        """Delete the stored tokens on ``cr`` (a ``locked_cursor``); the ids that had some."""
        cr.execute(
            "DELETE FROM loket_token WHERE integration_id IN %s RETURNING integration_id",
            [tuple(self.integration_ids)],
        )
        return [row[0] for row in cr.fetchall()]
