import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket.payroll_periods import computed_periods, periods_from_loket

_logger = logging.getLogger(__name__)


class LoketPayrollPeriod(models.Model):
    """A payroll period of the integration's administration: Loket's own, or computed
    from the period type when Loket lists none for the year."""

    _name = "loket.payroll.period"
    _description = "Loket payroll period"
    _order = "integration_id, year desc, number desc"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    year = fields.Integer(required=True)
    number = fields.Integer(required=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    from_loket = fields.Boolean(help="Listed by Loket (else computed from the payroll period type)")

    _sql_constraints = [("period_unique", "unique(integration_id, year, number)", "This period exists already.")]

    @api.depends("year", "number", "date_from", "date_to")
    def _compute_display_name(self):
        for period in self:
            period.display_name = (
                f"{period.year}-{period.number:02d} ({period.date_from:%d-%m-%Y} – {period.date_to:%d-%m-%Y})"
                if period.date_from and period.date_to
                else f"{period.year}-{period.number:02d}"
            )

    @api.model
    def _ensure_for(self, integration, year):
        """The periods of ``year``: Loket's when it answers, else computed."""
        existing = self.search([("integration_id", "=", integration.id), ("year", "=", year)])
        if existing:
            return existing
        periods, from_loket = [], False
        if integration._loket_can_call():
            try:
                rows = integration._loket_call(lambda c: list(c.payroll_periods(integration.loket_administration_id)))
            except UserError as exc:  # the export works on Odoo's data: fall back, say why in the log
                _logger.warning("Loket payroll periods of %s unavailable, computing them: %s", integration.name, exc)
            else:
                periods = [p for p in periods_from_loket(rows) if p.year == year]
                from_loket = bool(periods)
        if not periods:
            periods = computed_periods(year, integration.payroll_period_type)
        return self.create(
            [
                {
                    "integration_id": integration.id,
                    "year": p.year,
                    "number": p.number,
                    "date_from": p.start,
                    "date_to": p.end,
                    "from_loket": from_loket,
                }
                for p in periods
            ]
        )
