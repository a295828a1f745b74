"""The counters of a run (loket.job) say what was done out of what total, the same way for
every kind: "Done" and "Total" count the same things (employees, rows, employers: the
run's unit), a finished run did its total, and the other counters are parts of it."""

from odoo.tests import tagged

from .common import LoketCase

COUNTERS = ("fetched_count", "added_count", "updated_count", "failed_count", "new_count")


@tagged("post_install", "-at_install")
class TestRunCounters(LoketCase):
    n_employees = 6

    def setUp(self):
        super().setUp()
        self._connect()
        self.Job = self.env["loket.job"]

    def _job(self, kind):
        return self.Job.search([("integration_id", "=", self.integration.id), ("kind", "=", kind)], limit=1)

    def assertFinishedCounts(self, job, total, **counters):
        """``job`` is done, with Done = Total = ``total`` and the given counters."""
        self.assertEqual(job.state, "done", job.error)
        self.assertEqual((job.done_count, job.total_count), (total, total), f"Done / Total of {job.kind}")
        self.assertEqual({name: job[name] for name in counters}, counters)
        for name in COUNTERS:
            self.assertLessEqual(job[name], job.total_count, f"{name} is a part of the total ({job.kind})")

    def _add_all(self):
        self.integration.action_fetch_employees()
        rows = self.integration.loket_employee_ids
        rows.write({"decision": "add"})
        rows.action_apply()
        return rows

    def test_a_fetch_counts_its_employees_out_of_those_loket_lists(self):
        self.integration.action_fetch_employees()
        self.assertFinishedCounts(self._job("fetch_employees"), 6, fetched_count=6, new_count=6)

    def test_a_fetch_asked_without_a_total_learns_it_from_loket(self):
        """The nightly path and a fetch of many employees start before Loket's count is known:
        the run's total is the employees Loket listed, not 0 ("Done 6 / Total 0")."""
        job = self.integration._loket_start_job("fetch_employees", inline=False)
        self._run_loket_jobs()
        self.assertFinishedCounts(job, 6, fetched_count=6, new_count=6)

    def test_an_apply_counts_its_rows(self):
        self._add_all()
        self.assertFinishedCounts(self._job("apply_decisions"), 6, added_count=6)

    def test_a_sync_counts_every_employee_it_went_through(self):
        """A sync reads all of Loket's employees and updates the bound ones that changed: it
        did its 6 employees, 2 of them updated ("Done 0 / Total 0 / Fetched 6" before)."""
        self._add_all()
        self.fake.change_employee(2, **{"address.city": "Delft"})
        self.fake.change_employee(3, **{"address.city": "Zwolle"})
        self.integration.action_sync_employees()
        self.assertFinishedCounts(self._job("sync_employees"), 6, fetched_count=6, updated_count=2)

    def test_a_sync_without_changes_still_did_its_employees(self):
        self._add_all()
        self.integration.action_sync_employees()
        self.assertFinishedCounts(self._job("sync_employees"), 6, fetched_count=6, updated_count=0)

    def test_a_sync_of_employees_not_in_odoo_counts_them(self):
        """Rows to decide are fetched by the sync, none bound: all done, none updated."""
        self.integration.action_fetch_employees()
        self.integration.action_sync_employees()
        self.assertFinishedCounts(self._job("sync_employees"), 6, fetched_count=6, updated_count=0)
