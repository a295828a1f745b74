"""The payroll journal's screens: the integration form's tab, the mapping screen, the runs list."""

from lxml import etree

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import YEAR, JournalCase


@tagged("post_install", "-at_install")
class TestScreens(JournalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, groups):
            return new_test_user(
                cls.env, login, groups=groups, company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)]
            )

        cls.loket_admin = user("screens_loket", "base.group_user,loket_integration.group_loket_manager")
        cls.both = user(
            "screens_both", "base.group_user,loket_integration.group_loket_manager,account.group_account_manager"
        )
        cls.accountant = user("screens_acc", "base.group_user,account.group_account_user")
        cls.manager = user("screens_mgr", "base.group_user,account.group_account_manager")

    def _buttons(self, model, view_type, user):
        arch = self.env[model].with_user(user).get_views([(False, view_type)])["views"][view_type]["arch"]
        return {node.get("name") for node in etree.fromstring(arch).iter("button")}

    def test_the_integration_form_s_tab_is_for_accountants_only(self):
        self.fake.run_payroll(YEAR, 3)
        self._fetch()
        Form(self.integration.with_user(self.loket_admin))  # opens: the tab and its fields are not there
        self.assertNotIn("action_open_journal_settings", self._buttons("loket.integration", "form", self.loket_admin))
        form = Form(self.integration.with_user(self.both))
        self.assertEqual(form.journal_to_book_count, 1)
        self.assertEqual(form.journal_unmapped_count, 0)
        action = self.integration.with_user(self.both).action_open_journal_settings()
        self.assertEqual((action["res_model"], action["res_id"]), ("loket.journal.settings", self.settings.id))

    def test_the_mapping_screen_lets_a_manager_choose_accounts_and_analytic_accounts(self):
        self.fake.run_payroll(YEAR, 3)
        self._fetch()
        form = Form(self.settings.with_user(self.manager))
        form.date_choice = "booking_day"
        with form.account_ids.edit(0) as row:
            self.assertTrue(row.code)
            row.account_id = self.accounts["4150"]
        index = next(i for i, r in enumerate(self.settings.analytic_ids) if r.kind == "cost_unit")
        with form.analytic_ids.edit(index) as row:
            row.analytic_account_id = self.analytic["Buitendienst"]
        form.save()
        self.assertEqual(self.settings.date_choice, "booking_day")
        self.assertEqual(self.settings.account_ids[0].account_id, self.accounts["4150"])
        self.assertFalse(self.settings.account_ids[0].proposed)
        self.assertEqual(self.settings.analytic_ids[index].analytic_account_id, self.analytic["Buitendienst"])

    def test_the_runs_list_offers_booking_to_managers_and_reading_to_accountants(self):
        self.fake.run_payroll(YEAR, 3)
        self._fetch()
        for view_type in ("list", "form"):
            self.assertIn("action_book", self._buttons("loket.journal.run", view_type, self.manager))
            self.assertNotIn("action_book", self._buttons("loket.journal.run", view_type, self.accountant))
        runs = self.env["loket.journal.run"].with_user(self.accountant).search([])
        self.assertEqual(runs.mapped("state"), ["to_book"])
        self.assertTrue(
            runs.web_read({"display_name": {}, "total_debit": {}, "move_id": {"fields": {"display_name": {}}}})
        )
        action = self.settings.with_user(self.accountant).action_open_runs()
        self.assertEqual(self.env["loket.journal.run"].search(action["domain"]), self.settings.run_ids)

    def test_unmapped_accounts_block_booking_and_say_so_as_a_warning(self):
        arch = self.env["loket.journal.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        alert = etree.fromstring(arch).xpath("//div[contains(@class, 'alert')][.//field[@name='unmapped_count']]")
        self.assertEqual(len(alert), 1)
        classes = alert[0].get("class").split()
        self.assertTrue({"alert-warning", "alert-danger"} & set(classes), f"a blocking message, not {classes}")
        self.assertNotIn("alert-info", classes)

    def test_an_accountant_opens_the_payroll_journal_without_rights_on_the_integration(self):
        # As the web client opens the form: its display name (breadcrumbs) and fields.
        self.assertFalse(self.manager.has_group("loket_integration.group_loket_user"))
        for user in (self.manager, self.accountant):
            values = self.settings.with_user(user).web_read(
                {"display_name": {}, "integration_id": {"fields": {"display_name": {}}}}
            )
            self.assertEqual(values[0]["display_name"], self.integration.name)
            self.assertEqual(values[0]["integration_id"]["display_name"], self.integration.name)
