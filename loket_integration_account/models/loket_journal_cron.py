import logging

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.loket_integration.loket import journal as J

from .loket_journal_settings import LoketFault

_logger = logging.getLogger(__name__)


class LoketJournalNightly(models.Model):
    """The scheduled action: every night, read each integration's journal runs from Loket and
    book the new ready ones.

    Committed per run: a run booked is committed before Loket is told, and before the next
    run is booked. A Loket fault (429, 5xx, an answer that is not JSON, a refused login)
    stops that integration for the night with what was committed so far; the next night
    catches up. The unique booking constraint keeps any run from being booked twice."""

    _inherit = "loket.journal.settings"

    @api.model
    def _cron_book_ready_runs(self):
        for settings in self.search([("auto_book", "=", True), ("journal_id", "!=", False)]):
            settings._book_ready_runs()

    def _book_ready_runs(self):
        self.ensure_one()
        cr = self.env.cr
        booked, refused = [], []
        try:
            client = self._loket(lambda c: c)
            runs = self._fetch_runs(client)
        except UserError as exc:  # Loket's fault, or the integration cannot ask Loket (no administration)
            cr.rollback()
            self._night_failed(str(exc))
            return
        self._commit()
        ready = runs.filtered(
            lambda run: (
                run.state == "to_book"
                and run.loket_status == str(J.READY)
                and (not self.book_from or (run.period_end and run.period_end >= self.book_from))
            )
        )
        for run in ready.sorted("sequence_number"):
            try:
                with cr.savepoint():
                    move = run._book(client)
            except LoketFault as exc:
                cr.rollback()
                self._night_failed(str(exc), booked)
                return
            except UserError as exc:
                run.sudo().write({"error": str(exc)})
                refused.append((run, str(exc)))
                self._commit()
                continue
            self._schedule_review(move, run)
            self._commit()
            booked.append((run, move))
            if self.mark_processed:
                run._mark_in_loket()
                self._commit()
        if booked or refused:
            self._night_summary(booked, refused)
            self._commit()

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

    def _night_summary(self, booked, refused):
        lines = [
            self.env._(
                "%(run)s booked in %(entry)s.", run=run.display_name, entry=move.name if move.name != "/" else move.ref
            )
            for run, move in booked
        ] + [self.env._("%(run)s not booked: %(error)s", run=run.display_name, error=error) for run, error in refused]
        self.message_post(body=Markup("<br/>").join([self.env._("Loket payroll journal, scheduled booking:"), *lines]))

    def _night_failed(self, error, booked=()):
        """Loket could not be asked: say so on the payroll journal; tomorrow's run catches up."""
        _logger.info("Loket payroll journal %s: Loket could not be asked tonight", self.id)
        self.sudo().write({"last_error": error})
        lines = [self.env._("Loket could not be asked: %(error)s", error=error)]
        if booked:
            lines.append(self.env._("%(count)s run(s) were booked before that.", count=len(booked)))
        self.message_post(body=Markup("<br/>").join(lines))
        self._commit()
