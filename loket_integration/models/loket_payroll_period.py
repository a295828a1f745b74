import datetime
import logging
import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, get_lang

from ..loket.payroll_periods import computed_periods, periods_from_loket
from ..odoo_version import FALSE_DOMAIN, NEGATIVE_TERM_OPERATORS, TRUE_DOMAIN, Constraint, domain_not

_logger = logging.getLogger(__name__)


class LoketPayrollPeriod(models.Model):
    """A payroll period of the integration's administration: Loket's own, or computed
    from the period type when Loket lists none for the year."""

    _name = "loket.payroll.period"
    _description = "Loket payroll period"
    _order = "integration_id, year desc, number desc"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    year = fields.Integer(required=True)
    number = fields.Integer(required=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    from_loket = fields.Boolean(help="Listed by Loket (else computed from the payroll period type)")

    _period_unique = Constraint("unique(integration_id, year, number)", "This period exists already.")

    @api.depends("year", "number", "date_from", "date_to")
    @api.depends_context("lang", "uid")
    def _compute_display_name(self):
        lang = self.env.lang or self.env.user.lang  # the reader's date format
        for period in self:
            period.display_name = (
                f"{period.year}-{period.number:02d} "
                f"({format_date(self.env, period.date_from, lang)} – {format_date(self.env, period.date_to, lang)})"
                if period.date_from and period.date_to
                else f"{period.year}-{period.number:02d}"
            )

    def _search_display_name(self, operator, value):
        """What people type: a period number (``3``), year and number (``2026-03``, ``2026/3``),
        a year (``2026``) or a date in their own format (the period holding it)."""
        positive = operator not in NEGATIVE_TERM_OPERATORS
        if not isinstance(value, str) or operator not in (
            "like",
            "ilike",
            "=",
            "=like",
            "=ilike",
            "not like",
            "not ilike",
            "!=",
        ):
            return FALSE_DOMAIN if positive else TRUE_DOMAIN
        domain = self._domain_for_text(value.strip())
        return domain if positive else domain_not(domain)

    @api.model
    def _domain_for_text(self, text):
        if not text:
            return TRUE_DOMAIN
        if re.fullmatch(r"\d{1,2}", text):
            return [("number", "=", int(text))]
        if re.fullmatch(r"\d{4}", text):
            return [("year", "=", int(text))]
        if match := re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})", text):
            return [("year", "=", int(match[1])), ("number", "=", int(match[2]))]
        date_format = get_lang(self.env, self.env.lang or self.env.user.lang).date_format
        try:
            day = datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            return FALSE_DOMAIN
        return [("date_from", "<=", day), ("date_to", ">=", day)]

    @api.model
    def _ensure_for(self, integration, year):
        """The periods of ``year``: Loket's when it answers, else computed. Periods are the
        addon's records (users read them): created in sudo mode for a caller that may read
        ``integration``."""
        integration.check_access("read")
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
        return (
            self.sudo()
            .create(
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
            .with_env(self.env)
        )
