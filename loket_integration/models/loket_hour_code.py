from odoo import fields, models


class LoketHourCode(models.Model):
    """An hour code (Odoo work entry type) → a Loket payroll component number."""

    _name = "loket.hour.code"
    _inherit = "loket.component.mapping"
    _description = "Loket hour code"
    _order = "work_entry_type_id"

    work_entry_type_id = fields.Many2one("hr.work.entry.type", string="Hour code", required=True)

    _sql_constraints = [
        ("hour_code_unique", "unique(integration_id, work_entry_type_id)", "This hour code is mapped already.")
    ]
