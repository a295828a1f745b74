from collections import defaultdict
from decimal import Decimal

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket.payroll_csv import PayrollCsvError, sum_entries
from ..models.loket_export import EMPLOYEE_SCOPES
from ..odoo_version import EMPLOYEE_RELATION_MIXINS


class LoketExportWizard(models.TransientModel):
    """Timesheets → Reporting → Loket: choose a period, check the preview, generate."""

    _name = "loket.export.wizard"
    _inherit = [*EMPLOYEE_RELATION_MIXINS]
    _description = "Loket export"
    _check_company_auto = True

    delivery = fields.Selection(related="integration_id.delivery")
    integration_state = fields.Selection(related="integration_id.state")
    integration_id = fields.Many2one(
        "loket.integration",
        required=True,
        default=lambda self: self.env["loket.integration"].search([("company_id", "=", self.env.company.id)], limit=1),
    )
    company_id = fields.Many2one(related="integration_id.company_id")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    period_id = fields.Many2one(
        "loket.payroll.period",
        check_company=True,
        domain="[('integration_id', '=', integration_id), ('year', '=', year)]",
        help="Type the period number (3), year and number (2026-03) or a date of the period",
    )
    date_from = fields.Date(related="period_id.date_from")
    date_to = fields.Date(related="period_id.date_to")
    employee_scope = fields.Selection(EMPLOYEE_SCOPES, string="Employees", required=True, default="all")
    selected_employee_ids = fields.Many2many(
        "hr.employee",
        string="Selected employees",
        check_company=True,
        domain="[('id', 'in', bound_employee_ids)]",
        help="Only these employees are exported",
    )
    bound_employee_ids = fields.Many2many("hr.employee", compute="_compute_bound_employee_ids")
    employee_ids = fields.Many2many(
        "hr.employee",
        string="Employees exported",
        compute="_compute_employee_ids",
        help="Every employee bound to the integration's Loket employer, or the selected ones",
    )
    recipient_ids = fields.Many2many("res.partner", string="Recipients", default=lambda self: self.env.user.partner_id)
    preview_html = fields.Html(compute="_compute_preview", sanitize=False)
    warnings = fields.Text(compute="_compute_preview")
    warnings_html = fields.Html(compute="_compute_preview", sanitize=False)
    has_entries = fields.Boolean(compute="_compute_preview")
    loket_holds_values = fields.Boolean(
        compute="_compute_preview",
        help="Loket holds values of this period, from an earlier send, that Odoo no longer has: sending sets them to 0",
    )
    previous_export_id = fields.Many2one("loket.export", string="Last export", compute="_compute_previous_export")
    previous_outdated = fields.Boolean(compute="_compute_previous_export")

    @api.model_create_multi
    def create(self, vals_list):
        # Another company's integration is refused before anything is written (the record
        # rule of the wizard would refuse it only after the insert).
        default = self.env.context.get("default_integration_id")
        ids = {vals.get("integration_id", default) for vals in vals_list} - {None, False}
        self.env["loket.integration"].browse(ids).check_access("read")
        return super().create(vals_list)

    @api.onchange("integration_id", "year")
    def _onchange_period_list(self):
        if not (self.integration_id and self.year):
            return
        periods = self.env["loket.payroll.period"]._ensure_for(self.integration_id, self.year)
        if self.period_id in periods:
            return
        due = self.integration_id._loket_last_closed_period()
        if due and not self.period_id and due.year != self.year:
            # Just opened (early in a year): the period due is last year's.
            self.year = due.year
            self.period_id = due
        elif due in periods:
            self.period_id = due
        else:  # another year: its last ended period, else its first
            today = fields.Date.context_today(self)
            ended = periods.filtered(lambda p: p.date_to < today).sorted("date_to")
            self.period_id = ended[-1:] or periods.sorted("date_from")[:1]

    @api.depends("integration_id")
    def _compute_bound_employee_ids(self):
        for wizard in self:
            # sudo: the Loket binding is an HR field; the employees themselves are the export's scope.
            bound = self.env["hr.employee"].sudo().search([("loket_integration_id", "=", wizard.integration_id.id)])
            # Set in sudo mode: the user needs no HR rights to see whom the export holds (19.0
            # checks read access to the employees set on a many2many).
            wizard.sudo().bound_employee_ids = self.env["hr.employee"].browse(bound.ids)

    @api.depends("employee_scope", "selected_employee_ids", "bound_employee_ids")
    def _compute_employee_ids(self):
        for wizard in self:
            selected = wizard.employee_scope == "selected"
            wizard.sudo().employee_ids = wizard.selected_employee_ids if selected else wizard.bound_employee_ids

    @api.depends("integration_id", "period_id")
    def _compute_previous_export(self):
        for wizard in self:
            export = self.env["loket.export"].search(
                [("integration_id", "=", wizard.integration_id.id), ("period_id", "=", wizard.period_id.id)], limit=1
            )
            wizard.previous_export_id = export
            wizard.previous_outdated = bool(export) and export.is_outdated

    @api.depends("integration_id", "period_id", "employee_ids")
    @api.depends_context("lang", "uid")
    def _compute_preview(self):
        for wizard in self:
            wizard.has_entries = wizard.loket_holds_values = False
            if not wizard.integration_id or not wizard.period_id:
                wizard.preview_html = wizard.warnings = wizard.warnings_html = False
                continue
            if not wizard.employee_ids:
                wizard.warnings = wizard.warnings_html = False
                wizard.preview_html = wizard._preview_message(
                    self.env._("Choose the employees to export.")
                    if wizard.employee_scope == "selected"
                    else self.env._(
                        "No employee is bound to this integration yet: add or map the Loket employees first."
                    )
                )
                continue
            try:
                data = wizard.integration_id._loket_export_data(
                    wizard.period_id.date_from, wizard.period_id.date_to, wizard.employee_ids
                )
            except UserError as exc:  # e.g. a component number that is not valid: said where the preview goes
                wizard.warnings = wizard.warnings_html = False
                wizard.preview_html = wizard._preview_message(exc.args[0], "alert-danger")
                continue
            wizard.has_entries = bool(data.entries)
            wizard.warnings = "\n".join(data.warnings) or False
            wizard.warnings_html = (
                Markup("<ul class='mb-0'>%s</ul>") % Markup().join(Markup("<li>%s</li>") % w for w in data.warnings)
                if data.warnings
                else False
            )
            try:
                table = wizard._preview_table(data) if data.entries else None
            except PayrollCsvError as exc:  # a value the file cannot hold: said where the preview goes
                wizard.has_entries = False
                wizard.preview_html = wizard._preview_message(
                    self.env._("The Loket file cannot be made: %(error)s", error=str(exc)), "alert-danger"
                )
                continue
            if table:
                wizard.preview_html = table
                continue
            wizard.preview_html = wizard._preview_message(
                self.env._(
                    "Nothing to export: no hours or wage components to send to Loket for %(period)s.",
                    period=wizard.period_id.display_name,
                )
            )
            wizard.loket_holds_values = wizard._loket_holds_values()
            if wizard.loket_holds_values:
                wizard.preview_html += wizard._preview_message(
                    self.env._(
                        "Loket holds values of this period from an earlier send: "
                        "“Generate and send to Loket” sets them to 0."
                    ),
                    "alert-warning mt-2",
                )

    def _loket_holds_values(self):
        """Whether an earlier send left a value other than 0 in Loket for the period's employees."""
        held = self.env["loket.export"]._loket_held_rows(
            self.integration_id, self.period_id.year, self.period_id.number, self.employee_ids
        )
        return any(value for row in held.values() for value in row._values.values())

    @staticmethod
    def _preview_message(text, css_class="alert-info"):
        return Markup("<div class='alert %s mb-0' role='status'>%s</div>") % (css_class, text)

    def _preview_table(self, data):
        """The file's rows as the reader reads them: one per employment × distribution unit,
        one column per Loket component, each value rounded once as in the file; the totals
        row adds those rounded values, as the export's totals do."""
        Export = self.env["loket.export"]
        rows = sum_entries(data.entries)
        components = sorted({c for values in rows.values() for c in values})
        employees = {number: data.employees[number] for number, _shift, _unit in rows}
        # sudo: the Loket employee number is an HR field; a Loket user exporting needs it to recognise the rows.
        employee_numbers = {
            e.id: e.loket_employee_number
            for e in self.env["hr.employee"].sudo().browse({e_id for _name, e_id in employees.values()})
        }
        units = {
            u.code: u.display_name for u in self.integration_id.with_context(active_test=False).distribution_unit_ids
        }
        labels = Export._component_labels(self.integration_id, self.period_id.year)
        column_totals = defaultdict(Decimal)
        body = []
        # Namesakes stay apart (name, id); an employee's employments follow each other.
        for key in sorted(rows, key=lambda k: (employees[k[0]], k[0], k[1] or 0, k[2])):
            payroll_number, _shift, unit = key
            name, employee_id = employees[payroll_number]
            cells = Markup()
            for component in components:
                value = rows[key].get(component)
                if value is not None:
                    column_totals[component] += value
                cells += Markup("<td class='text-end'>%s</td>") % (
                    Export._format_number(value) if value is not None else ""
                )
            body.append(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>%s</tr>")
                % (payroll_number, employee_numbers[employee_id] or "", name, units.get(unit, unit), cells)
            )
        head = Markup().join(
            Markup("<th class='text-end'>%s<br/><small class='fw-normal'>%s</small></th>") % (c, labels.get(c, ""))
            for c in components
        )
        foot = Markup().join(
            Markup("<td class='text-end'>%s</td>") % Export._format_number(column_totals[c]) for c in components
        )
        return Markup(
            "<table class='table table-sm table-hover o_loket_export_preview'>"
            "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>%s</tr></thead>"
            "<tbody>%s</tbody>"
            "<tfoot class='fw-bold table-group-divider'><tr><td colspan='4'>%s</td>%s</tr></tfoot></table>"
        ) % (
            self.env._("Payroll no."),
            self.env._("Employee no."),
            self.env._("Employee"),
            self.env._("Distribution unit"),
            head,
            Markup().join(body),
            self.env._("Total (%(count)s employee(s))", count=len(set(employees.values()))),
            foot,
        )

    def action_generate(self):
        self.check_access("write")  # the wizard is its creator's; its rules keep it in the company
        return self._generate_export(self.recipient_ids)

    def action_generate_and_send(self):
        """Generate, then send straight to Loket (mailing the file too when the integration delivers both).
        A period whose hours were all deleted after a send is sent too (as 0s), its empty file not mailed."""
        self.check_access("write")
        self.integration_id._loket_require_connected()  # before an export is made that could not be sent
        recipients = self.recipient_ids if self.delivery == "both" and self.has_entries else None
        return self._generate_export(recipients, send=True, allow_empty=self.loket_holds_values)

    def _open_export(self, export):
        """The export's form in the exports' own action, replacing the screens the wizard was
        opened from: its URL and breadcrumb are the export's ("Loket exports / file"), not the
        timesheets' (whose URL took the export's id for a timesheet's). It carries its views:
        it is also opened as a notification's ``next``, which the server does not complete."""
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_export")
        action.update(res_id=export.id, view_mode="form", views=[(False, "form")], target="main")
        return action

    def _generate_export(self, recipients, send=False, allow_empty=False):
        """The export, opened; for many employees a notification that the background makes
        it (loket.job kind ``export``; ``send``: then sends it, as the export's own button)."""
        self.ensure_one()
        if not self.period_id:
            raise UserError(self.env._("Choose the payroll period to export."))
        if not self.employee_ids:
            raise UserError(self.env._("Choose at least one employee to export."))
        Export = self.env["loket.export"]
        args = (self.integration_id, self.period_id, self.employee_ids, recipients, self.employee_scope)
        job = Export._loket_export_in_background(*args, send=send, allow_empty=allow_empty)
        if job:
            action = job._loket_started_notification()
            action["params"]["next"] = {"type": "ir.actions.act_window_close"}
            return action
        export = Export._loket_generate_checked(*args, allow_empty=allow_empty)
        outcome = export._loket_send() if send else None  # None: sent in the background, the export shows how far
        if outcome is None:
            return self._open_export(export)
        action = export._loket_notification(outcome)  # what the send did, then the export
        action["params"]["next"] = self._open_export(export)
        return action
