from odoo import api, fields, models

# Fields of the optional Community modules that turn time off into timesheet lines
# (project_timesheet_holidays) and give leave types a work entry type (hr_work_entry_holidays):
# ``(line field, path from the linked record to its work entry type)``, the time off first.
LEAVE_LINKS = (
    ("holiday_id", ("holiday_status_id", "work_entry_type_id")),
    ("global_leave_id", ("work_entry_type_id",)),
)


def _leave_links(model):
    """The ``LEAVE_LINKS`` whose fields all exist in the registry of ``model``'s env."""
    links = []
    for name, path in LEAVE_LINKS:
        field = model._fields.get(name)
        comodel = field and model.env[field.comodel_name]
        for step in path:
            field = comodel._fields.get(step) if comodel is not None else None
            comodel = model.env[field.comodel_name] if field and field.relational else None
        if field:
            links.append((name, path))
    return links


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    loket_hour_code_id = fields.Many2one(
        "hr.work.entry.type",
        string="Hour code",
        compute="_compute_loket_hour_code_id",
        store=True,
        readonly=False,
        index=True,
        help="Loket hour code: for time off and public holidays the work entry type of their time off "
        "type, else from the task, else the project, else the Loket integration's worked hours code.",
    )

    def _loket_hour_code_depends(self):
        return [
            "task_id.loket_hour_code_id",
            "project_id.loket_hour_code_id",
            *(".".join((name, *path)) for name, path in _leave_links(self)),
        ]

    @api.depends(lambda self: self._loket_hour_code_depends())
    def _compute_loket_hour_code_id(self):
        defaults = {}
        for line in self:
            if not line.project_id:
                line.loket_hour_code_id = False
                continue
            code = (
                line._loket_leave_hour_code() or line.task_id.loket_hour_code_id or line.project_id.loket_hour_code_id
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
        """The work entry type of the time off (or public holiday) this line records, where the
        optional modules that make timesheet lines of time off (project_timesheet_holidays) and give
        leave types a work entry type (hr_work_entry_holidays) are installed; else none.
        sudo: the work entry type of a public holiday is an HR field, the hour code is not."""
        self.ensure_one()
        line = self.sudo()
        for name, path in _leave_links(self):
            record = line[name]
            if record:
                return record.mapped(".".join(path))[:1].with_env(self.env)
        return self.env["hr.work.entry.type"]

    @api.model
    def _loket_leave_work_entry_types(self, company):
        """The work entry types that time off and public holidays of ``company`` book their
        timesheet lines on, where the optional modules are installed: those of the leave types
        its employees hold allocations or requests of, and of its public holidays. "Add hour
        codes in use" offers them before the first day off is taken."""
        types = self.env["hr.work.entry.type"]
        links = dict(_leave_links(self))
        if "holiday_id" in links:
            domain = [
                ("employee_id.company_id", "=", company.id),
                ("state", "in", ("confirm", "validate1", "validate")),
            ]
            for model in ("hr.leave", "hr.leave.allocation"):
                [(leave_types,)] = self.env[model].sudo()._read_group(domain, [], ["holiday_status_id:recordset"])
                types |= leave_types.work_entry_type_id
        if "global_leave_id" in links:
            public_holidays = (
                self.env["resource.calendar.leaves"]
                .sudo()
                .search([("company_id", "=", company.id), ("resource_id", "=", False)])
            )
            types |= public_holidays.work_entry_type_id
        return types.sudo(False)

    @api.model
    def _loket_not_leave_domain(self):
        """Lines that record no time off nor public holiday."""
        return [(name, "=", False) for name, _path in _leave_links(self)]
