"""The contract as a mirror of the Loket employment (``loket.employment``), on Odoo 18.0."""

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.loket_integration.tests.common import LoketCase
from odoo.addons.loket_integration.tests.test_employments import ConnectedEmploymentsMixin


@tagged("post_install", "-at_install")
class TestContractMirror(ConnectedEmploymentsMixin, LoketCase):
    n_employees = 4

    def _contract(self, binding):
        self.assertEqual(binding.mirror_model, "hr.contract")
        return self.env["hr.contract"].browse(binding.mirror_res_id)

    def test_each_binding_has_its_contract_and_the_concurrent_one_a_note(self):
        self._set_employments(1, (101, "2015-01-01", "2025-12-31"), (102, "2015-07-01", None))
        employee = self._add(1).employee_id
        bindings = self._bindings(employee)
        for binding in bindings.values():
            contract = self._contract(binding)
            self.assertEqual(contract.employee_id, employee)
            self.assertEqual((contract.date_start, contract.date_end), (binding.date_start, binding.date_end))
            self.assertEqual((contract.department_id, contract.job_id), (binding.department_id, binding.job_id))
            self.assertEqual(contract.loket_employment_binding_id, binding)
            self.assertEqual(binding.mirror_display, f"{contract._description}: {contract.display_name}")
        self.assertEqual(self._contract(bindings[101]).state, "draft")  # Odoo runs one contract at a time
        self.assertEqual(employee.contract_id, self._contract(bindings[102]))
        self.assertIn("Runs alongside employment 102", bindings[101].note)
        self.assertFalse(bindings[102].note)
        # The first one ends before the second: no overlap, no note.
        self._set_employments(1, (101, "2015-01-01", "2015-06-30"), (102, "2015-07-01", None))
        self.integration._loket_sync_employees()
        self.assertFalse(bindings[101].note)
        self.assertEqual(self._contract(bindings[101]).state, "close")

    def test_who_may_not_read_the_contract_sees_only_that_there_is_one(self):
        self._set_employments(2, (201, "2016-01-01", None))
        binding = self._bindings(self._add(2).employee_id)[201]
        reader = new_test_user(self.env, "loket_reader_no_contracts", groups="loket_integration.group_loket_user")
        contract = self._contract(binding)
        self.assertFalse(contract.with_user(reader).has_access("read"))
        self.assertEqual(binding.with_user(reader).mirror_display, contract._description)  # the kind, no name

    def test_an_ended_employment_closes_its_contract(self):
        rows = self.integration.action_fetch_employees() and self.integration.loket_employee_ids
        rows.action_add()
        employment = self.fake.employments_of(2)[-1]
        employment["endDate"] = "2025-06-30"
        self.fake.version_numbers[employment["id"]] += 1
        self.integration._loket_sync_employees()
        binding = self.env["loket.employment"].search([("loket_id", "=", employment["id"])])
        contract = self._contract(binding)
        self.assertEqual(str(contract.date_end), "2025-06-30")
        self.assertEqual(contract.state, "close")

    def test_an_employment_without_payroll_number_names_its_contract_so(self):
        self.fake.employments_of(4)[0]["payrollId"] = None
        employee = self._add(4).employee_id
        contract = self._contract(self._employments(employee))
        self.assertIn("no payroll number", contract.name)
        self.assertEqual(contract.state, "open")

    def test_the_contract_shows_its_employment_by_payroll_number_and_employer(self):
        self.integration.loket_employer_name = "Bakkerij de Korenschoof"
        employee = self._add(3).employee_id
        binding = self._employments(employee)[:1]
        contract = self._contract(binding)
        # A contract administrator without Loket rights sees which employment it follows.
        hr = new_test_user(self.env, "mirror_hr", groups="base.group_user,hr_contract.group_hr_contract_manager")
        with self.assertRaises(AccessError):
            binding.with_user(hr).read(["payroll_number"])
        form = Form(contract.with_user(hr))
        self.assertEqual(form.loket_employment_binding_id.id, binding.id)
        shown = contract.with_user(hr).web_read({"loket_employment_binding_id": {"fields": {"display_name": {}}}})
        name = shown[0]["loket_employment_binding_id"]["display_name"]
        self.assertEqual(name, f"{binding.payroll_number} – Bakkerij de Korenschoof")
        arch = contract.with_user(hr).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("loket_id", arch)  # no raw UUID (issue 19 point 13)
        self.assertNotIn(binding.loket_id, name)
        self.assertEqual(form.loket_payroll, binding.payroll_number)
        for field_name in ("loket_employment_binding_id", "loket_payroll", "loket_shift"):
            with self.assertRaisesRegex(AssertionError, "readonly"):
                setattr(form, field_name, False)

    def test_a_contract_hr_cancelled_leaves_its_employment_out_of_the_export(self):
        employee = self._add(2).employee_id
        binding = self._employments(employee)[:1]
        self._contract(binding).state = "cancel"
        self.integration._loket_follow_dates()
        self.assertFalse(binding.active)
        self.assertEqual(self._contract(binding).state, "cancel")
        self.integration._loket_sync_employees(full=True)  # Loket's data comes again: still left alone
        self.assertFalse(binding.active)
        self.assertEqual(self._contract(binding).state, "cancel")

    def test_a_binding_without_contract_gets_one_at_the_next_run(self):
        """Bindings made while no version part was installed: the daily run mirrors them."""
        employee = self._add(1).employee_id
        binding = self._employments(employee)[:1]
        self._contract(binding).unlink()
        self._write_employment(binding, mirror_model=False, mirror_res_id=False)
        self.integration._loket_follow_dates()
        contract = self._contract(binding)
        self.assertEqual(
            (contract.employee_id, contract.state), (employee, "open" if not binding.date_end else "close")
        )

    def test_contracts_are_found_by_their_employment(self):
        employee = self._add(2).employee_id
        binding = self._employments(employee)[:1]
        Contract = self.env["hr.contract"]
        self.assertEqual(Contract.search([("loket_employment_binding_id", "=", binding.id)]), self._contract(binding))
        own = Contract.create({"name": "Eigen", "employee_id": employee.id, "wage": 1, "date_start": "2000-01-01"})
        self.assertEqual(
            Contract.search([("employee_id", "=", employee.id), ("loket_employment_binding_id", "=", False)]), own
        )

    def test_the_loket_groups_on_odoo_18(self):
        manager = self.env.ref("loket_integration.group_loket_manager")
        user = self.env.ref("loket_integration.group_loket_user")
        category = self.env.ref("loket_integration.module_category_loket")
        self.assertEqual((manager.category_id, user.category_id), (category, category))
        self.assertIn(self.env.ref("hr_contract.group_hr_contract_manager"), manager.implied_ids)
        self.assertIn(self.env.ref("base.user_admin"), manager.users)
