import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.loket_integration.loket import journal as J
from odoo.addons.loket_integration.odoo_version import Constraint

STATUSES = [
    (str(J.READY_TO_JOURNALIZE), "Ready to journalize"),
    (str(J.NO_RESULTS), "No journal results"),
    (str(J.FAILED), "Failed to create"),
    (str(J.REMOVED), "Removed in Loket"),
    (str(J.READY), "Journal ready"),
    (str(J.EXPORTING), "Being exported"),
    (str(J.EXPORT_FAILED), "Export failed"),
    (str(J.EXPORTED), "Journal exported"),
]
STATES = [
    ("waiting", "No results"),
    ("to_book", "To book"),
    ("booked", "Booked"),
    ("undo", "Removed in Loket: undo the booking"),
    ("reversed", "Booking undone"),
    ("removed", "Removed in Loket"),
    ("replaced", "Replaced in Loket"),
]


def _date(value):
    return datetime.date.fromisoformat(value[:10]) if value else False


def _datetime(value):
    """Loket's ISO time (``Z`` or an offset) as Odoo's naive UTC."""
    if not value:
        return False
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


class LoketJournalRun(models.Model):
    """A journal run of Loket (one payroll run's journal), as Loket lists it, and its booking.

    Read-only for users: the addon writes it (in sudo mode) after its own rights checks.
    A run is booked at most once: ``account.move.loket_journal_run_id`` is unique."""

    _name = "loket.journal.run"
    _description = "Loket journal run"
    _order = "sequence_number desc, id desc"
    _check_company_auto = True

    settings_id = fields.Many2one(
        "loket.journal.settings", required=True, ondelete="cascade", index=True, readonly=True
    )
    integration_id = fields.Many2one(related="settings_id.integration_id", store=True, index=True)
    company_id = fields.Many2one(related="settings_id.company_id", store=True, index=True)
    # Loket pays in euros: its totals are shown in euros whatever the company's currency.
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    loket_id = fields.Char("Loket id", required=True, readonly=True)
    sequence_number = fields.Integer("Run", readonly=True, help="Loket's sequence number of the journal run")
    sequence_number_approved = fields.Integer("Payroll run", readonly=True)
    payroll_run_loket_id = fields.Char("Loket payroll run id", readonly=True)
    year = fields.Integer(readonly=True)
    period_number = fields.Integer("Period", readonly=True)
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    test_year = fields.Boolean(readonly=True)
    loket_status = fields.Selection(STATUSES, string="Status in Loket", readonly=True)
    removed_on = fields.Datetime("Removed in Loket on", readonly=True)
    replaced_by_id = fields.Many2one("loket.journal.run", string="Replaced by", readonly=True, ondelete="set null")
    summary_read = fields.Boolean(readonly=True)
    total_debit = fields.Monetary("Debit", readonly=True, help="The sum of Loket's debit lines")
    total_credit = fields.Monetary("Credit", readonly=True, help="The sum of Loket's credit lines")
    line_count = fields.Integer("Loket lines", readonly=True)
    move_ids = fields.One2many("account.move", "loket_journal_run_id", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal entry", compute="_compute_state", store=True)
    state = fields.Selection(STATES, compute="_compute_state", store=True, index=True)
    mark_state = fields.Selection(
        [("marked", "Marked processed"), ("failed", "Marking failed")], string="In Loket", readonly=True
    )
    mark_error = fields.Text("Loket said", readonly=True)
    warning = fields.Text(readonly=True)
    error = fields.Text("Last error", readonly=True)

    _loket_unique = Constraint("unique(integration_id, loket_id)", "This Loket journal run is listed already.")

    def _compute_currency_id(self):
        self.currency_id = self.env.ref("base.EUR")

    @api.depends("year", "period_number", "sequence_number")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Journal run %(number)s (%(year)s/%(period)02d)",
                number=run.sequence_number,
                year=run.year,
                period=run.period_number or 0,
            )

    @api.depends("loket_status", "replaced_by_id", "move_ids", "move_ids.reversal_move_ids.state")
    def _compute_state(self):
        for run in self:
            move = run.move_ids[:1]
            run.move_id = move
            gone = run.loket_status == str(J.REMOVED) or run.replaced_by_id
            if move and move.reversal_move_ids.filtered(lambda m: m.state == "posted"):
                run.state = "reversed"
            elif move:
                run.state = "undo" if gone else "booked"
            elif run.loket_status == str(J.REMOVED):
                run.state = "removed"
            elif run.replaced_by_id:
                run.state = "replaced"
            elif run.loket_status and J.has_results(int(run.loket_status)):
                run.state = "to_book"
            else:
                run.state = "waiting"

    # -- from Loket --------------------------------------------------------------------------

    @api.model
    def _values_from_loket(self, run):
        payroll = run.get("payrollRun") or {}
        period = payroll.get("payrollPeriod") or {}
        status = (run.get("journalRunStatus") or {}).get("key")
        return {
            "sequence_number": run.get("sequenceNumber") or 0,
            "sequence_number_approved": payroll.get("sequenceNumberApproved") or 0,
            "payroll_run_loket_id": payroll.get("payrollRunId"),
            "year": period.get("year") or 0,
            "period_number": period.get("periodNumber") or 0,
            "period_start": _date(period.get("periodStartDate")),
            "period_end": _date(period.get("periodEndDate")),
            "test_year": bool(period.get("testYear")),
            "loket_status": str(status) if str(status) in dict(STATUSES) else False,
            "removed_on": _datetime(run.get("removeTime")),
        }

    @api.model
    def _sync_from_loket(self, settings, runs):
        """Mirror Loket's list of runs for ``settings``: new runs are added, the others follow
        Loket's status; a run Loket no longer lists is kept (its booking stays). Returns the
        runs Loket listed."""
        Runs = self.sudo()
        existing = {run.loket_id: run for run in Runs.search([("settings_id", "=", settings.id)])}
        records = Runs.browse()
        for data in runs:
            values = self._values_from_loket(data)
            run = existing.get(data["id"])
            if run is None:
                run = Runs.create(dict(values, settings_id=settings.id, loket_id=data["id"]))
                existing[data["id"]] = run
            else:
                changed = {key: value for key, value in values.items() if run[key] != value}
                if changed:
                    run.write(changed)
            records |= run
        replaced = J.replaced_by(runs)
        for run in records:
            newer = existing.get(replaced.get(run.loket_id))
            if run.replaced_by_id != (newer or Runs.browse()):
                run.replaced_by_id = newer
        return records.with_env(self.env)

    def _entry(self, rows):
        """``journal.JournalEntry`` of Loket's lines ``rows``; a line that cannot be booked is a UserError naming it."""
        try:
            return J.entry_lines(rows)
        except J.JournalDataError as exc:
            raise UserError(
                self.env._(
                    "Loket's %(run)s cannot be booked: line %(line)s: %(reason)s",
                    run=self.display_name,
                    line=exc.index,
                    reason=exc.reason,
                )
            ) from None

    def _store_summary(self, rows):
        """Loket's totals of the run (``rows``: its result lines); lists its accounts for mapping."""
        self.ensure_one()
        entry = self._entry(rows)
        self.sudo().write(
            {
                "summary_read": True,
                "total_debit": float(entry.total_debit),
                "total_credit": float(entry.total_credit),
                "line_count": entry.source_count,
                "error": False,
            }
        )
        self.settings_id._list_for_mapping(entry)
        return entry
