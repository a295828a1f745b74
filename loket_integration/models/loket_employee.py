from odoo import fields, models

DECISIONS = [("to_decide", "To decide"), ("add", "Add"), ("skip", "Do not import"), ("map", "Map to existing")]


class LoketEmployee(models.Model):
    """A Loket employee as last fetched, with the administrator's decision about it."""

    _name = "loket.employee"
    _description = "Loket employee"
    _order = "integration_id, employee_number"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    loket_id = fields.Char(required=True, index=True)
    employee_number = fields.Integer()
    name = fields.Char()
    birth_date = fields.Date()
    work_email = fields.Char()
    employment_start = fields.Date()
    employment_end = fields.Date()
    payroll_numbers = fields.Char()
    decision = fields.Selection(DECISIONS, default="to_decide", required=True)
    suggested_employee_id = fields.Many2one("hr.employee", readonly=True)
    employee_id = fields.Many2one("hr.employee", string="Odoo employee", check_company=True)
    data = fields.Json(help="Loket's employee, employments, organizational entities and working hours")
    data_hash = fields.Char(help="Fingerprint of data: unchanged Loket data is not processed again")
    sync_error = fields.Char(readonly=True, help="Why the last synchronisation could not update this employee")
    pending_sync = fields.Boolean(help="Loket data changed since the bound Odoo employee was last updated")

    _sql_constraints = [("loket_unique", "unique(integration_id, loket_id)", "This Loket employee is listed already.")]

    def action_add(self):
        self.write({"decision": "add"})
        return self.action_apply()

    def action_skip(self):
        self.write({"decision": "skip", "employee_id": False})

    def action_map_suggested(self):
        for row in self.filtered("suggested_employee_id"):
            row.write({"decision": "map", "employee_id": row.suggested_employee_id.id})
        return self.action_apply()

    def action_apply(self):
        for integration in self.integration_id:
            integration._loket_apply_decisions(self.filtered(lambda r, i=integration: r.integration_id == i))
