"""Loket's employments in the addon's own model (``loket.employment``): what the sync, Add and
the daily date run make of them, whatever Odoo's contracts are (the version part's mirror), and
leavers."""

import datetime

import psycopg2
from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

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

    def _bindings(self, employee):
        """``{payroll number: loket.employment}`` of the employee."""
        return {e.payroll_number: e for e in self._employments(employee)}

    def _dates(self, employee):
        return {n: (e.date_start, e.date_end) for n, e in self._bindings(employee).items()}


class ConnectedEmploymentsMixin(EmploymentsMixin):
    """The same, the integration connected to the fake Loket; ``_days(n)``: today plus n days."""

    def setUp(self):
        super().setUp()
        self._connect()
        self.today = fields.Date.today()

    def _days(self, n):
        return self.today + datetime.timedelta(days=n)


@tagged("post_install", "-at_install")
class TestEmployments(ConnectedEmploymentsMixin, LoketCase):
    n_employees = 3

    def test_each_loket_employment_is_bound_with_what_loket_says(self):
        ids = self._set_employments(1, (101, "2015-01-01", "2025-12-31"), (102, "2015-07-01", None))
        row = self._add(1)
        employee = row.employee_id
        bindings = self._bindings(employee)
        self.assertEqual(sorted(bindings), [101, 102])
        first = bindings[101]
        loket = self.fake.employments_of(1)[0]
        entity = next(r for r in self.fake.data["organizational_entities"] if r["employmentId"] == ids[0])
        hours = next(r for r in self.fake.data["working_hours"] if r["employmentId"] == ids[0])["workingHours"]
        self.assertEqual(first.loket_id, ids[0])
        self.assertEqual((first.integration_id, first.company_id), (self.integration, self.integration.company_id))
        self.assertEqual((first.loket_employee_id, first.employee_id), (row, employee))
        self.assertEqual((str(first.date_start), str(first.date_end)), ("2015-01-01", "2025-12-31"))
        self.assertEqual(first.department_id.name, entity["organizationalEntity"]["department"]["description"])
        self.assertEqual(first.hours_per_week, hours["averageHoursPerWeek"])
        self.assertEqual(first.shift_number, hours["shift"]["shiftNumber"])
        self.assertTrue(first.job_id)
        self.assertEqual(first.data["employment"]["id"], ids[0])
        self.assertEqual(loket["employee"]["id"], employee.loket_employee_id)
        # Two employments at once (Loket allows it): both are bound, whatever Odoo keeps of them.
        self.assertFalse(bindings[102].date_end)

    def test_the_sync_moves_the_bindings_with_loket_and_creates_nothing_twice(self):
        self._set_employments(2, (201, self._days(-700), None))
        employee = self._add(2).employee_id
        self._set_employments(2, (201, self._days(-700), self._days(-1)), (202, self.today, None))
        self.integration._loket_sync_employees()
        self.assertEqual(self._dates(employee), {201: (self._days(-700), self._days(-1)), 202: (self.today, False)})
        self.integration._loket_sync_employees(full=True)
        self.assertEqual(len(self._employments(employee)), 2)
        # Loket gives the employment another payroll number: the same binding follows.
        binding = self._bindings(employee)[202]
        self.fake.employments_of(2)[-1]["payrollId"] = 203
        self.fake.version_numbers[binding.loket_id] += 1
        self.integration._loket_sync_employees()
        self.assertEqual(binding.payroll_number, 203)
        self.assertEqual(len(self._employments(employee)), 2)

    def test_a_loket_employment_is_bound_once_per_integration(self):
        employee = self._add(3).employee_id
        binding = self._employments(employee)[:1]
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self._create_employment(employee, loket_id=binding.loket_id, payroll_number=1)

    def test_users_read_the_bindings_and_only_the_addon_writes_them(self):
        employee = self._add(1).employee_id
        binding = self._employments(employee)[:1]
        user = new_test_user(self.env, "emp_user", groups="base.group_user,loket_integration.group_loket_user")
        manager = new_test_user(self.env, "emp_mgr", groups="base.group_user,loket_integration.group_loket_manager")
        plain = new_test_user(self.env, "emp_plain", groups="base.group_user")
        self.assertEqual(binding.with_user(user).payroll_number, binding.payroll_number)
        # What Loket last said: for those who may read Loket's employee data only.
        binding.invalidate_recordset()
        self.assertTrue(binding.with_user(manager).data)
        self.assertNotIn("data", binding.with_user(user).fields_get())
        with self.assertRaises(AccessError):
            binding.with_user(user).read(["data"])
        with self.assertRaises(AccessError):
            binding.with_user(plain).read(["payroll_number"])
        for who in (user, manager):
            with self.subTest(user=who.login), self.assertRaises(AccessError):
                binding.with_user(who).write({"payroll_number": 4711})
        with self.assertRaises(AccessError):
            binding.with_user(user).unlink()
        # The view offers nothing to edit.
        arch = etree.fromstring(self.env["loket.employment"].get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertEqual((arch.get("create"), arch.get("edit")), ("0", "0"))
        binding.with_user(manager).unlink()
        self.assertFalse(binding.exists())

    def test_another_company_does_not_see_the_bindings(self):
        employee = self._add(2).employee_id
        company_b = self.env["res.company"].create({"name": "Andere B.V."})
        other = new_test_user(
            self.env,
            "emp_other",
            groups="base.group_user,loket_integration.group_loket_manager",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        self.assertTrue(self._employments(employee))
        self.assertFalse(self.env["loket.employment"].with_user(other).search([("employee_id", "=", employee.id)]))

    def test_the_filter_of_running_employments(self):
        self._set_employments(1, (11, self._days(-800), self._days(-400)), (12, self._days(-300), None))
        employee = self._add(1).employee_id
        arch = self.env["loket.employment"].get_views([(False, "search")])["views"]["search"]["arch"]
        node = etree.fromstring(arch).find(".//filter[@name='running']")
        domain = safe_eval(node.get("domain"), {"context_today": datetime.date.today})
        running = self.env["loket.employment"].search([*domain, ("employee_id", "=", employee.id)])
        self.assertEqual(running.mapped("payroll_number"), [12])


class LeaverScenariosMixin(ConnectedEmploymentsMixin):
    """Leavers in Loket and what becomes of their Odoo employees, whatever Odoo's contracts are:
    each scenario checks the employee and returns it; each version's part checks its own
    contracts after the same scenario (test methods are not inherited across addons here)."""

    n_employees = 3

    def setUp(self):
        super().setUp()
        self.reason = self.env.ref("loket_integration.departure_reason_loket_ended")

    def _archive_notes(self, employee):
        return employee.message_ids.filtered(lambda m: "the employee is archived" in (m.body or ""))

    def _last_employment_ended(self):
        """Two employments, the last ends in Loket: archived once, still bound."""
        self._set_employments(1, (11, self._days(-800), self._days(-400)), (12, self._days(-300), None))
        employee = self._add(1).employee_id
        self.assertTrue(employee.active)
        self._set_employments(1, (11, self._days(-800), self._days(-400)), (12, self._days(-300), self._days(-5)))
        self.integration._loket_sync_employees()
        self.assertFalse(employee.active)
        self.assertEqual(employee.departure_date, self._days(-5))
        self.assertEqual(employee.departure_reason_id, self.reason)
        self.assertEqual(len(self._archive_notes(employee)), 1)
        row = self.integration.loket_employee_ids.filtered(lambda r: r.employee_number == 1)
        self.assertEqual(row.status, "added")  # still bound
        self.integration._loket_sync_employees(full=True)  # nothing more happens
        self.integration._loket_follow_dates()
        self.assertEqual(len(self._archive_notes(employee)), 1)
        return employee

    def _ends_today(self):
        """An employment ending today: active on his last day, archived the day after."""
        self._set_employments(2, (21, self._days(-300), self.today))
        employee = self._add(2).employee_id
        self.assertTrue(employee.active)  # its end date is reached, but it is his last day
        with freeze_time(self._days(1)):
            self.env["loket.integration"]._cron_follow_employment_dates()
        self.assertFalse(employee.active)
        self.assertEqual(employee.departure_date, self.today)
        return employee

    def _ended_without_the_setting(self):
        self.integration.archive_leavers = False
        self._set_employments(3, (31, self._days(-300), None))
        employee = self._add(3).employee_id
        self._set_employments(3, (31, self._days(-300), self._days(-1)))
        self.integration._loket_sync_employees()
        self.assertTrue(employee.active)
        self.assertFalse(employee.departure_reason_id)
        self.assertFalse(self._archive_notes(employee))
        return employee

    def _employed_again(self):
        """A leaver (archived when added) gets a new employment; one archived by hand stays so."""
        self._set_employments(1, (11, self._days(-800), self._days(-10)))
        employee = self._add(1).employee_id
        self.assertFalse(employee.active)  # added as a leaver: archived at once
        self._set_employments(1, (11, self._days(-800), self._days(-10)), (13, self._days(20), None))
        self.integration._loket_sync_employees()
        self.assertTrue(employee.active)
        self.assertFalse(employee.departure_reason_id)
        other = self._add(2).employee_id
        other.with_context(no_wizard=True).action_archive()
        self.integration._loket_follow_dates()
        self.assertFalse(other.active)
        return employee

    def _gone_from_loket(self, odoo_side, while_gone=None):
        """An employee Loket no longer lists: flagged, active, ``odoo_side(employee)`` unchanged by
        the sync and the daily pass (``while_gone(row)`` then); back in Loket, no longer flagged."""
        employee = self._add(2).employee_id
        rows = self.integration.loket_employee_ids
        row = rows.filtered(lambda r: r.employee_number == 2)
        gone = self.fake.employee(2)
        before = odoo_side(employee)
        self.fake.data["employees"].remove(gone)
        self.fake.data["employments"] = [e for e in self.fake.data["employments"] if e["employee"]["id"] != gone["id"]]
        self.integration._loket_sync_employees(full=True)
        self.assertTrue(row.exists())
        self.assertTrue(row.missing_in_loket)
        self.assertEqual((rows - row).mapped("missing_in_loket"), [False, False])
        self.assertTrue(employee.active)
        self.assertEqual(employee.loket_employee_id, row.loket_id)
        self.assertEqual(odoo_side(employee), before)
        with freeze_time(self._days(3650)):  # whatever happens to its dates, the daily pass leaves it alone
            self.integration._loket_follow_dates()
        self.assertEqual(odoo_side(employee), before)
        self.assertTrue(employee.active)
        if while_gone:
            while_gone(row)
        self.fake.data["employees"].append(gone)
        self.integration.action_fetch_employees()
        self.assertFalse(row.missing_in_loket)


@tagged("post_install", "-at_install")
class TestLeavers(LeaverScenariosMixin, LoketCase):
    def test_the_departure_reason_and_the_setting(self):
        self.assertEqual(self.reason.name, "Loket: employment ended")
        self.assertTrue(self.env["loket.integration"].create({"name": "Nieuw"}).archive_leavers)  # on by default
        arch = self.integration.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="archive_leavers"', arch)

    def test_last_employment_ended_archives_the_employee(self):
        employee = self._last_employment_ended()
        self.assertEqual(self._dates(employee)[12], (self._days(-300), self._days(-5)))

    def test_archived_the_day_after_the_end_date(self):
        self._ends_today()

    def test_without_the_setting_the_employee_stays_active(self):
        employee = self._ended_without_the_setting()
        self.assertEqual(self._dates(employee), {31: (self._days(-300), self._days(-1))})

    def test_a_leaver_employed_again_is_active_again(self):
        employee = self._employed_again()
        self.assertEqual(self._dates(employee), {11: (self._days(-800), self._days(-10)), 13: (self._days(20), False)})

    def test_an_employee_gone_from_loket_is_flagged_and_left_alone(self):
        def listed_as_gone(row):
            domain = [*self._filter_domain("missing_in_loket"), ("integration_id", "=", self.integration.id)]
            self.assertEqual(self.env["loket.employee"].search(domain), row)
            arch = self.env["loket.employee"].get_views([(False, "list")])["views"]["list"]["arch"]
            self.assertIn('decoration-warning="missing_in_loket"', arch)

        self._gone_from_loket(self._dates, listed_as_gone)

    def _filter_domain(self, name):
        arch = self.env["loket.employee"].get_views([(False, "search")])["views"]["search"]["arch"]
        node = etree.fromstring(arch).find(f".//filter[@name='{name}']")
        return safe_eval(node.get("domain"))
