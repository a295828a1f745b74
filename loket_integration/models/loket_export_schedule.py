import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket import LoketError
from ..loket.payroll_csv import PayrollCsvError
from ..loket.payroll_periods import PayrollPeriod, last_closed_period

_logger = logging.getLogger(__name__)


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    export_ids = fields.One2many("loket.export", "integration_id", string="Exports")
    export_schedule = fields.Boolean(
        "Scheduled export",
        help="Generate each period's export automatically once the period has ended, and deliver it "
        "as chosen under Delivery",
    )
    export_days_after = fields.Integer(
        "Days after period end", default=2, help="How many days after the end of a period its export is generated"
    )
    export_recipient_ids = fields.Many2many("res.partner", string="Export recipients")
    export_empty_period_id = fields.Many2one(
        "loket.payroll.period",
        string="Period with nothing to export",
        copy=False,
        readonly=True,
        check_company=True,
        help="The last period the scheduled export found nothing to export for (said once in the chatter)",
    )

    def _require_export_ready(self):
        self.ensure_one()
        self._require_administration()
        if not (self.client_number or "").strip().isdigit():
            raise UserError(self.env._("Enter the payroll client number of %(name)s before exporting.", name=self.name))

    def action_open_export_wizard(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_export_wizard")
        action["context"] = {"default_integration_id": self.id}
        return action

    def _loket_last_closed_period(self, today=None):
        """The period whose export is due on ``today``, as a ``loket.payroll.period``."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        Period = self.env["loket.payroll.period"]
        records = Period._ensure_for(self, today.year - 1) | Period._ensure_for(self, today.year)
        plain = {PayrollPeriod(p.year, p.number, p.date_from, p.date_to): p for p in records}
        closed = last_closed_period(list(plain), today, self.export_days_after)
        return plain[closed] if closed else Period

    @api.model
    def _cron_generate_exports(self, today=None):
        for integration in self.search([("export_schedule", "=", True), ("state", "=", "connected")]):
            try:
                period = integration._loket_last_closed_period(today)
                if not period:
                    continue
                done = integration.export_ids.filtered(lambda e, p=period: e.period_id == p)[:1]
                if done:  # exported already; a send that was interrupted or did not arrive is completed
                    if integration._loket_delivers_to_api() and done.row_ids.filtered(
                        lambda r: r.state in ("pending", "not_sent")
                    ):
                        done._loket_send_scheduled(integration.export_recipient_ids)
                        integration._loket_commit()
                    continue
                employees = self.env["hr.employee"].search(
                    [("loket_integration_id", "=", integration.id), ("company_id", "=", integration.company_id.id)]
                )
                if not integration._loket_has_export_data(period, employees):
                    integration._loket_note_nothing_to_export(period)
                    continue
                recipients = integration.export_recipient_ids
                export = self.env["loket.export"]._generate(
                    integration,
                    period,
                    employees,
                    recipients if integration.delivery != "api" else None,
                    allow_empty=False,
                )
                integration._loket_commit()
                if integration._loket_delivers_to_api():
                    export._loket_send_scheduled(recipients)
                    integration._loket_commit()
            except (LoketError, PayrollCsvError, UserError) as exc:
                integration.message_post(body=self.env._("Scheduled Loket export failed: %(error)s", error=str(exc)))
                _logger.warning("Scheduled Loket export of %s failed: %s", integration.name, exc)

    def _loket_has_export_data(self, period, employees):
        """Whether ``period`` has a single value to send to Loket for ``employees``."""
        self.ensure_one()
        return bool(self._loket_export_data(period.date_from, period.date_to, employees).entries)

    def _loket_note_nothing_to_export(self, period):
        """A period without hours makes no (empty) file: said once in the chatter. The scheduled
        export tries the period again on its next runs, so hours logged late still go."""
        self.ensure_one()
        if self.export_empty_period_id == period:
            return
        self.export_empty_period_id = period
        self.message_post(
            body=self.env._(
                "Scheduled Loket export: nothing to export for %(period)s, there are no hours or wage "
                "components to send to Loket. No file was made; hours logged later are exported by "
                "the next scheduled run.",
                period=period.display_name,
            )
        )
        _logger.info("Scheduled Loket export of %s: nothing to export for %s", self.name, period.display_name)
