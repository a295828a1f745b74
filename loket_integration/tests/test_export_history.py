import datetime

from odoo.tests import tagged

from .test_export import ExportCase


@tagged("post_install", "-at_install")
class TestExportHistory(ExportCase):
    """The export history list computes "outdated" for all the exports it shows at once."""

    def _generate(self, number, employees=None):
        period = (
            self.env["loket.payroll.period"]
            ._ensure_for(self.integration, self.year)
            .filtered(lambda p: p.number == number)
        )
        employees = employees or self.env["hr.employee"].browse([e.id for e in self.employees.values()])
        scope = "selected" if len(employees) < len(self.employees) else "all"
        return self.env["loket.export"]._generate(self.integration, period, employees, None, employee_scope=scope)

    def _queries_for_outdated(self, exports):
        """SQL queries the history list makes to show ``exports``' outdated flags (and their badge)."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        exports.read(["is_outdated", "outdated_badge"])
        return self.env.cr.sql_log_count - before

    def test_outdated_costs_the_same_queries_for_two_or_twelve_exports(self):
        self._log(self.employees[1], 8)
        exports = self.env["loket.export"]
        for number in range(1, 7):
            exports |= self._generate(number)
            exports |= self._generate(number, self.employees[2])
        few = self._queries_for_outdated(exports[:2])
        many = self._queries_for_outdated(exports)
        self.assertEqual(len(exports), 12)
        self.assertEqual(few, many)
        self.assertLessEqual(many, 6)
        self.assertFalse(any(exports.mapped("is_outdated")))

    def test_outdated_is_right_per_period_employees_and_integration(self):
        first, second = self.employees[1], self.employees[2]
        line = self._log(first, 8)
        self._log(second, 6)
        self.env["account.analytic.line"].create(  # period 4
            {
                "name": "april",
                "project_id": self.project.id,
                "employee_id": first.id,
                "unit_amount": 5,
                "date": datetime.date(self.year, 4, 7),
                "loket_hour_code_id": self.worked.id,
            }
        )
        march_all = self._generate(3)
        march_first = self._generate(3, first)
        march_second = self._generate(3, second)
        april_all = self._generate(4)
        # A second integration of the same company: its own scope, joined to its own lines only.
        other = self.env["loket.integration"].create({"name": "Krakeling 2"})
        other_march = self.env["loket.export"].create(
            {
                "name": "other.csv",
                "integration_id": other.id,
                "date_from": march_all.date_from,
                "date_to": march_all.date_to,
                "employee_scope": "all",
                "source_fingerprint": other._loket_timesheet_fingerprint(march_all.date_from, march_all.date_to),
            }
        )
        exports = march_all | march_first | march_second | april_all | other_march

        def outdated():
            self.env.invalidate_all()
            return exports.filtered("is_outdated")

        self.assertFalse(outdated())
        line.unit_amount = 9
        self.assertEqual(outdated(), march_all | march_first | other_march)
        self.assertEqual(outdated().mapped("outdated_badge"), ["outdated"] * 3)
        again = self._generate(3)
        exports |= again
        self.assertEqual(outdated(), march_all | march_first | other_march)
        line.unlink()
        self.assertEqual(outdated(), march_all | march_first | other_march | again)
