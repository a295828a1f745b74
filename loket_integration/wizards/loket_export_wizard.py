from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket.payroll_csv import PayrollCsvError, format_value


class LoketExportWizard(models.TransientModel):
    """Timesheets → Reporting → Loket: choose a period, check the preview, generate."""

    _name = "loket.export.wizard"
    _description = "Loket export"

    integration_id = fields.Many2one(
        "loket.integration",
        required=True,
        default=lambda self: self.env["loket.integration"].search([("company_id", "=", self.env.company.id)], limit=1),
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    period_id = fields.Many2one(
        "loket.payroll.period", domain="[('integration_id', '=', integration_id), ('year', '=', year)]"
    )
    date_from = fields.Date(related="period_id.date_from")
    date_to = fields.Date(related="period_id.date_to")
    employee_ids = fields.Many2many(
        "hr.employee", string="Employees", help="Default: every employee bound to the integration's Loket employer"
    )
    recipient_ids = fields.Many2many("res.partner", string="Recipients", default=lambda self: self.env.user.partner_id)
    preview_html = fields.Html(compute="_compute_preview", sanitize=False)
    warnings = fields.Text(compute="_compute_preview")
    previous_export_id = fields.Many2one("loket.export", compute="_compute_previous_export")
    previous_outdated = fields.Boolean(compute="_compute_previous_export")

    @api.onchange("integration_id", "year")
    def _onchange_period_list(self):
        if self.integration_id and self.year:
            periods = self.env["loket.payroll.period"]._ensure_for(self.integration_id, self.year)
            if self.period_id not in periods:
                self.period_id = self.integration_id._loket_last_closed_period() or periods[:1]
            # sudo: the Loket binding is an HR field; the employees themselves are the export's scope.
            bound = self.env["hr.employee"].sudo().search([("loket_integration_id", "=", self.integration_id.id)])
            self.employee_ids = self.env["hr.employee"].browse(bound.ids)

    @api.depends("integration_id", "period_id")
    def _compute_previous_export(self):
        for wizard in self:
            export = self.env["loket.export"].search(
                [("integration_id", "=", wizard.integration_id.id), ("period_id", "=", wizard.period_id.id)], limit=1
            )
            wizard.previous_export_id = export
            wizard.previous_outdated = bool(export) and export.is_outdated

    @api.depends("integration_id", "period_id", "employee_ids")
    def _compute_preview(self):
        for wizard in self:
            if not wizard.integration_id or not wizard.period_id:
                wizard.preview_html = wizard.warnings = False
                continue
            data = wizard.integration_id._loket_export_data(
                wizard.period_id.date_from, wizard.period_id.date_to, wizard.employee_ids or None
            )
            wizard.warnings = "\n".join(data.warnings) or False
            wizard.preview_html = wizard._preview_table(data.employee_totals)

    def _preview_table(self, totals):
        components = sorted({c for _employee, c in totals})
        employees = sorted({e for e, _c in totals})  # (name, id): namesakes stay apart
        labels = {c.number: c.name for c in self.integration_id.payroll_component_ids}
        head = "".join(f"<th class='text-end'>{c} {escape(labels.get(c, ''))}</th>" for c in components)
        rows = []
        for employee in employees:
            cells = "".join(
                f"<td class='text-end'>{format_value(totals[(employee, c)]) if (employee, c) in totals else ''}</td>"
                for c in components
            )
            rows.append(f"<tr><td>{escape(employee[0])}</td>{cells}</tr>")
        return Markup(
            f"<table class='table table-sm'><thead><tr><th>{escape(self.env._('Employee'))}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def action_generate(self):
        self.ensure_one()
        if not self.period_id:
            raise UserError(self.env._("Choose the payroll period to export."))
        try:
            export = self.env["loket.export"]._generate(
                self.integration_id, self.period_id, self.employee_ids, self.recipient_ids
            )
        except PayrollCsvError as exc:
            raise UserError(self.env._("The Loket file cannot be made: %(error)s", error=str(exc))) from None
        return {
            "type": "ir.actions.act_window",
            "res_model": "loket.export",
            "res_id": export.id,
            "view_mode": "form",
            "target": "current",
        }
