"""What a person is told after Fetch employees and Add: what was fetched or added, and a
Loket employees list that shows the rows (not the empty page of the "To decide" filter)
with an empty-state text that says why it is empty."""

from odoo.tests import new_test_user, tagged

from .common import LoketCase

ORIGINAL_HELP = "<p>No Loket employees yet</p>"


@tagged("post_install", "-at_install")
class TestEmployeeFeedback(LoketCase):
    n_employees = 6

    def setUp(self):
        super().setUp()
        self._connect()
        self.manager = new_test_user(
            self.env, "loket_feedback", groups="loket_integration.group_loket_manager,base.group_user"
        )
        self.integration = self.integration.with_user(self.manager)

    def _rows(self):
        return self.integration.loket_employee_ids.sorted("employee_number")

    def _next_list(self, action):
        """The list a notification's next action opens, run as the web client runs it
        (a server action, as the person who clicked)."""
        following = action["params"]["next"]
        self.assertEqual(following["type"], "ir.actions.server")
        server = self.env["ir.actions.server"].with_user(self.manager).browse(following["id"])
        return server.with_context(**following["context"]).run()

    def _help(self):
        return str(self.env["loket.employee"].with_user(self.manager).get_empty_list_help(ORIGINAL_HELP))

    def test_fetch_says_what_it_found_and_lists_the_rows_to_decide(self):
        action = self.integration.action_fetch_employees()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["message"], "6 Loket employee(s) fetched: 6 new, 6 to decide.")
        listed = self._next_list(action)
        self.assertEqual(
            (listed["res_model"], listed["domain"]), ("loket.employee", [("integration_id", "=", self.integration.id)])
        )
        self.assertEqual(listed["context"].get("search_default_to_decide"), 1)

    def test_adding_all_says_how_many_and_shows_them_added(self):
        self.integration.action_fetch_employees()
        action = self._rows().action_add()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["message"], "6 Loket employee(s) added to Odoo.")
        self.assertEqual(action["params"]["type"], "success")
        # Nothing is left to decide: the list of all the integration's rows, not an empty filter.
        listed = self._next_list(action)
        self.assertEqual(listed["res_model"], "loket.employee")
        self.assertNotIn("search_default_to_decide", listed["context"])
        self.assertIn("Nothing to decide", listed["help"])
        self.assertEqual(set(self._rows().mapped("status")), {"added"})

    def test_adding_some_stays_on_the_rows_left_to_decide(self):
        self.integration.action_fetch_employees()
        action = self._rows()[:2].action_add()
        self.assertEqual(action["params"]["message"], "2 Loket employee(s) added to Odoo.")
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.client", "tag": "soft_reload"})

    def test_mapping_is_counted_apart(self):
        self.integration.action_fetch_employees()
        first, second = self._rows()[:2]
        existing = self.env["hr.employee"].create({"name": "Al in Odoo"})
        second.write({"decision": "map", "employee_id": existing.id})
        first.write({"decision": "add"})
        action = (first | second).action_apply()
        self.assertEqual(
            action["params"]["message"], "1 Loket employee(s) added to Odoo, 1 mapped to existing employees."
        )

    def test_fetching_again_after_everything_is_decided_opens_all_rows(self):
        self.integration.action_fetch_employees()
        self._rows().action_add()
        action = self.integration.action_fetch_employees()
        self.assertEqual(action["params"]["message"], "6 Loket employee(s) fetched: 0 new, 0 to decide.")
        listed = self._next_list(action)
        self.assertNotIn("search_default_to_decide", listed["context"])
        self.assertIn("Nothing to decide", listed["help"])

    def test_the_empty_list_says_why_it_is_empty(self):
        self.assertEqual(self._help(), ORIGINAL_HELP)  # no rows at all: fetch them first
        self.integration.action_fetch_employees()
        self.assertIn("No Loket employee matches these filters", self._help())
        self._rows().action_add()
        self.assertIn("Nothing to decide", self._help())
        self.assertIn("All 6 Loket employees are added, mapped or not imported", self._help())
