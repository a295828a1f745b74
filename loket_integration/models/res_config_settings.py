from odoo import api, fields, models

from .loket_integration import CALLBACK_PATH


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    loket_client_id = fields.Char("Loket client id", config_parameter="loket_integration.client_id")
    loket_client_secret = fields.Char(
        "Loket client secret", config_parameter="loket_integration.client_secret", groups="base.group_system"
    )
    loket_redirect_uri = fields.Char("Redirect URI", compute="_compute_loket_redirect_uri")
    loket_integration_count = fields.Integer(compute="_compute_loket_integration_count")

    @api.depends("company_id")
    def _compute_loket_redirect_uri(self):
        for settings in self:
            settings.loket_redirect_uri = settings.get_base_url().rstrip("/") + CALLBACK_PATH

    @api.depends("company_id")  # a dependency, so that the settings form (a new record) computes it
    def _compute_loket_integration_count(self):
        count = self.env["loket.integration"].search_count([])
        for settings in self:
            settings.loket_integration_count = count

    def action_loket_integrations(self):
        return self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_integration")

    def action_add_loket_integration(self):
        return self.env["loket.integration"].action_add_integration()
