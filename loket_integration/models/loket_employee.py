from odoo import api, fields, models

DECISIONS = [("to_decide", "To decide"), ("add", "Add"), ("skip", "Do not import"), ("map", "Map to existing")]
# Where a row stands: the decision, and whether it was applied.
STATUSES = [
    ("to_decide", "To decide"),
    ("to_add", "To add"),
    ("to_map", "To map"),
    ("added", "Added"),
    ("mapped", "Mapped"),
    ("skipped", "Not imported"),
]
# Bookkeeping of the synchronisation: not something to group the list by.
TECHNICAL_FIELDS = ("loket_id", "data", "data_hash", "pending_sync")


class LoketEmployee(models.Model):
    """A Loket employee as last fetched, with the administrator's decision about it."""

    _name = "loket.employee"
    _description = "Loket employee"
    _order = "integration_id, employee_number"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    loket_id = fields.Char("Loket id", required=True, index=True)
    employee_number = fields.Integer("Employee number", help="The employee's number (werknemernummer) in Loket.")
    name = fields.Char()
    birth_date = fields.Date("Birth date")
    work_email = fields.Char("Work email")
    employment_start = fields.Date(
        "Employed from", help="Start of the first employment in this payroll administration."
    )
    employment_end = fields.Date("Employed until", help="End of the last employment; empty while one is running.")
    payroll_numbers = fields.Char("Payroll numbers", help="Personeelsnummers of the employee's employments.")
    decision = fields.Selection(DECISIONS, default="to_decide", required=True)
    status = fields.Selection(
        STATUSES,
        compute="_compute_status",
        store=True,
        help="The decision, and whether it was applied: 'To add' and 'To map' wait for Apply.",
    )
    suggested_employee_id = fields.Many2one(
        "hr.employee",
        string="Suggestion",
        readonly=True,
        help="An Odoo employee with the same name and birth date, or the same work email.",
    )
    employee_id = fields.Many2one("hr.employee", string="Odoo employee", check_company=True)
    data = fields.Json(
        prefetch=False,  # large: read when used, not with every list of rows
        help="Loket's employee, employments, organizational entities and working hours",
    )
    data_hash = fields.Char(help="Fingerprint of data: unchanged Loket data is not processed again")
    sync_error = fields.Char(
        "Sync error", readonly=True, help="Why the last synchronisation could not update this employee"
    )
    pending_sync = fields.Boolean(
        "Waiting for sync", help="Loket data changed since the bound Odoo employee was last updated"
    )

    _sql_constraints = [("loket_unique", "unique(integration_id, loket_id)", "This Loket employee is listed already.")]

    @api.depends("decision", "loket_id", "employee_id.loket_employee_id")
    def _compute_status(self):
        for row in self:
            applied = bool(row.employee_id) and row.employee_id.sudo().loket_employee_id == row.loket_id
            row.status = {
                "to_decide": "to_decide",
                "skip": "skipped",
                "add": "added" if applied else "to_add",
                "map": "mapped" if applied else "to_map",
            }[row.decision]

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The sync's bookkeeping fields are not offered to group or sort the list by."""
        fields_info = super().fields_get(allfields, attributes)
        for name in TECHNICAL_FIELDS:
            for key in ("groupable", "sortable"):
                if key in fields_info.get(name, {}):
                    fields_info[name][key] = False
        return fields_info

    def _not_applied(self):
        """The rows whose decision may still change: an added or mapped employee stays bound."""
        return self.filtered(lambda row: row.status not in ("added", "mapped"))

    def action_add(self):
        rows = self._not_applied()
        rows.write({"decision": "add"})
        return rows.action_apply()

    def action_skip(self):
        self._not_applied().write({"decision": "skip", "employee_id": False})

    def action_map_suggested(self):
        rows = self._not_applied().filtered("suggested_employee_id")
        for row in rows:
            row.write({"decision": "map", "employee_id": row.suggested_employee_id.id})
        return rows.action_apply()

    def action_apply(self):
        """Apply the decisions: in this request for a few rows, in the background (loket.job) for many."""
        for integration in self.integration_id:
            rows = self.filtered(lambda r, i=integration: r.integration_id == i)
            integration._loket_check_decisions(rows)
            job = integration._loket_start_job("apply_decisions", payload={"row_ids": rows.ids}, total=len(rows))
            if job.background:
                return job._loket_started_notification()
        return True
