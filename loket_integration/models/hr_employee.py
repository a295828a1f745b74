from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    loket_integration_id = fields.Many2one("loket.integration", copy=False, groups="hr.group_hr_user")
    loket_employee_id = fields.Char("Loket employee id", copy=False, index=True, groups="hr.group_hr_user")
    loket_employee_number = fields.Integer("Loket employee number", copy=False, groups="hr.group_hr_user")

    @api.constrains("loket_employee_number", "loket_integration_id")
    def _check_loket_employee_number(self):
        for employee in self.filtered("loket_employee_number"):
            other = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [("loket_employee_number", "=", employee.loket_employee_number), ("id", "!=", employee.id)],
                    limit=1,
                )
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "Loket employee number %(number)s is already used by %(other)s (integration %(integration)s).",
                        number=employee.loket_employee_number,
                        other=other.name,
                        integration=other.loket_integration_id.name or "-",
                    )
                )
