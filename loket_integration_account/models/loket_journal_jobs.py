"""Booking a journal run as a background run of the main addon (``loket.job``, kind
``journal_booking``, ``res_id``: the ``loket.journal.run``).

Two batches, each committed by the jobs' runner:

1. *book*: the run's status and results are read from Loket (the document gives the results
   no paging parameters: one request holds every line, and an answer saying it holds only
   part of them is refused) and the entry is booked; the unique constraint of
   ``account.move.loket_journal_run_id`` stays the guard, so a run booked meanwhile (by a user,
   or a job asked twice) is not booked again. The reviewer gets an activity on the new entry.
2. *mark*: Loket is told (``MarkAsProcessed``), per the integration's choice, only once the
   booking is committed; a failure to tell is kept on the run and does not undo the booking.

A Loket fault (429, 5xx, an answer that is not JSON) or a run that cannot be booked fails
the job with its batch rolled back: the error is on the job, on the run and in the payroll
journal's chatter; the run stays to book, and the next night (or reading the runs) queues it
again.
"""

from markupsafe import Markup

from odoo import fields, models

KIND = "journal_booking"


class LoketJob(models.Model):
    _inherit = "loket.job"

    kind = fields.Selection(selection_add=[(KIND, "Booking a payroll journal run")], ondelete={KIND: "cascade"})

    def _loket_journal_run(self):
        return self.env["loket.journal.run"].sudo().browse(self.res_id).exists()

    def _loket_job_batch_journal_booking(self):
        # The job's own fields in sudo mode: an accounting manager who asked may have no rights
        # on the integration's runs; the booking itself runs as them.
        job = self.sudo()
        state = dict(job.payload or {})
        run = self.env["loket.journal.run"].browse(job.res_id).exists()
        if not run:
            return True
        if state.get("phase") == "mark":
            run._mark_in_loket()
            return True
        if run.move_id:  # booked meanwhile, or this job was asked for twice: nothing is booked again
            job._loket_add(done_count=max(job.total_count - job.done_count, 1))
            return True
        client, requests = job.integration_id._loket_counting_client()
        move = run._book(client)
        run.settings_id._schedule_review(move, run)
        job.payload = dict(state, phase="mark", move_id=move.id)
        job._loket_add(
            done_count=max(job.total_count - job.done_count, 1),
            fetched_count=run.line_count,
            request_count=requests(),
        )
        # Loket hears of the booking in the next batch, once this one is committed.
        return not run.settings_id.mark_processed

    def _loket_job_summary_journal_booking(self):
        run = self._loket_journal_run()
        if not run:
            return None
        if self.state == "failed":
            return self.env._("%(run)s not booked: %(error)s", run=run.display_name, error=self.error)
        if not self.request_count or not run.move_id:  # it found the run booked and asked Loket nothing
            return self.env._("%(run)s was booked already.", run=run.display_name)
        move = run.move_id.sudo()
        return self.env._(
            "%(run)s booked in %(entry)s.",
            run=run.display_name,
            entry=move._loket_entry_number() or move.ref,
        )

    def _loket_finish(self, error=False):
        """The payroll journal's chatter, which accountants read, hears of it too; a failure
        stays on the run."""
        super()._loket_finish(error=error)
        if self.kind != KIND:
            return
        run = self._loket_journal_run()
        if not run:
            return
        if error:
            run.sudo().write({"error": error})
        run.settings_id.sudo().message_post(
            body=Markup("<br/>").join([self.env._("Loket payroll journal, scheduled booking:"), self._loket_summary()])
        )
