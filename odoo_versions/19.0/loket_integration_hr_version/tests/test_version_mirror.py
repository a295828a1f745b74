"""Loket's employments mirrored as the employees' versions (``hr.version``), on Odoo 19.0."""

import datetime

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from odoo.addons.loket_integration.tests.common import LoketCase
from odoo.addons.loket_integration.tests.test_employments import ConnectedEmploymentsMixin


@tagged("post_install", "-at_install")
class TestVersionMirror(ConnectedEmploymentsMixin, LoketCase):
    n_employees = 4

    def _version(self, binding):
        self.assertEqual(binding.mirror_model, "hr.version", binding.note)
        return self.env["hr.version"].browse(binding.mirror_res_id)

    def _contract_dates(self, version):
        return (version.contract_date_start, version.contract_date_end or None)

    def test_each_employment_is_a_version_with_its_contract_dates(self):
        self._set_employments(1, (101, "2015-01-01", "2019-12-31"), (102, "2021-03-01", None))
        employee = self._add(1).employee_id
        bindings = self._bindings(employee)
        first, second = self._version(bindings[101]), self._version(bindings[102])
        self.assertEqual(self._contract_dates(first), (datetime.date(2015, 1, 1), datetime.date(2019, 12, 31)))
        self.assertEqual(self._contract_dates(second), (datetime.date(2021, 3, 1), None))
        self.assertEqual(first.date_version, first.contract_date_start)
        self.assertEqual(second.date_version, second.contract_date_start)
        for binding, version in ((bindings[101], first), (bindings[102], second)):
            self.assertEqual(version.employee_id, employee)
            self.assertEqual((version.department_id, version.job_id), (binding.department_id, binding.job_id))
            self.assertEqual(binding.mirror_display, f"{version._description}: {version.display_name}")
            self.assertFalse(binding.note)
        # The running employment is the employee's current version, in contract; the new
        # employee's first version (made with him, without a contract) became the first one.
        self.assertEqual(employee.version_ids, first | second)
        self.assertEqual(employee.current_version_id, second)
        self.assertTrue(employee.is_in_contract)

    def test_an_ended_employment_ends_its_contract(self):
        self._set_employments(2, (201, "2018-01-01", None))
        employee = self._add(2).employee_id
        version = self._version(self._bindings(employee)[201])
        self.assertTrue(employee.is_in_contract)
        self._set_employments(2, (201, "2018-01-01", str(self._days(-10))))
        self.integration._loket_sync_employees()
        self.assertEqual(version.contract_date_end, self._days(-10))
        self.assertFalse(version.is_in_contract)
        self.assertFalse(employee.with_context(active_test=False).is_in_contract)

    def test_a_future_employment_starts_on_its_date(self):
        start = self._days(30)
        self._set_employments(3, (301, str(start), None))
        employee = self._add(3).employee_id
        version = self._version(self._bindings(employee)[301])
        self.assertEqual((version.date_version, version.contract_date_start), (start, start))
        self.assertNotEqual(employee.current_version_id, version)  # not yet
        self.assertFalse(employee.is_in_contract)
        with freeze_time(self._days(31)):
            self.env["hr.employee"]._cron_update_current_version_id()
            self.assertEqual(employee.current_version_id, version)
        # (is_in_contract asks _is_in_contract with a default day fixed when Odoo was loaded)
        self.assertTrue(version._is_in_contract(self._days(31)))

    def test_two_employments_at_once_one_contract_and_a_note(self):
        self._set_employments(1, (101, "2015-01-01", "2025-12-31"), (102, "2015-07-01", None))
        employee = self._add(1).employee_id
        bindings = self._bindings(employee)
        running = self._version(bindings[102])  # running today: the contract
        self.assertEqual(self._contract_dates(running), (datetime.date(2015, 7, 1), None))
        self.assertFalse(bindings[101].mirror_res_id)  # Odoo's rule: no second contract over those days
        self.assertIn("Runs alongside employment", bindings[101].note)
        self.assertIn(bindings[102].display_name, bindings[101].note)
        self.assertFalse(bindings[102].note)
        self.assertEqual(bindings[101].date_end, datetime.date(2025, 12, 31))  # the binding keeps Loket's side
        # The first one turns out to end before the second: its own contract, no note.
        self._set_employments(1, (101, "2015-01-01", "2015-06-30"), (102, "2015-07-01", None))
        self.integration._loket_sync_employees()
        first = self._version(bindings[101])
        self.assertEqual(self._contract_dates(first), (datetime.date(2015, 1, 1), datetime.date(2015, 6, 30)))
        self.assertFalse(bindings[101].note)
        self.assertEqual(employee.current_version_id, running)
        # And overlapping again: out of the contract again, its version archived.
        self._set_employments(1, (101, "2015-01-01", "2016-06-30"), (102, "2015-07-01", None))
        self.integration._loket_sync_employees()
        self.assertFalse(first.active)
        self.assertFalse(bindings[101].mirror_res_id)
        self.assertIn("Runs alongside employment", bindings[101].note)

    def test_a_contract_that_is_not_loket_s_keeps_its_dates(self):
        self._set_employments(4, (401, "2015-01-01", "2019-12-31"))
        employee = self._add(4).employee_id
        own = employee.create_version(
            {"date_version": "2020-01-01", "contract_date_start": "2020-01-01", "contract_date_end": False}
        )
        self._set_employments(4, (401, "2015-01-01", "2019-12-31"), (402, "2021-01-01", None))
        self.integration._loket_sync_employees()
        bindings = self._bindings(employee)
        self.assertEqual(self._contract_dates(own), (datetime.date(2020, 1, 1), None))
        self.assertFalse(bindings[402].mirror_res_id)
        self.assertIn("Runs alongside", bindings[402].note)
        self.assertTrue(self._version(bindings[401]).active)

    def test_a_version_hr_archived_is_left_alone_and_its_employment_left_out(self):
        self._set_employments(2, (201, "2015-01-01", "2019-12-31"), (202, "2021-01-01", None))
        employee = self._add(2).employee_id
        bindings = self._bindings(employee)
        cancelled = self._version(bindings[201])
        cancelled.active = False  # HR's cancelling on 19.0
        self.integration._loket_follow_dates()  # the daily run: every binding again
        self.assertFalse(cancelled.active)
        self.assertFalse(bindings[201].active)
        self.assertTrue(bindings[202].active)

    def test_private_data_lives_on_every_version_and_stays_private(self):
        start = self._days(30)
        self._set_employments(1, (101, "2015-01-01", str(self._days(29))), (102, str(start), None))
        employee = self._add(1).employee_id
        bindings = self._bindings(employee)
        street = employee.private_street
        self.assertTrue(street)
        self.assertEqual(self._version(bindings[102]).private_street, street)  # copied into the future one
        # A Loket user (no HR officer) reads neither the versions' private fields nor his binding's data.
        groups = "base.group_user,loket_integration.group_loket_user"
        user = new_test_user(self.env, "version_loket_user", groups=groups)
        self.assertNotIn("private_street", self.env["hr.version"].with_user(user).fields_get())
        self.assertNotIn("data", self.env["loket.employment"].with_user(user).fields_get())

    def test_a_loket_administrator_adds_employees_with_their_versions(self):
        groups = "base.group_user,loket_integration.group_loket_manager"
        admin = new_test_user(self.env, "version_loket_admin", groups=groups)
        self.assertTrue(admin.has_group("hr.group_hr_manager"))  # the contract dates are HR administrator fields
        integration = self.integration.with_user(admin)
        integration.action_fetch_employees()
        integration.loket_employee_ids.filtered(lambda r: r.employee_number == 2).action_add()
        employee = self.integration.loket_employee_ids.filtered(lambda r: r.employee_number == 2).employee_id
        versions = self._employments(employee).mapped(self._version)
        self.assertTrue(versions)
        self.assertEqual(versions.create_uid, admin)

    def test_the_groups_have_19_s_privilege_and_users(self):
        manager = self.env.ref("loket_integration.group_loket_manager")
        user = self.env.ref("loket_integration.group_loket_user")
        privilege = self.env.ref("loket_integration_hr_version.res_groups_privilege_loket")
        self.assertEqual((manager.privilege_id, user.privilege_id), (privilege, privilege))
        self.assertEqual(privilege.category_id, self.env.ref("loket_integration.module_category_loket"))
        self.assertIn(self.env.ref("base.user_admin"), manager.user_ids)
        self.assertIn(self.env.ref("hr.group_hr_manager"), manager.implied_ids)
        action = self.env.ref("loket_integration.action_server_loket_employee_list")
        self.assertEqual(action.group_ids, user)
