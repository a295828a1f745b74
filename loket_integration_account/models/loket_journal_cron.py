import logging

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.loket_integration.loket import journal as J

_logger = logging.getLogger(__name__)


class LoketJournalNightly(models.Model):
    """The scheduled booking: every night, read each integration's journal runs from Loket;
    each new ready run is booked by a background run of its own (``loket.job`` kind
    ``journal_booking``, models/loket_journal_jobs.py), committed batch by batch by the
    jobs' runner. Reading the runs at another time (a user's *Read journal runs from Loket*)
    queues the new ready ones the same way, right after they appear.

    A Loket fault while reading the runs (429, 5xx, an answer that is not JSON, a refused
    login) stops that integration for the night; a fault while booking a run fails that
    run's job and leaves the run to book. The next night catches up; the unique booking
    constraint keeps any run from being booked twice."""

    _inherit = "loket.journal.settings"

    @api.model
    def _cron_book_ready_runs(self):
        for settings in self.search([("auto_book", "=", True), ("journal_id", "!=", False)]):
            settings._book_ready_runs()

    def _book_ready_runs(self):
        self.ensure_one()
        try:
            self._fetch_runs()  # queues the new ready runs' bookings
        except UserError as exc:  # Loket's fault, or the integration cannot ask Loket (no administration)
            self.env.cr.rollback()
            self._night_failed(str(exc))
            return
        self._commit()

    def _fetch_runs(self, client=None):
        runs = super()._fetch_runs(client)
        if self.auto_book and self.journal_id:
            self._queue_bookings(runs)
        return runs

    def _queue_bookings(self, runs):
        """A background booking for each ready run not booked yet (one already queued is joined),
        its runner woken."""
        ready = runs.filtered(
            lambda run: (
                run.state == "to_book"
                and run.loket_status == str(J.READY)
                and (not self.book_from or (run.period_end and run.period_end >= self.book_from))
            )
        )
        integration = self.integration_id.sudo()  # rights were checked by the caller; runs are the addon's
        for run in ready.sorted("sequence_number"):
            integration._loket_start_job("journal_booking", total=max(run.line_count, 1), inline=False, res_id=run.id)

    def _commit(self):
        """What is done stays done, whatever the next run or request does."""
        self.env.cr.commit()  # pylint: disable=invalid-commit

    def _schedule_review(self, move, run):
        if not self.reviewer_id:
            return
        move.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Review the payroll entry from Loket"),
            note=self.env._("Booked from Loket's %(run)s by the scheduled action.", run=run.display_name),
            user_id=self.reviewer_id.id,
        )

    def _night_failed(self, error):
        """Loket could not be asked: say so on the payroll journal; tomorrow's run catches up."""
        _logger.info("Loket payroll journal %s: Loket could not be asked tonight", self.id)
        self.sudo().write({"last_error": error})
        self.message_post(body=self.env._("Loket could not be asked: %(error)s", error=error))
        self._commit()
