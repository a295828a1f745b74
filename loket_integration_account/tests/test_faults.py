from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.loket_integration.loket import resources as R

from .common import YEAR, JournalCase


@tagged("post_install", "-at_install")
class TestLoketFaults(JournalCase):
    def test_rate_limit_while_reading_the_results_books_nothing(self):
        run, _loket_run = self._run(3)
        self.fake.fail(R.JOURNAL_RUN_RESULTS.path, status=429, times=5, headers={"Retry-After": "0"})
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("Loket", str(err.exception))
        self.assertFalse(run.move_id)
        run.action_book()  # Loket answers again
        self.assertTrue(run.move_id)

    def test_an_answer_that_is_not_json_is_an_error_not_an_empty_list(self):
        run, _loket_run = self._run(3)
        self.fake.fail_with_text(R.JOURNAL_RUNS.path, "<html><body>Gepland onderhoud</body></html>")
        with self.assertRaises(UserError) as err:
            self.settings.action_fetch_runs()
        self.assertIn("not JSON", str(err.exception))
        self.assertNotIn("onderhoud", str(err.exception), "no raw Loket page in the message")
        self.assertTrue(run.exists())

    def test_results_of_a_run_that_are_incomplete_are_not_booked(self):
        run, loket_run = self._run(3)
        rows = [
            dict(row, debetAmount=float(row["debetAmount"]), creditAmount=float(row["creditAmount"]))
            for row in self.fake.journal_results(loket_run["id"])
        ]
        self.fake.fail(
            R.JOURNAL_RUN_RESULTS.path,
            status=200,
            body={
                "totalSize": len(rows) + 1,
                "totalPages": 2,
                "currentPage": 1,
                "pageSize": len(rows),
                "_embedded": rows,
            },
        )
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("part of the journal run", str(err.exception))
        self.assertFalse(run.move_id)

    def test_a_line_loket_sent_that_cannot_be_booked_is_named(self):
        run, loket_run = self._run(3)
        self.fake.journal_results(loket_run["id"])[2]["generalLedgerAccount"] = None
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("line 3", str(err.exception))
        self.assertFalse(run.move_id)

    def test_a_bad_line_while_reading_the_runs_is_kept_on_its_run_and_the_others_are_read(self):
        bad = self.fake.run_payroll(YEAR, 3)
        good = self.fake.run_payroll(YEAR, 4)
        self.fake.journal_results(bad["id"])[0]["generalLedgerAccount"] = None
        self.settings.action_fetch_runs()
        runs = {run.loket_id: run for run in self.settings.run_ids}
        self.assertIn("line 1", runs[bad["id"]].error)
        self.assertFalse(runs[bad["id"]].summary_read)
        self.assertTrue(runs[good["id"]].summary_read)
        self.assertGreater(runs[good["id"]].total_debit, 0)
