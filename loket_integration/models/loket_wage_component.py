from odoo import api, fields, models

from ..odoo_version import Constraint

WAGE_COMPONENTS = [("days_worked", "Days worked"), ("home_work_km", "Home-work kilometres")]


class LoketWageComponent(models.Model):
    """An Odoo-side wage component → a Loket payroll component number.

    Values per employee and period come from ``loket.integration._loket_wage_component_values``,
    which other modules extend to add their own codes.
    """

    _name = "loket.wage.component"
    _inherit = "loket.component.mapping"
    _description = "Loket wage component"
    _order = "code"

    code = fields.Selection(WAGE_COMPONENTS, required=True)
    hour_code_ids = fields.Many2many(
        "hr.work.entry.type",
        string="Counted hour codes",
        help="Days with hours under these codes count as days worked (all mapped codes when empty).",
    )

    _code_unique = Constraint("unique(integration_id, code)", "This wage component is mapped already.")

    def _expects_hours(self):
        return False

    @api.depends("code")
    def _compute_display_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for component in self:
            component.display_name = labels.get(component.code, component.code)
