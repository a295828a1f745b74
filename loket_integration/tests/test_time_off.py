"""Time off and public holidays reach Loket, under the hour codes of their work entry types.

Runs with Odoo Community's optional ``project_timesheet_holidays`` (time off and public
holidays become timesheet lines) and ``hr_work_entry_holidays`` (leave types get a work
entry type) installed, as the test command installs them.
"""

import datetime

from odoo.tests import tagged

from ..odoo_version import ODOO_19
from .test_export import HEADER, ExportCase


@tagged("post_install", "-at_install")
class TestTimeOff(ExportCase):
    def setUp(self):
        super().setUp()
        # A fourth hours component in Loket for public holidays.
        self.fake.data["payroll_components"].append(
            {
                "key": 32,
                "description": "Uren feestdag",
                "category": {"key": 1, "value": "Uren"},
                "deductionOrPayment": {"key": 1, "value": "Uitbetaling"},
                "canBeSupplemented": True,
                "isCollectiveMutationPossible": True,
            }
        )
        self.integration.action_refresh_payroll_components()
        Type = self.env["hr.work.entry.type"]
        self.paid = Type.create({"name": "Vakantie", "code": "LKT_VAK"})
        self.sick = Type.create({"name": "Ziekte", "code": "LKT_ZK"})
        self.public = Type.create({"name": "Feestdag", "code": "LKT_FST"})
        self.integration.hour_code_ids = [
            (0, 0, {"work_entry_type_id": self.paid.id, "component_number": "30"}),
            (0, 0, {"work_entry_type_id": self.sick.id, "component_number": "31"}),
            (0, 0, {"work_entry_type_id": self.public.id, "component_number": "32"}),
        ]
        self.company = self.integration.company_id
        # Internal hours count as worked: time off, booked in the internal project, must not.
        self.company.internal_project_id.loket_hour_code_id = self.worked
        self.paid_leave = self._leave_type("Vakantie", self.paid)
        self.sick_leave = self._leave_type("Ziek", self.sick)
        self.first = self.employees[sorted(self.employees)[0]]
        # The third week of March: paid leave Monday and Tuesday, sick on Wednesday, a public
        # holiday on Friday; hours worked on Monday and Tuesday of the week before.
        monday = next(d for d in range(15, 22) if datetime.date(self.year, 3, d).isoweekday() == 1)
        self.worked_days, self.paid_days, self.sick_day, self.holiday = (
            (monday - 7, monday - 6),
            (monday, monday + 1),
            monday + 2,
            monday + 4,
        )

    # -- helpers ------------------------------------------------------------------------

    def _leave_type(self, name, work_entry_type, requires_allocation="no"):
        leave_type = self.env["hr.leave.type"].create(
            {
                "name": name,
                # "yes"/"no" on 18.0, a boolean on 19.0
                "requires_allocation": requires_allocation == "yes" if ODOO_19 else requires_allocation,
                "request_unit": "day",
                "company_id": self.company.id,
                "work_entry_type_id": work_entry_type.id,
            }
        )
        # Its time off becomes timesheet lines on the company's internal project and time off task:
        # per leave type on 18.0 (timesheet_generate), for every leave type on 19.0.
        self.assertTrue(self.company.leave_timesheet_task_id if ODOO_19 else leave_type.timesheet_generate)
        return leave_type

    def _take(self, leave_type, employee, first_day, last_day):
        leave = self.env["hr.leave"].create(
            {
                "name": leave_type.name,
                "holiday_status_id": leave_type.id,
                "employee_id": employee.id,
                "request_date_from": datetime.date(self.year, 3, first_day),
                "request_date_to": datetime.date(self.year, 3, last_day),
            }
        )
        # HR validates it: action_validate on 18.0; 19.0 validates in _action_validate (its
        # action_approve asks for the approvals the type needs first).
        leave._action_validate() if ODOO_19 else leave.action_validate()
        self.assertEqual(leave.state, "validate")
        return leave

    def _public_holiday(self, day):
        return self.env["resource.calendar.leaves"].create(
            {
                "name": "Feestdag",
                "date_from": datetime.datetime(self.year, 3, day, 0, 0),
                "date_to": datetime.datetime(self.year, 3, day, 23, 59, 59),
                "company_id": self.company.id,
                "work_entry_type_id": self.public.id,
            }
        )

    def _a_month_of_everything(self):
        """Employee one: 8 h worked, two days of paid leave, one day sick; everyone: a public holiday."""
        self._log(self.first, 5, day=self.worked_days[0])
        self._log(self.first, 3, day=self.worked_days[1])
        self._take(self.paid_leave, self.first, *self.paid_days)
        self._take(self.sick_leave, self.first, self.sick_day, self.sick_day)
        self._public_holiday(self.holiday)

    def _schedule_hours(self, employee, day):
        """Hours the employee's working schedule has on that March day's weekday: what time off
        books (read a week earlier, a day with no time off)."""
        start = datetime.datetime(self.year, 3, day - 7)
        days = employee._list_work_time_per_day(start, start.replace(hour=23, minute=59))[employee.id]
        return sum(hours for _day, hours in days)

    # -- tests --------------------------------------------------------------------------

    def test_time_off_and_public_holidays_become_their_own_components(self):
        self._a_month_of_everything()
        paid = sum(self._schedule_hours(self.first, d) for d in self.paid_days)
        sick = self._schedule_hours(self.first, self.sick_day)
        public = self._schedule_hours(self.first, self.holiday)
        self.assertTrue(paid and sick and public)
        lines = self.env["account.analytic.line"].search([("employee_id", "=", self.first.id)])
        self.assertEqual(
            sorted((line.date.day, line.loket_hour_code_id.id) for line in lines),
            [
                *((d, self.worked.id) for d in self.worked_days),
                *((d, self.paid.id) for d in self.paid_days),
                (self.sick_day, self.sick.id),
                (self.holiday, self.public.id),
            ],
        )
        export = self._export()
        persnr = self._current_employment(self.first).payroll_number
        text = self._text(export)
        self.assertEqual(text.splitlines()[0], f"{HEADER};1;30;31;32")
        row = next(line for line in text.splitlines() if line.startswith(f"5555;{persnr};"))
        self.assertEqual(row, f"5555;{persnr};1;10;8,00;{self._csv(paid)};{self._csv(sick)};{self._csv(public)}")
        # The public holiday is everyone's: one day of the schedule per employee.
        holiday = sum(self._schedule_hours(e, self.holiday) for e in self.employees.values())
        self.assertEqual(export.totals, {"1": "8.00", "30": f"{paid:.2f}", "31": f"{sick:.2f}", "32": f"{holiday:.2f}"})
        self.assertFalse(export.warnings)

        # The same four sums straight into Loket's payroll period data.
        self.integration.delivery = "api"
        export._loket_send()
        employment = self._current_employment(self.first).loket_id
        item = next(i for i in self.fake.payroll_period_data if i["employmentId"] == employment)
        self.assertEqual(
            item["payrollComponents"],
            [
                {"payrollComponent": {"key": 1}, "value": 8.0, "isSupplement": False},
                {"payrollComponent": {"key": 30}, "value": paid, "isSupplement": False},
                {"payrollComponent": {"key": 31}, "value": sick, "isSupplement": False},
                {"payrollComponent": {"key": 32}, "value": public, "isSupplement": False},
            ],
        )
        sent = sum(
            pc["value"]
            for i in self.fake.payroll_period_data
            for pc in i["payrollComponents"]
            if pc["payrollComponent"]["key"] == 32
        )
        self.assertEqual(sent, holiday)

    def test_a_refused_leave_leaves_the_export(self):
        self._log(self.first, 8)
        leave = self._take(self.paid_leave, self.first, *self.paid_days)
        self.assertIn(";30", self._text(self._export()).splitlines()[0])
        leave.action_refuse()
        self.assertEqual(self._text(self._export()).splitlines()[0], f"{HEADER};1")

    def test_time_off_is_no_day_worked(self):
        self.integration.wage_component_ids = [(0, 0, {"code": "days_worked", "component_number": "45"})]
        self._a_month_of_everything()
        persnr = self._current_employment(self.first).payroll_number
        text = self._text(self._export())
        self.assertEqual(text.splitlines()[0], f"{HEADER};1;30;31;32;45")
        row = next(line for line in text.splitlines() if line.startswith(f"5555;{persnr};"))
        self.assertTrue(row.endswith(";2,00"), row)  # the two days worked, not the days off

    def test_hour_codes_of_leave_types_and_public_holidays_are_added(self):
        self._public_holiday(self.holiday)
        self._take(self.sick_leave, self.first, self.sick_day, self.sick_day)
        Type = self.env["hr.work.entry.type"]
        allocated, unused = (
            Type.create({"name": "Bijzonder verlof", "code": "LKT_BV"}),
            Type.create({"name": "Zorgverlof", "code": "LKT_ZV"}),
        )
        special = self._leave_type("Bijzonder verlof", allocated, requires_allocation="yes")
        self.env["hr.leave.allocation"].create(
            {"name": "2 dagen", "holiday_status_id": special.id, "employee_id": self.first.id, "number_of_days": 2}
        )  # allocated, not taken yet: offered all the same
        self._leave_type("Zorgverlof", unused)  # no one holds or took it
        self.integration.hour_code_ids.unlink()
        self.integration.action_add_used_hour_codes()
        codes = self.integration.hour_code_ids.work_entry_type_id
        self.assertEqual(codes, self.worked | self.sick | self.public | allocated)
        self.assertFalse(self.integration.hour_code_ids.filtered("component_number"))  # the user maps them

    def test_changing_a_leave_types_work_entry_type_moves_its_hours(self):
        self._take(self.paid_leave, self.first, self.paid_days[0], self.paid_days[0])
        self.paid_leave.work_entry_type_id = self.sick
        lines = self.env["account.analytic.line"].search([("employee_id", "=", self.first.id)])
        self.assertEqual(lines.loket_hour_code_id, self.sick)

    # -- more helpers -------------------------------------------------------------------

    @staticmethod
    def _csv(hours):
        return f"{hours:.2f}".replace(".", ",")
