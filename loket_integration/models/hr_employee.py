from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    loket_integration_id = fields.Many2one(
        "loket.integration", string="Loket integration", copy=False, groups="hr.group_hr_user", check_company=True
    )
    loket_employee_id = fields.Char("Loket employee id", copy=False, index=True, groups="hr.group_hr_user")
    loket_employee_number = fields.Integer(
        "Loket employee number",
        copy=False,
        groups="hr.group_hr_user",
        help="The employee's number (werknemernummer) in Loket.",
    )
    # What the Loket employees list knows about this employee, for the employee form. The list's
    # rows are Loket administrators' records: read with sudo, shown to HR officers.
    loket_mapping_id = fields.Many2one(
        "loket.employee",
        string="Loket employees row",
        compute="_compute_loket_mapping",
        groups="hr.group_hr_user",
        help="This employee's row in the Loket employees list, where it was added or mapped.",
    )
    loket_last_sync = fields.Datetime(
        "Last sync",
        compute="_compute_loket_mapping",
        groups="hr.group_hr_user",
        help="When the integration last brought Loket's changes into Odoo.",
    )
    loket_sync_error = fields.Char(
        "Sync error",
        compute="_compute_loket_mapping",
        groups="hr.group_hr_user",
        help="Why the last synchronisation could not update this employee; it is tried again at the next one.",
    )
    loket_pending_sync = fields.Boolean(
        "Waiting for the next sync",
        compute="_compute_loket_mapping",
        groups="hr.group_hr_user",
        help="Loket has changes for this employee that the next synchronisation brings into Odoo.",
    )

    @api.depends("loket_integration_id", "loket_employee_id")
    def _compute_loket_mapping(self):
        bound = self.filtered("loket_employee_id")._origin
        rows = (
            self.env["loket.employee"]
            .sudo()
            .search([("employee_id", "in", bound.ids), ("loket_id", "in", bound.mapped("loket_employee_id"))])
        )
        by_binding = {(row.employee_id.id, row.integration_id.id, row.loket_id): row for row in rows}
        for employee in self:
            binding = (employee._origin.id, employee.loket_integration_id.id, employee.loket_employee_id)
            row = by_binding.get(binding, rows.browse())
            employee.loket_mapping_id = row
            employee.loket_last_sync = employee.sudo().loket_integration_id.last_sync
            employee.loket_sync_error = row.sync_error
            employee.loket_pending_sync = row.pending_sync

    def action_open_loket_mapping(self):
        """The Loket employees list (Loket users), searched on this employee's Loket number."""
        self.ensure_one()
        self.env["loket.employee"].check_access("read")
        row = self.loket_mapping_id
        action = self.env["loket.employee"]._loket_list_action(row.integration_id)
        action["context"] = {"default_integration_id": row.integration_id.id}
        if row.employee_number:
            action["context"]["search_default_employee_number"] = row.employee_number
        return action

    @api.constrains("loket_integration_id", "company_id")
    def _check_loket_integration_company(self):
        """An employee is bound to an integration of his own company (hr.employee does not check
        its fields' companies itself)."""
        self._check_company(["loket_integration_id"])

    @api.constrains("loket_employee_number", "loket_integration_id", "company_id")
    def _check_loket_employee_number(self):
        """Loket numbers employees per employer: a number is unique within an integration (and
        a number without an integration clashes with any other of the company; another company's
        integration on the same employer binds its own employees to the same numbers)."""
        for employee in self.filtered("loket_employee_number"):
            same_integration = []
            if employee.loket_integration_id:
                same_integration = ["|", ("loket_integration_id", "in", employee.loket_integration_id.ids)]
                same_integration.append(("loket_integration_id", "=", False))
            other = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("loket_employee_number", "=", employee.loket_employee_number),
                        ("company_id", "=", employee.company_id.id),
                        ("id", "!=", employee.id),
                        *same_integration,
                    ],
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

    # -- leavers: see loket.integration._loket_follow_leaver -------------------------------------

    def _loket_archive_leaver(self, left_on, reason):
        """Archive a leaver with Odoo's departure fields, and say so in the chatter."""
        self.ensure_one()
        self.with_context(no_wizard=True).action_archive()
        self.write({"departure_date": left_on, "departure_reason_id": reason.id})
        self.message_post(
            body=self.env._(
                "Loket: the last employment ended on %(date)s; the employee is archived "
                "(departure reason: %(reason)s).",
                date=format_date(self.env, left_on),
                reason=reason.name or "-",
            )
        )

    def _loket_unarchive_returner(self):
        """Bring back an employee archived as a leaver whom Loket employs again."""
        self.ensure_one()
        self.action_unarchive()  # clears the departure fields
        self.message_post(body=self.env._("Loket: employed again; the employee is active again."))
