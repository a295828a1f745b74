import contextlib

from odoo import fields, models


class LoketToken(models.Model):
    """The one secret an integration keeps: Loket's refresh token.

    A row of its own (not a column of ``loket.integration``) so that a rotated
    token can be committed at once from a separate cursor without waiting on a
    lock the running transaction holds on the integration row. System admins
    only; erased by ``data/neutralize.sql`` on database copies.
    """

    _name = "loket.token"
    _description = "Loket refresh token"
    _rec_name = "integration_id"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    refresh_token = fields.Char(groups="base.group_system", copy=False)

    _sql_constraints = [("integration_unique", "unique(integration_id)", "One token row per Loket integration.")]


_UPSERT = """
    INSERT INTO loket_token (integration_id, refresh_token, create_uid, write_uid, create_date, write_date)
    VALUES (%(integration)s, %(token)s, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC')
    ON CONFLICT (integration_id)
    DO UPDATE SET refresh_token = EXCLUDED.refresh_token,
                  write_uid = EXCLUDED.write_uid,
                  write_date = EXCLUDED.write_date
"""


class TokenKeeper:
    """Loads and durably stores one integration's refresh token for ``LoketOAuth``.

    Loket invalidates a refresh token the moment it hands out the next one, so
    the new one is committed at once on a cursor of its own — never left to a
    transaction that might still roll back. ``guard`` also serialises refreshes
    of one integration across workers with a transaction-level advisory lock.
    """

    LOCK_NAMESPACE = 7_415_538  # arbitrary, "loket"

    def __init__(self, env, integration_id):
        self.env = env
        self.integration_id = integration_id
        self._guard_cr = None

    def load(self):
        row = self.env["loket.token"].sudo().search([("integration_id", "=", self.integration_id)], limit=1)
        return row.refresh_token or None

    @contextlib.contextmanager
    def guard(self):
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (self.LOCK_NAMESPACE, self.integration_id))
            cr.execute("SELECT refresh_token FROM loket_token WHERE integration_id = %s", (self.integration_id,))
            row = cr.fetchone()
            self._guard_cr = cr
            try:
                yield row[0] if row else None
            finally:
                self._guard_cr = None
        self.env["loket.token"].invalidate_model(["refresh_token"])

    def save(self, token):
        params = {"integration": self.integration_id, "token": token, "uid": self.env.uid}
        if self._guard_cr is not None:
            self._guard_cr.execute(_UPSERT, params)  # committed when the guard exits
        else:
            with self.env.registry.cursor() as cr:
                cr.execute(_UPSERT, params)
        self.env["loket.token"].invalidate_model(["refresh_token"])
