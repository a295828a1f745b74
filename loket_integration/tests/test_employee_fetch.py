"""Fetching a large employer's employees in batches: a few of Loket's pages per batch, then
the lists joined and stored a chunk per batch; resumed after an interruption; nothing of
Loket's lists kept once the run ends."""

import math
from unittest.mock import patch

from odoo.tests import tagged

from ..loket.employee_bundles import join_bundles
from ..loket.employee_mapper import minimal_bundle
from .common import LoketCase

FETCH = "odoo.addons.loket_integration.models.loket_employee_fetch"
EMPLOYMENTS = "/providers/employers/{employerId}/employees/employments"


@tagged("post_install", "-at_install")
class TestEmployeeFetch(LoketCase):
    n_employees = 7

    def setUp(self):
        super().setUp()
        self._connect()
        self.fake.reset_logs()
        Integration = type(self.integration)
        original = Integration._loket_client

        def small_pages(integration, *args, **kwargs):
            client = original(integration, *args, **kwargs)
            client.page_size = 2
            return client

        for target in (
            patch.object(Integration, "_loket_client", small_pages),
            patch(f"{FETCH}.PAGES_PER_BATCH", 2),
            patch(f"{FETCH}.JOIN_CHUNK", 3),
        ):
            target.start()
            self.addCleanup(target.stop)

    def _items(self):
        return self.env["loket.fetch.item"].sudo().search_count([])

    def _expected_rows(self):
        """What Loket's four lists, read whole and joined at once, give each row."""
        client, employer = self.integration._loket_client(), self.integration.loket_employer_id
        bundles = join_bundles(
            client.employees(employer),
            client.employments(employer),
            {r["employmentId"]: r["organizationalEntity"] for r in client.actual_organizational_entities(employer)},
            {r["employmentId"]: r["workingHours"] for r in client.actual_working_hours(employer)},
            self.integration.loket_administration_id,
        )
        return {bundle["employee"]["id"]: minimal_bundle(bundle) for bundle in bundles}

    def _pages(self):
        employments = len(self.fake.data["employments"])
        return 3 * math.ceil(employments / 2) + math.ceil(self.n_employees / 2)

    def test_a_big_fetch_reads_a_few_pages_per_batch_then_joins_in_chunks(self):
        result = self.integration.action_fetch_employees()
        self.assertEqual(result["tag"], "display_notification")
        job = self.integration.loket_running_job_id
        self.assertEqual((job.kind, job.total_count), ("fetch_employees", 7))
        self.fake.reset_logs()
        requests, rows, items = [], [], []
        while job.state in ("queued", "running"):
            before = len(self.fake.requests)
            self._cron_process_jobs_once()
            requests.append(len(self.fake.requests) - before)
            if len(requests) == 1:  # no employee done yet: the screens say Loket is being read
                self.assertEqual(job.progress_text, "Fetching employees: reading Loket, 2 requests so far")
            rows.append(len(self.integration.loket_employee_ids))
            items.append(self._items())
        self.assertEqual(job.state, "done", job.error)
        self.assertLessEqual(max(requests), 2, "a batch reads at most PAGES_PER_BATCH pages")
        self.assertEqual(sum(requests), self._pages(), "each page read once")
        self.assertEqual(job.request_count, self._pages())
        reading = requests.index(0)  # the first batch without a request joins
        self.assertEqual(rows[:reading], [0] * reading, "no row before Loket's lists are all read")
        self.assertEqual(rows[reading:], [3, 6, 7], "then a chunk of employees per batch; a short one ends")
        self.assertGreater(max(items), 0)
        self.assertEqual(items[-1], 0, "the run keeps nothing of Loket's lists")
        self.assertEqual((job.done_count, job.fetched_count, job.new_count), (7, 7, 7))
        stored = {row.loket_id: row.data for row in self.integration.loket_employee_ids}
        self.assertEqual(stored, self._expected_rows(), "the same rows as the lists joined at once")

    def test_an_interrupted_fetch_goes_on_from_its_last_batch(self):
        self.integration.action_fetch_employees()
        job = self.integration.loket_running_job_id
        Integration = type(self.integration)
        original = Integration._loket_store_employees
        calls = []

        def killed_in_second_chunk(integration, bundles):
            calls.append(len(bundles))
            new_rows = original(integration, bundles)
            if len(calls) == 2:
                raise MemoryError("worker killed")
            return new_rows

        with patch.object(Integration, "_loket_store_employees", killed_in_second_chunk):
            for _call in range(100):
                try:
                    self._cron_process_jobs_once()
                except MemoryError:
                    break
        self.assertEqual((job.state, len(self.integration.loket_employee_ids)), ("running", 3), "chunk 2 undone")
        self.assertEqual(job.done_count, 3)
        self._run_loket_jobs()
        self.assertEqual((job.state, job.done_count, job.new_count), ("done", 7, 7))
        rows = self.integration.loket_employee_ids
        self.assertEqual(sorted(rows.mapped("employee_number")), list(range(1, 8)), "nothing twice, nothing skipped")
        self.assertEqual({row.loket_id: row.data for row in rows}, self._expected_rows())
        self.assertEqual(self._items(), 0)

    def test_a_failed_fetch_keeps_nothing_of_lokets_lists(self):
        self.integration.action_fetch_employees()
        job = self.integration.loket_running_job_id
        self._cron_process_jobs_once()  # the first pages are kept
        self.assertTrue(self._items())
        refusal = {"messages": [{"code": 1, "type": "Error", "description": "Stuk"}]}
        self.fake.fail(EMPLOYMENTS, status=400, body=refusal)
        self._run_loket_jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn("Stuk", job.error)
        self.assertEqual(self._items(), 0, "Loket's personal data does not outlive the run")
        self.assertFalse(self.integration.loket_employee_ids)

    def test_employees_gone_from_lokets_list_are_flagged_by_a_batched_fetch(self):
        self.integration.action_fetch_employees()
        self._run_loket_jobs()
        gone = self.fake.data["employees"].pop(0)
        self.integration.action_fetch_employees()
        self._run_loket_jobs()
        rows = self.integration.loket_employee_ids
        self.assertEqual(rows.filtered("missing_in_loket").mapped("loket_id"), [gone["id"]])
        self.fake.data["employees"].insert(0, gone)
        self.integration.action_fetch_employees()
        self._run_loket_jobs()
        self.assertFalse(rows.filtered("missing_in_loket"), "listed again: the flag goes")

    def test_a_sync_whose_fetch_fails_keeps_the_old_version_numbers(self):
        self.integration.action_fetch_employees()
        self._run_loket_jobs()
        rows = self.integration.loket_employee_ids.sorted("employee_number")
        rows.write({"decision": "add"})
        rows.action_apply()
        self._run_loket_jobs()
        self.integration._loket_sync_employees(full=True)
        known = dict(self.integration.employee_version_numbers)
        self.assertEqual(len(known), len(self.fake.data["employments"]))
        self.fake.change_employee(2, **{"address.city": "Zwolle"})
        refusal = {"messages": [{"code": 1, "type": "Error", "description": "Stuk"}]}
        self.fake.fail(EMPLOYMENTS, status=400, body=refusal)
        self.env["loket.integration"]._cron_sync_employees()  # the nightly sync, incremental
        job = self.integration.loket_running_job_id
        self._run_loket_jobs()
        self.assertEqual(job.state, "failed")
        self.assertEqual(self.integration.employee_version_numbers, known, "what was not read is not known")
        self.assertEqual(self._items(), 0)
        self.env["loket.integration"]._cron_sync_employees()  # the next night sees the change still
        self._run_loket_jobs()
        self.assertEqual(rows[1].employee_id.private_city, "Zwolle")
        self.assertNotEqual(self.integration.employee_version_numbers, known)
