"""Odoo 18.0's contracts follow the Loket employments: one contract per employment, in the
state its dates give it today (moved here from loket_integration's tests: hr.contract only)."""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.loket_integration.tests.common import LoketCase
from odoo.addons.loket_integration.tests.test_employments import ConnectedEmploymentsMixin, LeaverScenariosMixin


class ContractsMixin(ConnectedEmploymentsMixin):
    """The employee's contracts, by the payroll number of the employment they mirror (0: not Loket's)."""

    def _contracts(self, employee):
        contracts = self.env["hr.contract"].search([("employee_id", "=", employee.id)])
        return {c.loket_payroll: c for c in contracts}

    def _states(self, employee):
        return {n: (c.state, c.kanban_state) for n, c in self._contracts(employee).items()}

    def _overlap_notes(self, employee, number):
        return employee.message_ids.filtered(
            lambda m: "runs alongside another" in (m.body or "") and f"payroll number {number} " in m.body
        )


RUNNING, EXPIRED, READY, DRAFT = ("open", "normal"), ("close", "normal"), ("draft", "done"), ("draft", "normal")


@tagged("post_install", "-at_install")
class TestContractStates(ContractsMixin, LoketCase):
    n_employees = 4

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


@tagged("post_install", "-at_install")
class TestLeaversContracts(ContractsMixin, LeaverScenariosMixin, LoketCase):
    """The neutral leaver scenarios (loket_integration's TestLeavers), Odoo 18.0's contracts after each."""

    def test_last_employment_ended_closes_the_contract_and_archives_the_employee(self):
        employee = self._last_employment_ended()
        self.assertEqual(self._states(employee), {11: EXPIRED, 12: EXPIRED})

    def test_archived_the_day_after_the_end_date(self):
        employee = self._ends_today()
        self.assertEqual(self._states(employee), {21: EXPIRED})

    def test_without_the_setting_the_employee_stays_active(self):
        employee = self._ended_without_the_setting()
        self.assertEqual(self._states(employee), {31: EXPIRED})

    def test_a_leaver_employed_again_is_active_again(self):
        employee = self._employed_again()
        self.assertEqual(self._states(employee), {11: EXPIRED, 13: READY})

    def test_an_employee_gone_from_loket_is_flagged_and_left_alone(self):
        self._gone_from_loket(self._states)
