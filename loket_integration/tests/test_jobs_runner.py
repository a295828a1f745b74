"""The background runs through Odoo's own cron runner (``ir.cron._process_job``).

The runner calls a cron that reports work remaining at most MAX_BATCH_PER_CRON_JOB
times in a row, then leaves it ready, but its thread (or prefork worker) only looks
again at its next poll (60 s) unless the database is notified: a due ``ir.cron.trigger``
is committed with that notification (``ir.cron._trigger``). Here the runner is called
as its thread calls it, with batches of one row and rounds of three calls.
"""

import itertools
import time
from unittest.mock import patch

from odoo import fields
from odoo.tests import RecordCapturer, tagged

from ..odoo_version import cron_round_limits, process_cron_job
from .common import LoketCase

ADDON = "odoo.addons.loket_integration.models"


@tagged("post_install", "-at_install")
class TestJobsRunner(LoketCase):
    n_employees = 6

    def setUp(self):
        super().setUp()
        self._connect()
        self.cron = self.env.ref("loket_integration.ir_cron_loket_jobs")
        self.integration.action_fetch_employees()  # 6 rows, in the request
        self.rows = self.integration.loket_employee_ids.sorted("employee_number")
        self.rows.write({"decision": "add"})
        for target in (
            patch(f"{ADDON}.loket_job.INLINE_LIMIT", 2),  # more than 2 rows: a background run
            patch(f"{ADDON}.loket_employee_jobs.BATCH_SIZE", 1),  # a row per batch
            *(patch(f"odoo.addons.base.models.ir_cron.{name}", value) for name, value in cron_round_limits(3).items()),
        ):
            target.start()
            self.addCleanup(target.stop)

    def _capture_triggers(self):
        return RecordCapturer(self.env["ir.cron.trigger"].sudo(), [("cron_id", "=", self.cron.id)])

    def _runner_round(self):
        """One round of Odoo's runner on the jobs cron, as ``ir.cron._process_jobs`` makes it:
        three calls (``cron_round_limits``), each on a transaction of its own, then the
        rescheduling. Returns the triggers of the jobs cron the round created and left."""
        self.env.flush_all()
        job = {**self.cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0}
        with self._capture_triggers() as capture, self.registry.cursor() as cron_cr:
            process_cron_job(self.registry, cron_cr, job)
        self.env.invalidate_all()
        return capture.records

    def test_a_run_longer_than_a_round_wakes_the_runner_until_it_is_done(self):
        self.rows.action_apply()
        job = self.integration.loket_running_job_id
        self.assertEqual((job.state, job.total_count), ("queued", 6))

        created = self._runner_round()
        self.assertEqual((job.state, job.done_count), ("running", 3), "one round: three batches")
        self.assertTrue(created, "work remains after the round: the runner is woken, not left to its next poll")
        self.assertTrue(all(t.call_at <= fields.Datetime.now() for t in created), "due now (Odoo notifies)")

        self._runner_round()
        self.assertEqual((job.state, job.done_count, job.added_count), ("done", 6, 6))

    def test_a_round_ends_in_time_and_the_next_round_goes_on(self):
        """The runner's round must end within the worker's time limit (prefork: killed after
        limit_time_real, the batch lost and counted against the job): with batches of 20 s, a
        round stops after ROUND_SECONDS (two calls, not its three) and wakes the next."""
        self.rows.action_apply()
        job = self.integration.loket_running_job_id
        # Odoo's _trigger() dates a trigger to the second, and rescheduling drops those older than
        # the round's transaction (here the test class's): made in the very second it began, a
        # trigger would be dropped, which in production only the first call of a round can meet.
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        began = self.env.cr.fetchone()[0]
        while fields.Datetime.now() <= began:
            time.sleep(0.05)
        clock = itertools.count(0, 10)  # each reading 10 s later; a call reads it twice: 20 s a batch
        with patch(f"{ADDON}.loket_job._clock", lambda: next(clock)):
            created = self._runner_round()
            self.assertEqual((job.state, job.done_count), ("running", 2), "the round stopped after 30 s")
            self.assertTrue(created, "work remains: the next round is due at once")
            self._runner_round()
            self.assertEqual(job.done_count, 4)
            self._runner_round()
        self.assertEqual((job.state, job.done_count, job.added_count), ("done", 6, 6))
        self.assertEqual(job.attempts, 0, "no batch interrupted")

    def test_each_call_that_leaves_work_triggers_the_cron_and_no_other_does(self):
        self.rows.action_apply()
        job = self.integration.loket_running_job_id
        with patch(f"{ADDON}.loket_employee_jobs.BATCH_SIZE", 3):  # two batches
            for left, triggered in ((3, 1), (0, 0), (0, 0)):  # a batch, the last batch, a call with nothing to do
                with self._capture_triggers() as capture:
                    self._cron_process_jobs_once()
                self.assertEqual(job.total_count - job.done_count, left)
                self.assertEqual(len(capture.records), triggered, f"{left} rows left")
        self.assertEqual(job.state, "done")

    def test_a_round_with_nothing_to_do_calls_for_nothing(self):
        self.assertFalse(self._runner_round())

    def test_joining_a_run_wakes_the_runner(self):
        self.rows[:4].action_apply()
        job = self.integration.loket_running_job_id
        self._runner_round()  # the run is under way (three of its four rows)
        self.assertEqual(job.state, "running")
        with self._capture_triggers() as capture:
            self.rows[4:].action_apply()  # rows 5 and 6 join the run
        self.assertEqual(self.integration.loket_running_job_id, job)
        self.assertEqual(job.total_count, 6)
        self.assertEqual(len(capture.records), 1, "a run whose worker died goes on when a person asks again")
        self.assertLessEqual(capture.records.call_at, fields.Datetime.now())
        self._runner_round()
        self.assertEqual((job.state, job.added_count), ("done", 6))
