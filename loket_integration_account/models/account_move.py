from odoo import fields, models

from odoo.addons.loket_integration.odoo_version import Constraint


class AccountMove(models.Model):
    _inherit = "account.move"

    def _loket_entry_number(self):
        """The entry's number, or None while it has none (a draft: "/" on 18.0, no name on 19.0)."""
        return self.name if self.name and self.name != "/" else None

    # The booking of a Loket journal run: at most one entry per run, by constraint (two
    # workers booking the same run meet here). Reversals and copies do not carry it.
    loket_journal_run_id = fields.Many2one(
        "loket.journal.run",
        string="Loket journal run",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )

    _loket_journal_run_unique = Constraint("unique(loket_journal_run_id)", "This Loket journal run is booked already.")
