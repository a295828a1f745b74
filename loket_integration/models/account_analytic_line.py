from odoo import api, fields, models


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    loket_hour_code_id = fields.Many2one(
        "hr.work.entry.type",
        string="Hour code",
        compute="_compute_loket_hour_code_id",
        store=True,
        readonly=False,
        index=True,
        help="Loket hour code: from the task, else the project, else the time-off type, "
        "else the Loket integration's worked hours code.",
    )

    @api.depends("task_id.loket_hour_code_id", "project_id.loket_hour_code_id")
    def _compute_loket_hour_code_id(self):
        defaults = {}
        for line in self:
            if not line.project_id:
                line.loket_hour_code_id = False
                continue
            code = (
                line.task_id.loket_hour_code_id or line.project_id.loket_hour_code_id or line._loket_leave_hour_code()
            )
            if not code:
                company = line.company_id or self.env.company
                if company.id not in defaults:
                    defaults[company.id] = (
                        self.env["loket.integration"]
                        .sudo()
                        .search([("company_id", "=", company.id)], limit=1)
                        .default_hour_code_id
                    )
                code = defaults[company.id]
            line.loket_hour_code_id = code

    def _loket_leave_hour_code(self):
        """The work entry type of the time off this line records, where the modules that
        link timesheets to time off (project_timesheet_holidays, hr_work_entry_holidays) are installed."""
        leave = self["holiday_id"] if "holiday_id" in self._fields else None
        leave_type = leave.holiday_status_id if leave else None
        if leave_type and "work_entry_type_id" in leave_type._fields:
            return leave_type.work_entry_type_id
        global_leave = self["global_leave_id"] if "global_leave_id" in self._fields else None
        if global_leave and "work_entry_type_id" in global_leave._fields:
            return global_leave.work_entry_type_id
        return self.env["hr.work.entry.type"]
