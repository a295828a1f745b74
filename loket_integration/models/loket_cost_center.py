from odoo import fields, models

from ..odoo_version import Constraint


class LoketCostCenter(models.Model):
    """An Odoo department booked on a Loket distribution unit (the export's verdelingseenheid)."""

    _name = "loket.cost.center"
    _description = "Loket cost center"
    _order = "department_id"
    _check_company_auto = True

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    department_id = fields.Many2one("hr.department", required=True, check_company=True)
    distribution_unit_id = fields.Many2one(
        "loket.distribution.unit",
        required=True,
        check_company=True,
        domain="[('integration_id', '=', integration_id)]",
    )

    _department_unique = Constraint("unique(integration_id, department_id)", "This department is mapped already.")
