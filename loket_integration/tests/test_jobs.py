"""Background runs (loket.job): inline and background paths, progress, joining a running
run, resuming an interrupted one, the run history and its clean-up."""

import datetime
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import LoketCase

JOB = "odoo.addons.loket_integration.models.loket_job"
SYNC = "odoo.addons.loket_integration.models.loket_employee_sync"
EMPLOYEE_JOBS = "odoo.addons.loket_integration.models.loket_employee_jobs"


@tagged("post_install", "-at_install")
class TestJobs(LoketCase):
    n_employees = 6

    def setUp(self):
        super().setUp()
        self._connect()
        self.fake.reset_logs()
        self.Job = self.env["loket.job"]
        self.cron = self.env.ref("loket_integration.ir_cron_loket_jobs")

    def _small_runs(self, inline_limit=2, batch_size=2):
        """Runs above ``inline_limit`` rows go to the background, in batches of ``batch_size``."""
        for target in (
            patch(f"{JOB}.INLINE_LIMIT", inline_limit),
            patch(f"{SYNC}.INLINE_LIMIT", inline_limit),
            patch("odoo.addons.loket_integration.models.loket_employee.INLINE_LIMIT", inline_limit),
            patch(f"{EMPLOYEE_JOBS}.BATCH_SIZE", batch_size),
            patch(f"{SYNC}.BATCH_SIZE", batch_size),
        ):
            target.start()
            self.addCleanup(target.stop)

    def _fetch_inline(self):
        self.integration.action_fetch_employees()
        return self.integration.loket_employee_ids.sorted("employee_number")

    def _decide_add(self, rows):
        rows.write({"decision": "add"})
        return rows

    def _employees(self):
        return self.env["hr.employee"].search([("loket_integration_id", "=", self.integration.id)])

    def _triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])

    # -- inline ---------------------------------------------------------------------------

    def test_a_small_apply_runs_inline_and_is_recorded(self):
        rows = self._decide_add(self._fetch_inline()[:2])
        triggers = self._triggers()
        self.assertEqual(rows.action_apply()["params"]["message"], "2 Loket employee(s) added to Odoo.")  # no run
        self.assertEqual(len(rows.employee_id), 2)
        job = self.Job.search([("integration_id", "=", self.integration.id), ("kind", "=", "apply_decisions")])
        self.assertEqual(len(job), 1)
        self.assertEqual((job.state, job.background, job.done_count, job.added_count), ("done", False, 2, 2))
        self.assertTrue(job.date_start and job.date_end)
        self.assertFalse(job.payload)
        self.assertEqual(self._triggers(), triggers, "an inline run does not wake the cron")
        self.assertTrue(self.integration.message_ids.filtered(lambda m: "Added: 2" in (m.body or "")))

    def test_a_small_fetch_runs_inline_with_four_requests(self):
        rows = self._fetch_inline()
        self.assertEqual(len(rows), 6)
        job = self.Job.search([("integration_id", "=", self.integration.id), ("kind", "=", "fetch_employees")])
        self.assertEqual((job.state, job.background, job.fetched_count, job.new_count), ("done", False, 6, 6))
        self.assertEqual(job.request_count, 3)  # the employees' page was read by the request itself
        self.assertEqual(len(self.fake.requests), 4)
        self.assertEqual((job.done_count, job.total_count), (6, 6), "the runs list reads Done 6 / Total 6")

    # -- background -----------------------------------------------------------------------

    def test_a_big_apply_runs_in_the_background_in_batches_with_progress(self):
        rows = self._decide_add(self._fetch_inline())
        self._small_runs()
        user = new_test_user(self.env, "loket_jobs_adm", groups="loket_integration.group_loket_manager,base.group_user")
        triggers = self._triggers()
        result = rows.with_user(user).action_apply()
        self.assertIn("in the background", result["params"]["message"])
        job = self.integration.loket_running_job_id
        self.assertEqual((job.kind, job.state, job.background, job.total_count), ("apply_decisions", "queued", True, 6))
        self.assertEqual(job.user_id, user)
        self.assertFalse(rows.employee_id, "nothing is created in the request")
        self.assertEqual(self._triggers(), triggers + 1)
        self.assertIn("apply_decisions", self.integration.loket_running_job_kinds)
        self.assertEqual(self.integration.loket_job_progress, "Applying employee decisions: 0 / 6")

        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        self.env.flush_all()
        with self.registry.cursor() as cr:
            # As Odoo's runner calls it: its progress record and its cron (19.0 checks they match).
            context = {"ir_cron_progress_id": progress.id, "cron_id": self.cron.id}
            self.Job.with_env(self.Job.env(cr=cr)).with_context(**context)._cron_process_jobs()
        self.env.invalidate_all()
        self.assertEqual((progress.done, progress.remaining), (2, 4))
        self.assertEqual((job.state, job.done_count, job.added_count), ("running", 2, 2))
        self.assertEqual(len(rows.employee_id), 2)
        self.assertEqual(self.integration.loket_job_progress, "Applying employee decisions: 2 / 6")

        self.assertEqual(self._run_loket_jobs(), 2)
        self.assertEqual((job.state, job.done_count, job.added_count), ("done", 6, 6))
        self.assertFalse(self.integration.loket_running_job_id)
        self.assertEqual(len(rows.employee_id), 6)
        employments = self.env["loket.employment"].search_count([("employee_id", "in", rows.employee_id.ids)])
        self.assertEqual(employments, len(self.fake.data["employments"]))
        # Bulk creation: no creation message, tracking or follower on the employees; one summary for the run.
        # (hr's own onboarding note stays: Odoo's import of employees writes it as well)
        logged = rows.employee_id.message_ids.filtered(lambda m: "onboarding plan" not in (m.body or ""))
        self.assertFalse(logged, logged.mapped("body"))
        followers = rows.employee_id.message_follower_ids.partner_id
        # Only hr's own: each employee's work contact (18.0 subscribes it, 19.0 no longer does).
        self.assertFalse(followers - rows.employee_id.work_contact_id, "no other follower")
        summary = self.integration.message_ids.filtered(lambda m: "Added: 6" in (m.body or ""))
        self.assertEqual(len(summary), 1)
        self.assertIn(user.partner_id, summary.partner_ids, "the user who asked is told")

    def test_add_on_many_rows_leaves_the_decisions_to_the_background_run(self):
        rows = self._fetch_inline()
        self._small_runs()
        existing = self.env["hr.employee"].create({"name": "Al Gekoppeld"})
        rows[5].write({"decision": "map", "employee_id": existing.id})
        rows[5].action_apply()  # applied: Add leaves it mapped
        rows.action_add()
        self.assertEqual(set(rows[:5].mapped("decision")), {"to_decide"}, "the request only queued the run")
        job = self.integration.loket_running_job_id
        self.assertEqual(rows.apply_job_id, job, "the run's rows carry it, not its payload")
        self.assertEqual(rows.mapped("apply_sets_add"), [True] * 6)
        self.assertFalse(job.payload)
        self._run_loket_jobs()
        self.assertEqual(rows.mapped("status"), ["added"] * 5 + ["mapped"])
        self.assertEqual(rows[5].employee_id, existing)
        self.assertEqual((job.state, job.added_count), ("done", 5))
        self.assertFalse(rows.apply_job_id, "each batch lets go of its rows")

    def test_a_failed_add_does_not_leave_add_to_the_next_run(self):
        rows = self._fetch_inline()
        self._small_runs()
        rows.action_add()
        job = self.integration.loket_running_job_id
        Integration = type(self.integration)
        with patch.object(Integration, "_loket_apply_decisions", side_effect=UserError("Loket said no")):
            self._run_loket_jobs()
        self.assertEqual((job.state, job.error), ("failed", "Loket said no"))
        self.assertEqual(set(rows.mapped("decision")), {"to_decide"}, "the failed batch was undone")
        self.assertEqual(rows.mapped("apply_sets_add"), [True] * 6, "the failed run's rows keep its marks")
        rows.write({"decision": "skip"})
        rows.action_apply()  # a plain Apply of the same rows: they were marked "set Add" by the failed run
        self._run_loket_jobs()
        self.assertEqual(set(rows.mapped("status")), {"skipped"})
        self.assertFalse(self._employees())

    def test_a_big_fetch_runs_in_the_background(self):
        self._small_runs(inline_limit=3)
        result = self.integration.action_fetch_employees()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("Fetching employees: 0 / 6", result["params"]["message"])
        self.assertFalse(self.integration.loket_employee_ids)
        job = self.integration.loket_running_job_id
        self.assertEqual((job.kind, job.total_count), ("fetch_employees", 6))
        self.assertIn("fetch_employees", self.integration.loket_running_job_kinds)
        self._run_loket_jobs()
        self.assertEqual(len(self.integration.loket_employee_ids), 6)
        self.assertEqual((job.state, job.fetched_count, job.new_count, job.request_count), ("done", 6, 6, 4))

    def test_the_nightly_sync_runs_in_the_background(self):
        rows = self._decide_add(self._fetch_inline())
        rows.action_apply()
        self._small_runs()
        for number in range(1, 6):
            self.fake.change_employee(number, **{"address.city": f"Zwolle {number}"})
        self.env["loket.integration"]._cron_sync_employees()
        job = self.integration.loket_running_job_id
        self.assertEqual((job.kind, job.state, job.background), ("sync_employees", "queued", True))
        self.assertNotEqual(rows[0].employee_id.private_city, "Zwolle 1", "nothing is synchronised in the cron's call")
        calls = self._run_loket_jobs()
        # version numbers; Loket's four lists (a page each); joined; 3 batches of 2; the end
        self.assertEqual(calls, 7, job.read()[0])
        # Done / Total: the 6 employees the sync went through (issue 19, point 12), 5 of them updated
        self.assertEqual(
            (job.state, job.fetched_count, job.done_count, job.total_count, job.updated_count), ("done", 6, 6, 6, 5)
        )
        self.assertEqual(rows[:5].employee_id.mapped("private_city"), [f"Zwolle {n}" for n in range(1, 6)])
        self.assertIn("5 updated", self.integration.last_sync_summary)
        self.assertTrue(self.integration.message_ids.filtered(lambda m: "5 updated" in (m.body or "")))

    def test_synchronise_now_is_inline_for_a_small_employer(self):
        rows = self._decide_add(self._fetch_inline())
        rows.action_apply()
        self.fake.change_employee(2, **{"address.city": "Delft"})
        self.integration.action_sync_employees()
        self.assertEqual(rows[1].employee_id.private_city, "Delft")
        job = self.integration.loket_job_ids.filtered(lambda j: j.kind == "sync_employees")
        self.assertEqual((job.state, job.background, job.updated_count), ("done", False, 1))

    def test_a_loket_error_fails_the_run_and_tells_the_chatter(self):
        self._fetch_inline()
        self._small_runs()
        self.fake.fail(
            "/providers/employers/{employerId}/employees/employments/lastmodifiedversionnumbers",
            status=400,
            body={"messages": [{"code": 12, "type": "BrokenBusinessRule", "description": "Werkgever geblokkeerd"}]},
        )
        self.integration.action_sync_employees()
        job = self.integration.loket_running_job_id
        self._run_loket_jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn("Werkgever geblokkeerd", job.error)
        self.assertTrue(self.integration.message_ids.filtered(lambda m: "Werkgever geblokkeerd" in (m.body or "")))

    # -- joining --------------------------------------------------------------------------

    def test_a_second_request_joins_the_running_run(self):
        rows = self._decide_add(self._fetch_inline())
        self._small_runs()
        rows[:4].action_apply()
        job = self.integration.loket_running_job_id
        self._cron_process_jobs_once()  # the run is under way
        self.assertEqual(job.state, "running")
        rows[2:].action_apply()  # rows 3 and 4 are in the run already; 5 and 6 join it
        runs = self.Job.search([("integration_id", "=", self.integration.id), ("kind", "=", "apply_decisions")])
        self.assertEqual(runs, job)
        self.assertEqual(job.total_count, 6)
        self.integration.action_sync_employees()  # another kind is another run
        self.assertEqual(len(self.integration.loket_job_ids.filtered(lambda j: j.state in ("queued", "running"))), 2)
        self._run_loket_jobs()
        self.assertEqual((job.state, job.done_count, job.added_count), ("done", 6, 6))
        self.assertEqual(len(self._employees()), 6)

    def test_the_buttons_of_a_running_kind_are_hidden(self):
        self._decide_add(self._fetch_inline())
        self._small_runs()
        self.integration.action_sync_employees()
        arch = self.integration.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("'sync_employees' in loket_running_job_kinds", arch)
        self.assertIn("'fetch_employees' in loket_running_job_kinds", arch)
        self.assertEqual(self.integration.loket_running_job_kinds, "sync_employees")

    # -- resuming -------------------------------------------------------------------------

    def test_an_interrupted_run_resumes_where_its_last_batch_ended(self):
        rows = self._decide_add(self._fetch_inline())
        self._small_runs()
        rows.action_apply()
        job = self.integration.loket_running_job_id
        self._cron_process_jobs_once()  # batch 1 committed
        self.assertEqual(len(self._employees()), 2)

        Integration = type(self.integration)
        original = Integration._loket_add_employees

        def killed_after_creating(integration, batch):
            original(integration, batch)  # employees and employments of batch 2 are created, then…
            raise MemoryError("worker killed")

        with patch.object(Integration, "_loket_add_employees", killed_after_creating):
            with self.assertRaises(MemoryError):
                self._cron_process_jobs_once()
        # The batch was rolled back whole: batch 1 only, and the run still holds batches 2 and 3.
        self.assertEqual(len(self._employees()), 2)
        self.assertEqual((job.state, job.done_count), ("running", 2))
        self.assertEqual(self.env["loket.employee"].search([("apply_job_id", "=", job.id)]), rows[2:])

        self._run_loket_jobs()
        self.assertEqual((job.state, job.done_count, job.added_count), ("done", 6, 6))
        employees = self._employees()
        self.assertEqual(sorted(employees.mapped("loket_employee_id")), sorted(rows.mapped("loket_id")))
        self.assertEqual(
            self.env["loket.employment"].search_count([("employee_id", "in", employees.ids)]),
            len(self.fake.data["employments"]),
        )

    def test_a_batch_that_keeps_killing_its_worker_fails_the_run(self):
        rows = self._decide_add(self._fetch_inline())
        self._small_runs()
        rows.action_apply()
        job = self.integration.loket_running_job_id
        job.attempts = 3  # three workers died in this batch (their attempts were committed)
        self._run_loket_jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn("interrupted 3 times", job.error)
        self.assertFalse(self._employees())

    # -- history --------------------------------------------------------------------------

    def test_old_runs_are_removed_after_the_configured_days(self):
        self.env["ir.config_parameter"].sudo().set_param("loket_integration.job_keep_days", "10")
        now = fields.Datetime.now()
        old, recent, running = self.Job.create(
            [
                {"kind": "fetch_employees", "integration_id": self.integration.id, "state": "done"},
                {"kind": "fetch_employees", "integration_id": self.integration.id, "state": "failed"},
                {"kind": "sync_employees", "integration_id": self.integration.id, "state": "running"},
            ]
        )
        old.date_end = now - datetime.timedelta(days=11)
        recent.date_end = now - datetime.timedelta(days=9)
        running.date_start = now - datetime.timedelta(days=30)
        self.Job._gc_loket_jobs()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.assertTrue(running.exists())
        self.assertEqual(self.integration.loket_job_count, 2)
        action = self.integration.action_open_loket_jobs()
        self.assertEqual(self.Job.search(action["domain"]), recent | running)

    def test_the_setting_sets_the_days_kept(self):
        settings = self.env["res.config.settings"].create({"loket_job_keep_days": 7})
        settings.execute()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("loket_integration.job_keep_days"), "7")

    def test_a_loket_user_reads_runs_of_their_company_only(self):
        self._fetch_inline()
        user = new_test_user(self.env, "loket_jobs_user", groups="loket_integration.group_loket_user,base.group_user")
        other = self.env["res.company"].create({"name": "Andere B.V."})
        elsewhere = self.env["loket.integration"].create({"name": "Andere", "company_id": other.id})
        self.Job.create({"kind": "sync_employees", "integration_id": elsewhere.id})
        visible = self.Job.with_user(user).search([])
        self.assertEqual(visible.integration_id, self.integration)
        self.assertFalse(self.Job.with_user(user).has_access("write"))
