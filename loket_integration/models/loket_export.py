import base64
import hashlib

from odoo import api, fields, models

from ..loket.payroll_csv import build_payroll_csv, export_file_name


class LoketExport(models.Model):
    """One generated Loket import file: what was sent, for which period, and what was left out."""

    _name = "loket.export"
    _description = "Loket export"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    integration_id = fields.Many2one("loket.integration", required=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    period_id = fields.Many2one("loket.payroll.period", readonly=True, ondelete="set null")
    year = fields.Integer(readonly=True)
    period_number = fields.Integer(readonly=True)
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)
    version = fields.Integer(readonly=True, default=1)
    state = fields.Selection(
        [("generated", "Generated"), ("sent", "Sent"), ("outdated", "Outdated")],
        compute="_compute_state",
        store=False,
    )
    mailed = fields.Boolean(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True)
    file_data = fields.Binary(related="attachment_id.datas", string="File")
    sha256 = fields.Char("SHA-256", readonly=True)
    row_count = fields.Integer("Rows", readonly=True)
    totals = fields.Json(readonly=True, help="Total per Loket component number")
    totals_text = fields.Text("Totals", compute="_compute_totals_text")
    warnings = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    employee_ids = fields.Many2many("hr.employee", readonly=True)
    source_fingerprint = fields.Char(readonly=True)
    is_outdated = fields.Boolean(compute="_compute_is_outdated")

    @api.depends("totals")
    def _compute_totals_text(self):
        for export in self:
            export.totals_text = "\n".join(
                f"{k}: {v}" for k, v in sorted((export.totals or {}).items(), key=lambda i: int(i[0]))
            )

    def _compute_is_outdated(self):
        for export in self:
            current = export.integration_id._loket_timesheet_fingerprint(
                export.date_from, export.date_to, export.employee_ids or None
            )
            export.is_outdated = current != export.source_fingerprint

    @api.depends("mailed")
    def _compute_state(self):
        for export in self:
            export.state = "outdated" if export.is_outdated else ("sent" if export.mailed else "generated")

    @api.model
    def _generate(self, integration, period, employees, recipients):
        """Build the file for ``period``, keep it as a new version and mail it."""
        integration._require_export_ready()
        data = integration._loket_export_data(period.date_from, period.date_to, employees)
        csv = build_payroll_csv(integration.client_number, data.entries)
        name = export_file_name(
            integration.loket_administration_name or integration.client_number, period.year, period.number
        )
        previous = self.search_count([("integration_id", "=", integration.id), ("period_id", "=", period.id)])
        export = self.create(
            {
                "name": name,
                "integration_id": integration.id,
                "period_id": period.id,
                "year": period.year,
                "period_number": period.number,
                "date_from": period.date_from,
                "date_to": period.date_to,
                "version": previous + 1,
                "sha256": hashlib.sha256(csv.data).hexdigest(),
                "row_count": csv.rows,
                "totals": {str(k): str(v) for k, v in csv.totals.items()},
                "warnings": "\n".join(data.warnings) or False,
                "employee_ids": [(6, 0, employees.ids)] if employees else False,
                "source_fingerprint": integration._loket_timesheet_fingerprint(
                    period.date_from, period.date_to, employees or None
                ),
            }
        )
        export.attachment_id = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(csv.data),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": export.id,
            }
        )
        integration.sudo().last_export = fields.Datetime.now()  # a Loket user may not edit the integration
        if recipients:
            export._send(recipients)
        return export

    def _send(self, recipients):
        """Queue the mail with the file attached (sent by the mail queue)."""
        template = self.env.ref("loket_integration.mail_template_loket_export")
        for export in self:
            template.send_mail(
                export.id,
                email_values={
                    "recipient_ids": [(6, 0, recipients.ids)],
                    "attachment_ids": [(4, export.attachment_id.id)],
                },
            )
            export.mailed = True
            export.message_post(
                body=self.env._("Mailed to %(names)s.", names=", ".join(recipients.mapped("display_name")))
            )

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
