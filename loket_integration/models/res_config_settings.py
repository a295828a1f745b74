from odoo import api, fields, models
from odoo.exceptions import AccessError

from .loket_integration import CALLBACK_PATH

CLIENT_SECRET_PARAM = "loket_integration.client_secret"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    loket_client_id = fields.Char(
        "Client id",
        config_parameter="loket_integration.client_id",
        help="The client id Loket issued for this Odoo when it was registered as an application with Loket.",
    )
    # Write-only: not a ``config_parameter`` field, whose value Odoo's ``default_get`` reads as
    # superuser for anyone, whatever the field's groups. Typed to replace the stored secret.
    loket_client_secret = fields.Char(
        "Client secret",
        groups="base.group_system",
        help="The secret Loket issued with the client id. Keep it private. "
        "Leave empty to keep the stored secret; type a new one to replace it.",
    )
    loket_client_secret_set = fields.Boolean("A client secret is stored", compute="_compute_loket_client_secret_set")
    loket_redirect_uri = fields.Char(
        "Redirect URI",
        compute="_compute_loket_redirect_uri",
        help="Give this address to Loket when registering Odoo: Loket sends the user back here after logging in.",
    )
    loket_job_keep_days = fields.Integer(
        "Keep runs for (days)",
        config_parameter="loket_integration.job_keep_days",
        default=30,
        help="Finished background runs (fetching, applying decisions, synchronising) older than this are removed.",
    )
    loket_integration_count = fields.Integer(compute="_compute_loket_integration_count")
    loket_integration_count_text = fields.Char(compute="_compute_loket_integration_count")

    @api.depends("company_id")
    def _compute_loket_client_secret_set(self):
        stored = bool(self.env["ir.config_parameter"].sudo().get_param(CLIENT_SECRET_PARAM))
        for settings in self:
            settings.loket_client_secret_set = stored

    def set_values(self):
        result = super().set_values()
        for settings in self:
            secret = (settings.sudo().loket_client_secret or "").strip()
            if not secret:
                continue
            if not (self.env.su or self.env.user.has_group("base.group_system")):
                raise AccessError(self.env._("Only system administrators can change the Loket client secret."))
            self.env["ir.config_parameter"].sudo().set_param(CLIENT_SECRET_PARAM, secret)
        return result

    @api.depends("company_id")
    def _compute_loket_redirect_uri(self):
        for settings in self:
            settings.loket_redirect_uri = settings.get_base_url().rstrip("/") + CALLBACK_PATH

    @api.depends("company_id")  # a dependency, so that the settings form (a new record) computes it
    def _compute_loket_integration_count(self):
        count = self.env["loket.integration"].search_count([])
        if count == 0:
            text = self.env._("No integrations yet")
        elif count == 1:
            text = self.env._("1 integration")
        else:
            text = self.env._("%(count)s integrations", count=count)
        for settings in self:
            settings.loket_integration_count = count
            settings.loket_integration_count_text = text

    def action_loket_integrations(self):
        self.env["loket.integration"].check_access("read")
        return self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_integration")

    def action_add_loket_integration(self):
        return self.env["loket.integration"].action_add_integration()
