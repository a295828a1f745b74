from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LoketCase


@tagged("post_install", "-at_install")
class TestEmployees(LoketCase):
    n_employees = 6

    def setUp(self):
        super().setUp()
        # Per test: the fake rotates refresh tokens, the test's rollback would not.
        self._connect()
        self.fake.reset_logs()

    def _fetch(self):
        self.integration.action_fetch_employees()
        return {r.employee_number: r for r in self.integration.loket_employee_ids}

    def test_fetch_uses_lists_not_one_request_per_employee(self):
        rows = self._fetch()
        self.assertEqual(len(rows), 6)
        self.assertEqual(set(rows.values()).pop().decision, "to_decide")
        paths = {path for _, path, _ in self.fake.requests}
        self.assertEqual(len(self.fake.requests), 4, paths)  # employees, employments, entities, working hours

    def test_add_creates_employee_and_contracts(self):
        rows = self._fetch()
        row = rows[1]
        loket = self.fake.employee(1)
        row.action_add()
        employee = row.employee_id
        self.assertTrue(employee)
        self.assertEqual(employee.loket_employee_number, 1)
        self.assertEqual(employee.private_city, loket["address"]["city"])
        self.assertEqual(employee.private_country_id.code, "NL")
        contracts = self.env["hr.contract"].search([("employee_id", "=", employee.id)])
        payroll_numbers = sorted(e["payrollId"] for e in self.fake.employments_of(1))
        self.assertEqual(sorted(contracts.mapped("loket_payroll_number")), payroll_numbers)
        self.assertTrue(all(c.department_id for c in contracts))
        row.action_apply()  # applying again creates nothing twice
        self.assertEqual(self.env["hr.employee"].search_count([("loket_employee_id", "=", row.loket_id)]), 1)

    def test_skip_is_remembered(self):
        rows = self._fetch()
        rows[2].action_skip()
        rows = self._fetch()
        self.assertEqual(rows[2].decision, "skip")
        self.assertFalse(self.env["hr.employee"].search([("loket_employee_id", "=", rows[2].loket_id)]))

    def test_map_to_existing_binds_and_keeps_work_email(self):
        loket = self.fake.employee(3)
        existing = self.env["hr.employee"].create(
            {"name": "Someone", "work_email": loket["contactInformation"]["businessEmailAddress"]}
        )
        rows = self._fetch()
        self.assertEqual(rows[3].suggested_employee_id, existing)  # same work e-mail
        existing.work_email = "own@odoo.example.nl"
        rows[3].write({"decision": "map", "employee_id": existing.id})
        rows[3].action_apply()
        self.assertEqual(existing.loket_employee_id, rows[3].loket_id)
        self.assertEqual(self.env["hr.employee"].search_count([("name", "=", rows[3].name)]), 0)
        self.fake.change_employee(3, **{"address.city": "Amersfoort"})
        self.integration._loket_sync_employees()
        self.assertEqual(existing.private_city, "Amersfoort")
        self.assertEqual(existing.work_email, "own@odoo.example.nl")
        self.assertTrue(existing.message_ids.filtered(lambda m: "city" in (m.body or "") and "Amersfoort" in m.body))

    def test_employee_number_unique_across_integrations(self):
        rows = self._fetch()
        rows[4].action_add()
        other = self.env["hr.employee"].create({"name": "Other"})
        with self.assertRaises(ValidationError) as err:
            other.loket_employee_number = 4
        self.assertIn(rows[4].employee_id.name, str(err.exception))

    def test_resync_after_crash_creates_no_duplicates_and_reports_new(self):
        rows = self._fetch()
        rows[5].action_add()
        self.integration._loket_sync_employees()
        self.integration._loket_sync_employees()
        self.assertEqual(self.env["hr.employee"].search_count([("loket_employee_id", "=", rows[5].loket_id)]), 1)
        contracts = self.env["hr.contract"].search([("employee_id", "=", rows[5].employee_id.id)])
        self.assertEqual(len(contracts), len(self.fake.employments_of(5)))

    def test_loket_returning_an_employee_twice_keeps_one_row(self):
        self.fake.data["employees"].append(self.fake.data["employees"][0])
        try:
            rows = self._fetch()
        finally:
            self.fake.data["employees"].pop()
        self.assertEqual(len(rows), 6)
        self.assertEqual(len(self.integration.loket_employee_ids), 6)
