from decimal import Decimal

from odoo import api, fields, models

from ..loket.payroll_period_data import PeriodDataRow

ROW_STATES = [
    ("pending", "To send"),
    ("sent", "Sent"),
    ("refused", "Refused by Loket"),
    ("not_sent", "Not sent"),
]


class LoketExportRow(models.Model):
    """One employment × distribution unit of an export sent straight to Loket, and what
    became of it: sent, refused (with Loket's message) or not sent (transport failure).
    Recorded before its batch goes out, so that an interrupted send can be completed."""

    _name = "loket.export.row"
    _description = "Loket payroll period data row"
    _order = "export_id desc, payroll_number, distribution_unit_code, id"
    _check_company_auto = True

    export_id = fields.Many2one(
        "loket.export", required=True, ondelete="cascade", index=True, readonly=True, check_company=True
    )
    # Copies of the export's (which never change), written at creation: cheaper than stored related fields.
    integration_id = fields.Many2one("loket.integration", readonly=True, required=True, index=True, check_company=True)
    company_id = fields.Many2one("res.company", readonly=True, required=True)
    year = fields.Integer(readonly=True, required=True)
    period_number = fields.Integer("Period", readonly=True, required=True)
    employee_id = fields.Many2one("hr.employee", readonly=True, check_company=True)
    payroll_number = fields.Integer("Payroll number", readonly=True, help="Personeelsnummer of the employment")
    employment_id = fields.Char("Loket employment", readonly=True, required=True)
    distribution_unit_code = fields.Char("Distribution unit", readonly=True)
    distribution_unit_key = fields.Char("Loket distribution unit", readonly=True)
    values = fields.Json("Values per component", readonly=True, help="Value per Loket component number, as sent")
    values_text = fields.Char("Values", compute="_compute_values_text")
    state = fields.Selection(ROW_STATES, string="Status", default="pending", required=True, readonly=True, index=True)
    message = fields.Text("Loket's answer", readonly=True)
    sent_at = fields.Datetime("Sent on", readonly=True)

    @api.depends("values", "year", "integration_id.payroll_component_ids")
    @api.depends_context("lang", "uid")
    def _compute_values_text(self):
        """As the export's totals read: ``1 Uren gewerkt: 24.00``, the component's number and name."""
        Export = self.env["loket.export"]
        labels = {}
        for row in self:
            key = (row.integration_id, row.year)
            if key not in labels:
                labels[key] = Export._component_labels(*key)
            row.values_text = ", ".join(
                f"{number} {labels[key].get(int(number), '')}".rstrip() + f": {Export._format_number(Decimal(value))}"
                for number, value in sorted((row.values or {}).items(), key=lambda item: int(item[0]))
            )

    @property
    def _key(self):
        return (self.employment_id, self.distribution_unit_key or None)

    @property
    def _values(self):
        """``{component number: Decimal}``, as sent."""
        return {int(c): Decimal(v) for c, v in (self.values or {}).items()}

    def _as_period_data_row(self):
        self.ensure_one()
        return PeriodDataRow(
            self.employment_id, self.distribution_unit_key or None, tuple(sorted(self._values.items()))
        )
