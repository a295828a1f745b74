from collections import defaultdict

from odoo import models

from ..odoo_version import domain_and, domain_or


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    def _loket_wage_component_values(self, employees, date_from, date_to):
        """``{(employee id, wage component code): value}`` for the period; the one place
        wage component values come from — extend it (call super) to add codes.

        days_worked: days with hours under the component's hour codes (all mapped hour
        codes when it names none); home_work_km: home-work distance × 2 × days worked.
        """
        self.ensure_one()
        values = {}
        components = {c.code: c for c in self.wage_component_ids}
        if not components:
            return values
        days_component = components.get("days_worked")
        codes = (days_component and days_component.hour_code_ids) or self.hour_code_ids.work_entry_type_id
        code_domain = [("loket_hour_code_id", "in", codes.ids)]
        if self.default_hour_code_id in codes:  # lines without a code fall back to the default
            code_domain = domain_or([code_domain, [("loket_hour_code_id", "=", False)]])
        if not (days_component and days_component.hour_code_ids):  # time off is no day worked
            code_domain = domain_and([code_domain, self.env["account.analytic.line"]._loket_not_leave_domain()])
        groups = self.env["account.analytic.line"]._read_group(
            [
                ("employee_id", "in", employees.ids),
                ("project_id", "!=", False),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                *code_domain,
                ("unit_amount", ">", 0),
            ],
            ["employee_id", "date:day"],
            ["__count"],
        )
        days = defaultdict(int)
        for employee, _day, _count in groups:
            days[employee.id] += 1
        for employee in employees:
            worked = days.get(employee.id, 0)
            if "days_worked" in components:
                values[(employee.id, "days_worked")] = worked
            if "home_work_km" in components:
                values[(employee.id, "home_work_km")] = (employee.km_home_work or 0) * 2 * worked
        return values
