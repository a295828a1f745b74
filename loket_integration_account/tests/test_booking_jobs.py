import datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import new_test_user, tagged

from odoo.addons.loket_integration.loket import resources as R

from .common import YEAR, JournalCase, loket_sums


@tagged("post_install", "-at_install")
class TestJournalBookingJobs(JournalCase):
    """The scheduled booking through the main addon's background runs (``loket.job``, kind
    ``journal_booking``): a job per new ready run, its batches committed one by one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            "loket_journal_job_reviewer",
            groups="base.group_user,account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.settings.write(
            {"auto_book": True, "book_from": datetime.date(YEAR, 2, 1), "reviewer_id": cls.accountant.id}
        )
        cls.jobs_cron = cls.env.ref("loket_integration.ir_cron_loket_jobs")

    def _booking_cron(self):
        """The payroll journal's scheduled action alone, on a cursor of its own (as Odoo's cron worker)."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["loket.journal.settings"]._cron_book_ready_runs()
        self.env.invalidate_all()

    def _jobs(self):
        return self.env["loket.job"].search([("kind", "=", "journal_booking")])

    def _moves(self):
        return self.env["account.move"].search([("loket_journal_run_id", "in", self.settings.run_ids.ids)])

    def _triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.jobs_cron.id)])

    def _run_of(self, loket_run):
        return self.settings.run_ids.filtered(lambda run: run.loket_id == loket_run["id"])

    def test_the_night_queues_a_job_whose_batches_book_then_tell_loket(self):
        loket_run = self.fake.run_payroll(YEAR, 3)
        triggers = self._triggers()
        self._booking_cron()
        run = self._run_of(loket_run)
        job = self._jobs()
        self.assertEqual((job.state, job.background, job.res_id), ("queued", True, run.id))
        self.assertFalse(run.move_id, "the scheduled action books nothing itself")
        self.assertGreater(self._triggers(), triggers, "the jobs' runner is woken")

        self._cron_process_jobs_once()  # first batch: the booking, committed
        self.assertEqual(run.state, "booked")
        self.assertEqual(job.state, "running")
        self.assertFalse(run.mark_state, "Loket hears of it in the next batch, once the booking is committed")
        self.assertFalse(self.fake.journal_status_patches)
        self.assertEqual(self._odoo_sums(run.move_id), loket_sums(self.fake.journal_results(loket_run["id"])))
        self.assertEqual(run.move_id.activity_ids.user_id, self.accountant)

        self._cron_process_jobs_once()  # second batch: MarkAsProcessed
        self.assertEqual(job.state, "done")
        self.assertEqual(run.mark_state, "marked")
        self.assertEqual(len(self.fake.journal_status_patches), 1)
        self.assertIn("booked in", self.settings.message_ids[:1].body)
        self.assertIn(run.display_name, self.settings.message_ids[:1].body)

    def test_a_fault_fails_the_job_cleanly_and_the_next_night_books_the_run_once(self):
        loket_run = self.fake.run_payroll(YEAR, 3)
        self._booking_cron()
        self.fake.fail(R.JOURNAL_RUN_RESULTS.path, status=503, times=20, headers={"Retry-After": "0"})
        self._run_loket_jobs()
        run, job = self._run_of(loket_run), self._jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn("503", job.error)
        self.assertIn("503", run.error, "the run says why it was not booked")
        self.assertEqual(run.state, "to_book")
        self.assertFalse(self._moves())
        self.assertIn("not booked", self.settings.message_ids[:1].body)

        self.fake.faults.pop(R.JOURNAL_RUN_RESULTS.path, None)  # Loket is back
        self._booking_cron()
        self._run_loket_jobs()
        self.assertEqual(len(self._moves()), 1)
        self.assertFalse(run.error)
        self.assertEqual(self._odoo_sums(run.move_id), loket_sums(self.fake.journal_results(loket_run["id"])))
        self._booking_cron()
        self._run_loket_jobs()
        self.assertEqual(len(self._moves()), 1, "a booked run is not queued again")
        self.assertEqual(len(self._jobs()), 2)

    def test_queued_twice_or_booked_meanwhile_the_run_is_booked_once(self):
        loket_run = self.fake.run_payroll(YEAR, 3)
        self._booking_cron()
        self._booking_cron()
        self.assertEqual(len(self._jobs()), 1, "the second night joins the queued job")
        run = self._run_of(loket_run)
        run.action_book()  # a manager books it before the runner does
        self._run_loket_jobs()
        self.assertEqual(len(self._moves()), 1)
        self.assertEqual(self._jobs().state, "done")
        self.assertIn("booked already", self.settings.message_ids[:1].body)
        # asked once more, after the fact: the job finds the booking and books nothing
        self.integration._loket_start_job("journal_booking", inline=False, res_id=run.id)
        self._run_loket_jobs()
        self.assertEqual(len(self._moves()), 1)

    def test_a_run_that_appears_when_the_runs_are_read_is_queued_right_away(self):
        loket_run = self.fake.run_payroll(YEAR, 3)
        triggers = self._triggers()
        # An accounting manager (no rights on the integration) reads the runs: the new ready run is
        # queued, the runner woken, and the job books as that manager.
        self.settings.with_user(self.accountant).action_fetch_runs()
        run = self._run_of(loket_run)
        job = self._jobs()
        self.assertEqual((job.res_id, job.state, job.user_id), (run.id, "queued", self.accountant))
        self.assertGreater(self._triggers(), triggers)
        self._run_loket_jobs()
        self.assertEqual((run.state, job.state), ("booked", "done"))
        self.assertEqual(run.move_id.create_uid, self.accountant)

        self.settings.auto_book = False
        self.fake.run_payroll(YEAR, 4)
        self._fetch()
        self.assertEqual(len(self._jobs()), 1, "without automatic booking, reading the runs books nothing")
