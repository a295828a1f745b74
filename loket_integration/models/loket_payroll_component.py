from odoo import api, fields, models

from ..odoo_version import Constraint

# Loket payroll component categories that hold hours (matched on the category text).
HOURS_WORDS = ("uren", "uur", "hours")


class LoketPayrollComponent(models.Model):
    """A payroll component (looncomponent) of the administration for one year, as Loket lists it."""

    _name = "loket.payroll.component"
    _description = "Loket payroll component"
    _order = "year desc, number"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    year = fields.Integer(required=True)
    number = fields.Integer(required=True, help="Loket's component key: the column header of the export file")
    name = fields.Char(required=True)
    category = fields.Char()
    is_hours = fields.Boolean(compute="_compute_is_hours", store=True)
    collective_mutation_possible = fields.Boolean(default=True)

    _number_unique = Constraint("unique(integration_id, year, number)", "This component is listed already.")

    def _compute_display_name(self):
        for component in self:
            component.display_name = f"{component.number} {component.name}"

    @api.depends("category")
    def _compute_is_hours(self):
        for component in self:
            component.is_hours = any(word in (component.category or "").lower() for word in HOURS_WORDS)

    def _replace_for(self, integration, year, rows):
        """Loket's list of the year (users read it: written in sudo mode, rights checked by the caller)."""
        Components = self.sudo()
        Components.search([("integration_id", "=", integration.id), ("year", "=", year)]).unlink()
        Components.create(
            [
                {
                    "integration_id": integration.id,
                    "year": year,
                    "number": row["key"],
                    "name": row.get("description") or str(row["key"]),
                    "category": (row.get("category") or {}).get("value"),
                    "collective_mutation_possible": row.get("isCollectiveMutationPossible", True),
                }
                for row in rows
            ]
        )
