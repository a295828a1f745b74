"""Issue 19, point 2: the README's step 5 works as written — choosing the payroll
administration brings Loket's distribution units and payroll components with it, so the
cost center dropdown and the hour codes' component numbers work without a Fetch click."""

from odoo.tests import tagged

from .common import LoketCase


@tagged("post_install", "-at_install")
class TestConfigurationLists(LoketCase):
    n_employees = 2

    def test_choosing_the_administration_fetches_units_and_components(self):
        self._connect()  # the login, then the administration chosen
        self.assertTrue(self.integration.distribution_unit_ids, "the cost center dropdown would say 'No records'")
        self.assertTrue(self.integration.payroll_component_ids)
        # Component 1 on the worked hours code is accepted at once (README, step 5).
        self.integration.action_add_used_hour_codes()
        attendance = self.integration.hour_code_ids.filtered(
            lambda code: code.work_entry_type_id == self.integration.default_hour_code_id
        )
        attendance.component_number = "1"
        self.assertEqual(attendance.component_id.number, 1)

    def test_a_loket_fault_while_fetching_the_lists_keeps_the_choice_and_says_so(self):
        self.fake.fail("/providers/employers/{employerId}/distributionunits", status=500, times=10)
        self._connect()
        self.assertTrue(self.integration.loket_administration_id)  # the choice is kept
        self.assertFalse(self.integration.distribution_unit_ids)
        chatter = "\n".join(self.integration.message_ids.mapped("body"))
        self.assertIn("Fetch distribution units from Loket", chatter)

    def test_the_login_that_chooses_the_only_administration_fetches_the_lists(self):
        # The OAuth callback's path: the login lists one administration and chooses it.
        self.integration._loket_exchange_code(self.fake.issue_code(self.integration._loket_redirect_uri()))
        self.assertTrue(self.integration.administration_option_id)
        self.assertTrue(self.integration.distribution_unit_ids, "the cost center dropdown would say 'No records'")
        self.assertTrue(self.integration.payroll_component_ids)
