import datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import new_test_user, tagged

from odoo.addons.loket_integration.loket import resources as R

from .common import YEAR, JournalCase


@tagged("post_install", "-at_install")
class TestNightlyBooking(JournalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            "loket_journal_reviewer",
            groups="base.group_user,account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.settings.write(
            {"auto_book": True, "book_from": datetime.date(YEAR, 2, 1), "reviewer_id": cls.accountant.id}
        )

    def _night(self):
        """One call of the scheduled action, as Odoo's cron worker makes it: on a cursor of its own
        (in test mode its commits are savepoints of the test's transaction); then the background
        runs it queued (one per new ready run), as the jobs' runner it woke does them."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["loket.journal.settings"]._cron_book_ready_runs()
        self.env.invalidate_all()
        self._run_loket_jobs()

    def _moves(self):
        return self.env["account.move"].search([("loket_journal_run_id", "in", self.settings.run_ids.ids)])

    def test_new_ready_runs_are_booked_with_an_activity_and_a_summary_and_never_twice(self):
        old = self.fake.run_payroll(YEAR, 1)  # before "Book runs from": booked before Odoo did it
        new = [self.fake.run_payroll(YEAR, month) for month in (2, 3)]
        self._night()
        runs = self.settings.run_ids
        by_loket = {run.loket_id: run for run in runs}
        self.assertEqual(by_loket[old["id"]].state, "to_book")
        self.assertEqual([by_loket[r["id"]].state for r in new], ["booked", "booked"])
        moves = self._moves()
        self.assertEqual(len(moves), 2)
        for move in moves:
            activity = move.activity_ids
            self.assertEqual(activity.user_id, self.accountant)
            self.assertIn("Review", activity.summary)
        self.assertEqual({r["id"] for r in new}, {p_run["id"] for p_run in self.fake.data["journal_runs"]
                                                   if p_run["journalRunStatus"]["key"] == 7})  # fmt: skip
        summaries = self.settings.message_ids[:2].mapped("body")  # one per run's background booking
        self.assertTrue(all("scheduled booking" in summary for summary in summaries))
        self.assertEqual(sum(summary.count("booked in") for summary in summaries), 2)
        self._night()
        self.assertEqual(self._moves(), moves, "nothing booked twice")

    def test_loket_down_fails_the_night_cleanly_and_the_next_night_catches_up(self):
        self.fake.run_payroll(YEAR, 3)
        self.fake.fail(R.JOURNAL_RUNS.path, status=503, times=5, headers={"Retry-After": "0"})
        self._night()
        self.assertFalse(self._moves())
        self.assertIn("503", self.settings.last_error)
        self.assertIn("Loket could not be asked", self.settings.message_ids[:1].body)
        self._night()
        self.assertEqual(len(self._moves()), 1)
        self.assertFalse(self.settings.last_error)

    def test_a_fault_on_one_run_keeps_what_was_booked_and_the_next_night_books_it(self):
        for month in (2, 3, 4):
            self.fake.run_payroll(YEAR, month)
        self._fetch()
        runs = self.settings.run_ids.sorted("sequence_number")
        name = "_providers_employers_payrolladministrations_journalruns_journalrunId_results"
        results = getattr(self.fake, name)

        def down_from_the_second_run(request, journalrunId):
            if journalrunId == runs[1].loket_id:
                return 200, {"Content-Type": "text/html"}, "<html>Gepland onderhoud</html>"
            return results(request, journalrunId)

        setattr(self.fake, name, down_from_the_second_run)
        self.addCleanup(vars(self.fake).pop, name, None)
        self._night()
        # Each run is booked by a background run of its own: the fault fails that one only.
        self.assertEqual(self._moves().loket_journal_run_id, runs[0] | runs[2], "the others are booked")
        self.assertEqual(runs[1].state, "to_book")
        self.assertIn("not JSON", runs[1].error)
        said = self.settings.message_ids.filtered(lambda message: runs[1].display_name in message.body)[:1]
        self.assertIn("not booked", said.body)
        vars(self.fake).pop(name)
        self._night()
        self.assertEqual(len(self._moves()), 3)

    def test_a_run_that_cannot_be_booked_is_reported_and_the_others_are_booked(self):
        self.fake.run_payroll(YEAR, 2)
        self.fake.run_payroll(YEAR, 3)
        self._fetch()
        second = self.settings.run_ids.sorted("sequence_number")[1]
        self.fake.unbalance_journal_run(second.loket_id, cents=1)
        self._night()
        self.assertEqual(len(self._moves()), 1)
        self.assertIn("does not balance", second.error)
        self.assertIn("not booked", self.settings.message_ids[:1].body)

    def test_an_integration_that_cannot_be_read_fails_its_night_only(self):
        self.fake.run_payroll(YEAR, 3)
        self.integration.write({"loket_administration_id": False})
        self._night()  # does not raise: the other integrations' bookings go on
        self.assertIn("payroll administration", self.settings.last_error)
        self.assertFalse(self._moves())
