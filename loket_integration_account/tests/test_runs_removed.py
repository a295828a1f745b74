from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import YEAR, JournalCase


@tagged("post_install", "-at_install")
class TestRemovedAndReplacedRuns(JournalCase):
    def test_a_run_loket_removed_after_booking_is_shown_and_its_draft_deleted_on_request(self):
        run, loket_run = self._run(3)
        run.action_book()
        move = run.move_id
        self.fake.remove_journal_run(loket_run["id"])
        self._fetch()
        self.assertEqual((run.loket_status, run.state), ("3", "undo"))
        self.assertTrue(run.removed_on)
        run.action_undo_booking()
        self.assertFalse(move.exists(), "the draft is deleted")
        self.assertEqual(run.state, "removed")
        self.assertIn("Draft entry deleted", run.warning)
        with self.assertRaises(UserError):
            run.action_book()

    def test_a_posted_entry_of_a_removed_run_is_reversed(self):
        self.settings.post_entries = True
        run, loket_run = self._run(4)
        run.action_book()
        move = run.move_id
        self.fake.remove_journal_run(loket_run["id"])
        self._fetch()
        run.action_undo_booking()
        self.assertEqual(run.state, "reversed")
        reversal = move.reversal_move_ids
        self.assertEqual(reversal.state, "posted")
        self.assertIn("Loket removed", reversal.ref)
        self.assertEqual(sum(reversal.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")))
        self.assertEqual(move.state, "posted", "the booking itself stays, reversed")
        with self.assertRaises(UserError):
            run.action_book()

    def test_a_run_journalized_again_replaces_the_old_one_which_is_undone_beside_the_new_booking(self):
        run, loket_run = self._run(5)
        run.action_book()
        newer = self.fake.journalize_again(loket_run["id"])
        self._fetch()
        new_run = self.settings.run_ids.filtered(lambda r: r.loket_id == newer["id"])
        self.assertEqual(run.replaced_by_id, new_run)
        self.assertEqual((run.state, new_run.state), ("undo", "to_book"))
        new_run.action_book()
        self.assertEqual(new_run.state, "booked")
        run.action_undo_booking()
        self.assertEqual(run.state, "replaced")
        self.assertEqual(
            self.env["account.move"].search_count([("loket_journal_run_id", "in", (run | new_run).ids)]), 1
        )

    def test_a_replaced_run_that_was_not_booked_is_refused(self):
        run, loket_run = self._run(6)
        self.fake.journalize_again(loket_run["id"])
        self._fetch()
        self.assertEqual(run.state, "replaced")
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("replaced", str(err.exception))

    def test_a_run_removed_since_it_was_read_is_not_booked(self):
        run, loket_run = self._run(7)
        self.fake.remove_journal_run(loket_run["id"])
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("Loket removed", str(err.exception))
        self.assertFalse(self.env["account.move"].search([("loket_journal_run_id", "=", run.id)]))

    def test_a_booking_loket_still_stands_behind_is_not_undone(self):
        run, _loket_run = self._run(8)
        run.action_book()
        with self.assertRaises(UserError):
            run.action_undo_booking()
        self.assertTrue(run.move_id)

    def test_a_correction_run_of_the_same_period_is_booked_beside_the_first(self):
        first, _loket_first = self._run(9)
        second_loket = self.fake.run_payroll(YEAR, 9)  # another payroll run of the period
        self._fetch()
        second = self.settings.run_ids.filtered(lambda r: r.loket_id == second_loket["id"])
        self.assertEqual((first.state, second.state), ("to_book", "to_book"))
        (first | second).action_book()
        self.assertEqual(len((first | second).move_id), 2)
