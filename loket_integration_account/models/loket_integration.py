from odoo import api, fields, models

from .loket_journal_settings import READER_GROUPS, check_journal_rights, form_action


class LoketIntegration(models.Model):
    """Each integration has its payroll journal settings (made with it, by the addon)."""

    _inherit = "loket.integration"

    journal_settings_id = fields.Many2one(
        "loket.journal.settings", compute="_compute_journal_settings", groups=",".join(READER_GROUPS)
    )
    journal_to_book_count = fields.Integer(
        "Journal runs to book", compute="_compute_journal_settings", groups=",".join(READER_GROUPS)
    )
    journal_unmapped_count = fields.Integer(
        "Unmapped ledger accounts", compute="_compute_journal_settings", groups=",".join(READER_GROUPS)
    )

    def _compute_journal_settings(self):
        Settings = self.env["loket.journal.settings"]
        by_integration = {s.integration_id.id: s for s in Settings.search([("integration_id", "in", self.ids)])}
        for integration in self:
            settings = by_integration.get(integration.id, Settings)
            integration.journal_settings_id = settings
            integration.journal_to_book_count = len(settings.run_ids.filtered(lambda run: run.state == "to_book"))
            integration.journal_unmapped_count = settings.unmapped_count

    @api.model_create_multi
    def create(self, vals_list):
        integrations = super().create(vals_list)
        self.env["loket.journal.settings"].sudo()._ensure_for(integrations)
        return integrations

    def action_open_journal_settings(self):
        """The integration form's "Payroll journal" button (accountants of its company)."""
        self.ensure_one()
        check_journal_rights(self.env, manage=False)
        self.check_access("read")
        settings = self.env["loket.journal.settings"].search([("integration_id", "=", self.id)], limit=1)
        return form_action(settings)
