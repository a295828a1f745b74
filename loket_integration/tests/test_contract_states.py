import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import LoketCase


class EmploymentsMixin:
    """Set an employee's employments in the fake Loket and follow the result in Odoo."""

    def _set_employments(self, number, *spans):
        """``spans``: ``(payroll number, start, end)`` with dates (or None); replaces the employee's
        employments in Loket (one organizational entity and working hours each)."""
        fake = self.fake
        template = fake.employments_of(number)[0]
        entity = next(r for r in fake.data["organizational_entities"] if r["employmentId"] == template["id"])
        hours = next(r for r in fake.data["working_hours"] if r["employmentId"] == template["id"])
        fake.data["employments"] = [e for e in fake.data["employments"] if e["employee"]["employeeNumber"] != number]
        ids = []
        for payroll, start, end in spans:
            employment_id = f"5e000000-0000-4000-8000-{number:06d}{payroll:06d}"
            ids.append(employment_id)
            fake.data["employments"].append(
                dict(
                    template,
                    id=employment_id,
                    payrollId=payroll,
                    startDate=start and str(start),
                    endDate=end and str(end),
                )
            )
            fake.data["organizational_entities"].append(dict(entity, employmentId=employment_id))
            fake.data["working_hours"].append(dict(hours, employmentId=employment_id))
            fake.version_numbers[employment_id] = fake.version_numbers.get(employment_id, 0) + 1
        return ids

    def _add(self, number):
        self.integration.action_fetch_employees()
        row = self.integration.loket_employee_ids.filtered(lambda r: r.employee_number == number)
        row.action_add()
        self.assertTrue(row.employee_id, row.sync_error)
        return row

    def _contracts(self, employee):
        contracts = self.env["hr.contract"].search([("employee_id", "=", employee.id)])
        return {c.loket_payroll_number: c for c in contracts}

    def _states(self, employee):
        return {n: (c.state, c.kanban_state) for n, c in self._contracts(employee).items()}

    def _overlap_notes(self, employee, number):
        return employee.message_ids.filtered(
            lambda m: "runs alongside another" in (m.body or "") and f"payroll number {number} " in m.body
        )


RUNNING, EXPIRED, READY, DRAFT = ("open", "normal"), ("close", "normal"), ("draft", "done"), ("draft", "normal")


@tagged("post_install", "-at_install")
class TestContractStates(EmploymentsMixin, LoketCase):
    n_employees = 4

    def setUp(self):
        super().setUp()
        self._connect()
        self.today = fields.Date.today()

    def _days(self, n):
        return self.today + datetime.timedelta(days=n)

    def test_the_employment_running_today_gets_the_contract_and_the_overlapping_one_is_draft(self):
        # The case: 2015-01-01 to 2025-12-31, overlapped by one since 2015-07-01, still running.
        self._set_employments(1, (101, "2015-01-01", "2025-12-31"), (102, "2015-07-01", None))
        employee = self._add(1).employee_id
        contracts = self._contracts(employee)
        self.assertEqual(self._states(employee), {101: DRAFT, 102: RUNNING})
        self.assertEqual(employee.contract_id, contracts[102])
        self.assertEqual(len(self._overlap_notes(employee, 101)), 1)
        self.assertFalse(self._overlap_notes(employee, 102))

    def test_without_overlap_ended_is_expired_running_is_running_future_is_ready(self):
        self._set_employments(
            2,
            (201, self._days(-900), self._days(-400)),
            (202, self._days(-399), self._days(30)),
            (203, self._days(31), None),
        )
        employee = self._add(2).employee_id
        self.assertEqual(self._states(employee), {201: EXPIRED, 202: RUNNING, 203: READY})
        self.assertEqual(employee.contract_id, self._contracts(employee)[202])
        self.assertFalse(employee.message_ids.filtered(lambda m: "runs alongside another" in (m.body or "")))
        # Odoo's own contract schedule then closes the running one and starts the ready one.
        with freeze_time(self._days(31)):
            self.env["hr.contract"].update_state()
            self.assertEqual(self._states(employee), {201: EXPIRED, 202: EXPIRED, 203: RUNNING})
            self.integration._loket_follow_dates()  # and the addon agrees
            self.assertEqual(self._states(employee), {201: EXPIRED, 202: EXPIRED, 203: RUNNING})
        self.assertEqual(employee.contract_id, self._contracts(employee)[203])

    def test_the_nightly_sync_moves_contracts_as_loket_dates_change(self):
        self._set_employments(3, (301, self._days(-700), None))
        employee = self._add(3).employee_id
        self.assertEqual(self._states(employee), {301: RUNNING})
        # Loket: the employment ended yesterday, a new one starts today.
        self._set_employments(3, (301, self._days(-700), self._days(-1)), (302, self.today, None))
        self.integration._loket_sync_employees()
        self.assertEqual(self._states(employee), {301: EXPIRED, 302: RUNNING})
        self.assertEqual(employee.contract_id, self._contracts(employee)[302])
        # Loket corrects it: the first runs another month, the second starts after it.
        self._set_employments(3, (301, self._days(-700), self._days(30)), (302, self._days(31), None))
        self.integration._loket_sync_employees()
        contracts = self._contracts(employee)
        self.assertEqual(self._states(employee), {301: RUNNING, 302: READY})
        self.assertEqual((contracts[301].date_end, contracts[302].date_start), (self._days(30), self._days(31)))
        self.assertEqual(employee.contract_id, contracts[301])
        # Loket: both run alongside from today on; the first started keeps the contract.
        self._set_employments(3, (301, self._days(-700), None), (302, self.today, None))
        self.integration._loket_sync_employees()
        self.assertEqual(self._states(employee), {301: RUNNING, 302: DRAFT})
        self.assertEqual(len(self._overlap_notes(employee, 302)), 1)
        self.assertTrue(employee.active)

    def test_when_the_chosen_employment_ends_the_overlapping_one_takes_over(self):
        self._set_employments(4, (401, self._days(-3650), self._days(10)), (402, self._days(-3400), None))
        employee = self._add(4).employee_id
        self.assertEqual(self._states(employee), {401: RUNNING, 402: DRAFT})
        requests = len(self.fake.requests)
        with freeze_time(self._days(10)):
            self.env["hr.contract"].update_state()  # Odoo's schedule closes 401 on its end date
            self.env["loket.integration"]._cron_follow_employment_dates()
            self.assertEqual(self._states(employee), {401: DRAFT, 402: RUNNING})
        self.assertEqual(employee.contract_id, self._contracts(employee)[402])
        self.assertEqual(len(self._overlap_notes(employee, 401)), 1)
        self.assertEqual(len(self.fake.requests), requests)  # following dates asks Loket nothing

    def test_a_contract_that_is_not_loket_s_keeps_its_dates(self):
        employee = self.env["hr.employee"].create({"name": "Eigen Contract"})
        own = self.env["hr.contract"].create(
            {"name": "Odoo", "employee_id": employee.id, "date_start": self._days(-100), "wage": 1, "state": "open"}
        )
        self._set_employments(1, (111, self._days(-50), None), (112, self._days(-900), self._days(-200)))
        self.integration.action_fetch_employees()
        row = self.integration.loket_employee_ids.filtered(lambda r: r.employee_number == 1)
        row.write({"decision": "map", "employee_id": employee.id})
        row.action_apply()
        self.integration._loket_sync_employees()
        self.assertEqual(own.state, "open")
        self.assertEqual(self._states(employee), {0: RUNNING, 111: DRAFT, 112: EXPIRED})
