import contextlib
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

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

    def test_add_creates_employee_and_employments(self):
        rows = self._fetch()
        row = rows[1]
        loket = self.fake.employee(1)
        row.action_add()
        employee = row.employee_id
        self.assertTrue(employee)
        self.assertEqual(employee.loket_employee_number, 1)
        self.assertEqual(employee.private_city, loket["address"]["city"])
        self.assertEqual(employee.private_country_id.code, "NL")
        employments = self._employments(employee)
        payroll_numbers = sorted(e["payrollId"] for e in self.fake.employments_of(1))
        self.assertEqual(sorted(employments.mapped("payroll_number")), payroll_numbers)
        self.assertEqual(set(employments.mapped("loket_id")), {e["id"] for e in self.fake.employments_of(1)})
        self.assertTrue(all(e.department_id for e in employments))
        self.assertEqual(employments.loket_employee_id, row)
        self.assertEqual(employments.integration_id, self.integration)
        row.action_apply()  # applying again creates nothing twice
        self.assertEqual(self.env["hr.employee"].search_count([("loket_employee_id", "=", row.loket_id)]), 1)

    def test_a_form_s_default_keys_do_not_reach_what_add_creates(self):
        """A click carries its action's context: "Add Loket integration" opens the form with
        ``default_name`` (the company's name), and a ``default_*`` key names every record a
        create makes (employees, contracts, runs) unless the run leaves it behind."""
        rows = self._fetch()
        company = self.integration.company_id.name
        context = {"default_name": company, "default_state": "done", "default_active": False}
        rows[1].with_context(**context).action_add()
        employee = rows[1].employee_id
        self.assertNotEqual(employee.name, company)
        self.assertEqual(employee.name, rows[1].name)  # Loket's name, as listed
        self.assertTrue(employee.active)
        job = self.env["loket.job"].search([("integration_id", "=", self.integration.id)], order="id desc", limit=1)
        self.assertEqual((job.kind, job.state), ("apply_decisions", "done"))
        self.assertNotEqual(job.display_name, company)
        for employment in self._employments(employee):
            self.assertNotEqual(employment.display_name, company)

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
        self.assertEqual(len(self._employments(rows[5].employee_id)), len(self.fake.employments_of(5)))

    def test_loket_returning_an_employee_twice_keeps_one_row(self):
        self.fake.data["employees"].append(self.fake.data["employees"][0])
        rows = self._fetch()
        self.assertEqual(len(rows), 6)
        self.assertEqual(len(self.integration.loket_employee_ids), 6)

    def _add_all(self):
        rows = self._fetch()
        for row in rows.values():
            row.decision = "add"
        self.integration.loket_employee_ids.action_apply()
        return rows

    def test_incremental_sync_reads_only_version_numbers_when_nothing_changed(self):
        self._add_all()
        self.integration._loket_sync_employees(full=True)
        self.fake.reset_logs()
        self.integration._loket_sync_employees()
        self.assertEqual(len(self.fake.requests), 1)
        self.assertIn("lastmodifiedversionnumbers", self.fake.requests[0][1])
        self.assertEqual(self.integration.last_sync_summary, "No change in Loket")

    def test_an_ended_employment_gets_its_end_date(self):
        self._add_all()
        employment = self.fake.employments_of(2)[-1]
        employment["endDate"] = "2025-06-30"
        self.fake.version_numbers[employment["id"]] += 1
        self.integration._loket_sync_employees()
        binding = self.env["loket.employment"].search([("loket_id", "=", employment["id"])])
        self.assertEqual(str(binding.date_end), "2025-06-30")

    def test_one_employee_with_two_employments_gets_two_bindings(self):
        employee = self.fake.employee(6)
        first = self.fake.employments_of(6)[0]
        second = dict(
            first, id="9b0c5d3e-0000-4000-8000-000000000006", payrollId=777, startDate="2025-01-01", endDate=None
        )
        self.fake.data["employments"].append(second)
        self.fake.data["organizational_entities"].append(
            {
                "employmentId": second["id"],
                "organizationalEntity": self.fake.data["organizational_entities"][0]["organizationalEntity"],
            }
        )
        rows = self._fetch()
        rows[6].action_add()
        employments = self.env["loket.employment"].search([("employee_id.loket_employee_id", "=", employee["id"])])
        self.assertEqual(len(employments), len(self.fake.employments_of(6)))
        self.assertGreaterEqual(len(employments), 2)
        self.assertIn(777, employments.mapped("payroll_number"))

    def test_a_run_that_fails_halfway_resumes_without_duplicates(self):
        self._add_all()
        for number in range(1, 7):
            self.fake.change_employee(number, **{"address.city": f"Stad {number}"})
        original = type(self.integration)._loket_update_employee
        calls = []

        def flaky(integration, row, *args):
            calls.append(row.id)
            if len(calls) == 3:
                raise RuntimeError("worker killed")
            return original(integration, row, *args)

        with (
            patch.object(type(self.integration), "_loket_update_employee", flaky),
            patch("odoo.addons.loket_integration.models.loket_employee_sync.BATCH_SIZE", 2),
        ):
            # What a crash leaves: the first batch done (committed outside tests).
            with contextlib.suppress(RuntimeError):
                self.integration._loket_sync_employees()
            self.assertEqual(len(calls), 3)
        self.assertEqual(
            self.integration.loket_employee_ids.filtered("pending_sync").mapped("employee_number"), [3, 4, 5, 6]
        )
        self.integration._loket_sync_employees()
        self.assertFalse(self.integration.loket_employee_ids.filtered("pending_sync"))
        employees = self.env["hr.employee"].search([("loket_integration_id", "=", self.integration.id)])
        self.assertEqual(len(employees), 6)
        self.assertEqual(sorted(employees.mapped("private_city")), [f"Stad {n}" for n in range(1, 7)])
        employments = self.env["loket.employment"].search([("employee_id", "in", employees.ids)])
        self.assertEqual(len(employments), len(self.fake.data["employments"]))

    def test_new_loket_employee_is_listed_to_decide_with_an_activity(self):
        self._add_all()
        self.fake.data["employees"].append(
            dict(self.fake.employee(1), id="5f1e0000-0000-4000-8000-000000000099", employeeNumber=99)
        )
        self.integration._loket_sync_employees(full=True)
        row = self.integration.loket_employee_ids.filtered(lambda r: r.employee_number == 99)
        self.assertEqual(row.decision, "to_decide")
        self.assertTrue(self.integration.activity_ids.filtered(lambda a: "New Loket employees" in (a.summary or "")))

    def test_field_ownership_can_be_changed_by_the_administrator(self):
        loket = self.fake.employee(3)
        existing = self.env["hr.employee"].create({"name": "Eigen Naam", "work_email": "own@odoo.example.nl"})
        rows = self._fetch()
        rows[3].write({"decision": "map", "employee_id": existing.id})
        rows[3].action_apply()
        work_email = self.env["ir.model.fields"]._get("hr.employee", "work_email")
        self.integration.overwrite_field_ids = [(4, work_email.id)]
        self.integration._loket_sync_employees(full=True)
        self.assertEqual(existing.work_email, loket["contactInformation"]["businessEmailAddress"])

    def test_suggestion_by_name_and_birth_date(self):
        loket = self.fake.employee(2)
        twin = self.env["hr.employee"].create(
            {"name": "placeholder", "birthday": loket["personalDetails"]["dateOfBirth"]}
        )
        rows = self._fetch()
        twin.name = rows[2].name
        self.integration.loket_employee_ids.unlink()
        rows = self._fetch()
        self.assertEqual(rows[2].suggested_employee_id, twin)

    def test_one_failing_employee_is_recorded_and_the_others_are_synced(self):
        self._add_all()
        for number in (1, 2):
            self.fake.change_employee(number, **{"address.city": "Gouda"})
        original = type(self.integration)._loket_employee_vals

        def refuse_first(integration, row, created=False):
            if row.employee_number == 1:
                raise ValidationError(integration.env._("Postcode past niet"))
            return original(integration, row, created=created)

        with patch.object(type(self.integration), "_loket_employee_vals", refuse_first):
            self.integration._loket_sync_employees()
        rows = {r.employee_number: r for r in self.integration.loket_employee_ids}
        self.assertEqual(rows[1].sync_error, "Postcode past niet")
        self.assertTrue(rows[1].pending_sync)  # retried next run
        self.assertEqual(rows[2].employee_id.private_city, "Gouda")
        self.assertIn("1 failed", self.integration.last_sync_summary)
        self.assertTrue(self.integration.message_ids.filtered(lambda m: "could not update" in (m.body or "")))

    def test_a_loket_administrator_without_hr_rights_adds_employees(self):
        user = new_test_user(self.env, "loket_adm_hr", groups="loket_integration.group_loket_manager,base.group_user")
        integration = self.integration.with_user(user)
        integration.action_fetch_employees()
        rows = integration.loket_employee_ids
        rows[:2].action_add()
        self.assertEqual(len(rows[:2].employee_id), 2)
        self.assertTrue(self.env["loket.employment"].search_count([("employee_id", "in", rows[:2].employee_id.ids)]))

    def test_employees_of_another_administration_are_left_out(self):
        for employment in self.fake.employments_of(5):
            employment["payrollAdministration"] = dict(employment["payrollAdministration"], id="other-administration")
        rows = self._fetch()
        self.assertNotIn(5, rows)
        self.assertEqual(len(rows), 5)
