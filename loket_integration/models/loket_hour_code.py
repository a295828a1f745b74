from odoo import api, fields, models

from ..odoo_version import Constraint


class LoketHourCode(models.Model):
    """An hour code (Odoo work entry type) → a Loket payroll component number."""

    _name = "loket.hour.code"
    _inherit = "loket.component.mapping"
    _description = "Loket hour code"
    _order = "work_entry_type_id"

    work_entry_type_id = fields.Many2one("hr.work.entry.type", string="Hour code", required=True)

    _hour_code_unique = Constraint("unique(integration_id, work_entry_type_id)", "This hour code is mapped already.")

    @api.depends("work_entry_type_id")
    def _compute_display_name(self):
        for code in self:
            # sudo: naming the hour code needs no HR rights
            code.display_name = code.sudo().work_entry_type_id.display_name or False
