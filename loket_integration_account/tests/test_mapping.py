from odoo.tests import tagged

from odoo.addons.loket_integration.odoo_version import USER_GROUPS

from .common import CHART, YEAR, JournalCase


@tagged("post_install", "-at_install")
class TestMapping(JournalCase):
    def test_reading_runs_lists_loket_s_ledger_accounts_with_proposals_where_codes_match(self):
        self.fake.run_payroll(YEAR, 2)
        self._fetch()
        rows = {row.code: row for row in self.settings.account_ids}
        self.assertEqual(set(rows), set(CHART), "every ledger account of Loket's journal is listed once")
        for code, row in rows.items():
            self.assertEqual(row.account_id, self.accounts[code], code)
            self.assertTrue(row.proposed)
        self.assertEqual(rows["4000"].name, "Bruto lonen")

    def test_a_proposal_needs_exactly_one_account_and_never_replaces_a_choice(self):
        self.accounts["1650"].code = "165000"  # no account with Loket's code any more
        self.fake.run_payroll(YEAR, 2)
        self._fetch()
        rows = {row.code: row for row in self.settings.account_ids}
        self.assertFalse(rows["1650"].account_id)
        self.assertEqual(self.settings.unmapped_count, 1)
        rows["4000"].account_id = self.accounts["4100"]  # the user's choice
        self.assertFalse(rows["4000"].proposed)
        self.settings.action_propose_mappings()
        self.assertEqual(rows["4000"].account_id, self.accounts["4100"])

    def test_cost_centers_follow_the_integration_s_distribution_units_and_cost_units_their_code(self):
        self.integration.action_refresh_distribution_units()
        units = {unit.code: unit for unit in self.integration.distribution_unit_ids}
        sales = self.env["hr.department"].create({"name": "Buitendienst", "company_id": self.company.id})
        self.integration.cost_center_ids = [(0, 0, {"department_id": sales.id, "distribution_unit_id": units["30"].id})]
        self.analytic["Buitendienst"].name = "Buitendienst"  # the department's name: found through the mapping
        self.fake.run_payroll(YEAR, 2)
        self._fetch()
        rows = {(row.kind, row.code): row for row in self.settings.analytic_ids}
        self.assertEqual(rows[("cost_center", "10")].analytic_account_id, self.analytic["Kantoor Utrecht"])
        self.assertEqual(rows[("cost_center", "30")].analytic_account_id, self.analytic["Buitendienst"])
        self.assertEqual(rows[("cost_unit", "BRD")].analytic_account_id, self.bread)
        self.assertTrue(all(row.proposed for row in rows.values() if row.analytic_account_id))

    def test_loket_s_names_are_the_addon_s_a_user_only_chooses_the_odoo_side(self):
        from odoo.exceptions import AccessError

        self.fake.run_payroll(YEAR, 2)
        self._fetch()
        row = self.settings.account_ids[:1]
        manager = self.env["res.users"].create(
            {
                "name": "Boekhouder",
                "login": "boekhouder_mapping",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                USER_GROUPS: [
                    (6, 0, [self.env.ref("account.group_account_manager").id, self.env.ref("base.group_user").id])
                ],
            }
        )
        with self.assertRaises(AccessError):
            row.with_user(manager).write({"code": "9999"})
        row.with_user(manager).write({"account_id": self.accounts["4150"].id})
        self.assertEqual(row.account_id, self.accounts["4150"])
