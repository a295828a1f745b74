import base64
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import get_lang

from ..loket.payroll_csv import build_payroll_csv, export_file_name
from ..odoo_version import EMPLOYEE_RELATION_MIXINS

EMPLOYEE_SCOPES = [("all", "All employees of this integration"), ("selected", "Selected employees")]


class LoketExport(models.Model):
    """One generated Loket import file: what was sent, for which period, and what was left out."""

    _name = "loket.export"
    _description = "Loket export"
    _inherit = ["mail.thread", *EMPLOYEE_RELATION_MIXINS]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    integration_id = fields.Many2one("loket.integration", required=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    period_id = fields.Many2one("loket.payroll.period", readonly=True, ondelete="set null", check_company=True)
    year = fields.Integer(readonly=True)
    period_number = fields.Integer(readonly=True)
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)
    version = fields.Integer(readonly=True, default=1)
    # Outdated is not a step: it is shown apart (ribbon, badge), whatever the state.
    state = fields.Selection(
        [("generated", "Generated"), ("sent", "Mailed")],
        string="Status",
        compute="_compute_state",
        store=True,
        help="Whether the file was mailed; what went straight to Loket is counted apart",
    )
    mailed = fields.Boolean(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True, check_company=True)
    file_data = fields.Binary(related="attachment_id.datas", string="File")
    sha256 = fields.Char("SHA-256", readonly=True)
    row_count = fields.Integer("Rows", readonly=True)
    totals = fields.Json(readonly=True, help="Total per Loket component number")
    totals_text = fields.Text("Totals per component", compute="_compute_totals_text")
    warnings = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    employee_scope = fields.Selection(EMPLOYEE_SCOPES, string="Employees", default="all", readonly=True)
    employee_ids = fields.Many2many("hr.employee", readonly=True, check_company=True)
    source_fingerprint = fields.Char(readonly=True)
    is_outdated = fields.Boolean(compute="_compute_is_outdated")
    newer_export_id = fields.Many2one(
        "loket.export", "Newer version", compute="_compute_newer_export_id", help="The latest version of this period"
    )
    outdated_badge = fields.Selection([("outdated", "Outdated")], "Outdated", compute="_compute_is_outdated")

    @api.depends("totals", "year", "integration_id.payroll_component_ids")
    @api.depends_context("lang", "uid")
    def _compute_totals_text(self):
        for export in self:
            export.totals_text = export._totals_text(export.totals or {})

    def _totals_text(self, totals):
        """``{component number: value}`` as the reader reads it: ``1 Uren gewerkt: 24.00``, a line each."""
        self.ensure_one()
        labels = self._component_labels(self.integration_id, self.year)
        return "\n".join(
            f"{number} {labels.get(int(number), '')}".rstrip() + f": {self._format_number(Decimal(value))}"
            for number, value in sorted(totals.items(), key=lambda i: int(i[0]))
        )

    @api.model
    def _component_labels(self, integration, year):
        """``{component number: name}`` of ``integration``, the names of ``year`` first."""
        components = integration.payroll_component_ids.sorted(lambda c: (c.year == year, c.year))
        return {c.number: c.name for c in components}

    @api.model
    def _user_lang(self):
        """The ``res.lang`` whose number and date formats the reader expects."""
        return self.env["res.lang"].browse(get_lang(self.env, self.env.lang or self.env.user.lang).id)

    @api.model
    def _format_number(self, value, digits=2):
        """``value`` rounded half up (as in Loket's file) in the reader's number format."""
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        return self._user_lang().format(f"%.{digits}f", rounded, grouping=True)

    @api.model
    def _format_hours(self, hours):
        """Hours to two decimals, a whole number with one (``3.0``), in the reader's number format."""
        rounded = round(hours, 2)
        return self._format_number(rounded, digits=1 if rounded == round(rounded, 1) else 2)

    def _compute_is_outdated(self):
        # One query for all the exports shown, however many: the history list must not ask per row.
        current = self.env["loket.integration"]._loket_timesheet_fingerprints(
            [(e.integration_id, e.date_from, e.date_to, e.employee_ids or None) for e in self]
        )
        for export, fingerprint in zip(self, current, strict=True):
            export.is_outdated = fingerprint != export.source_fingerprint
            export.outdated_badge = "outdated" if export.is_outdated else False

    def _compute_newer_export_id(self):
        latest = {}
        for export in self.search(
            [("period_id", "in", self.period_id.ids), ("integration_id", "in", self.integration_id.ids)],
            order="version desc, id desc",
        ):
            latest.setdefault((export.integration_id, export.period_id), export)
        for export in self:
            newest = latest.get((export.integration_id, export.period_id), self.browse())
            export.newer_export_id = newest if newest.version > export.version else False

    @api.depends("mailed")
    def _compute_state(self):
        for export in self:
            export.state = "sent" if export.mailed else "generated"

    @api.model
    def _generate(self, integration, period, employees, recipients, employee_scope="all", allow_empty=True):
        """Build the file for ``period``, keep it as a new version and mail it.
        ``employee_scope``: whether ``employees`` are all the integration's or a choice.
        ``allow_empty=False`` refuses a file without a single value."""
        integration._require_export_ready()
        data = integration._loket_export_data(period.date_from, period.date_to, employees)
        if not data.entries and not allow_empty:
            raise UserError(
                self.env._(
                    "Nothing to export for %(period)s: there are no hours or wage components to send to Loket.",
                    period=period.display_name,
                )
            )
        csv = build_payroll_csv(integration.client_number, data.entries)
        # Exports are the addon's records (users read them): made in sudo mode, by a request
        # whose rights were checked (the export wizard, a run it started, the scheduled action).
        Export = self.sudo()
        previous = Export.search_count([("integration_id", "=", integration.id), ("period_id", "=", period.id)])
        name = export_file_name(
            integration.loket_administration_name or integration.client_number,
            period.year,
            period.number,
            version=previous + 1,
        )
        export = Export.create(
            {
                "name": name,
                "integration_id": integration.id,
                "period_id": period.id,
                "year": period.year,
                "period_number": period.number,
                "date_from": period.date_from,
                "date_to": period.date_to,
                "version": previous + 1,
                "sha256": hashlib.sha256(csv.data).hexdigest(),
                "row_count": csv.rows,
                "totals": {str(k): str(v) for k, v in csv.totals.items()},
                "warnings": "\n".join(data.warnings) or False,
                "employee_scope": employee_scope,
                "employee_ids": [(6, 0, employees.ids)] if employees else False,
                "source_fingerprint": integration._loket_timesheet_fingerprint(
                    period.date_from, period.date_to, employees or None
                ),
            }
        )
        export.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(csv.data),
                    "mimetype": "text/csv",
                    "res_model": self._name,
                    "res_id": export.id,
                    "company_id": export.company_id.id,
                }
            )
        )
        integration.sudo().last_export = fields.Datetime.now()  # a Loket user may not edit the integration
        if recipients:
            export._send(recipients)
        return export

    def _send(self, recipients):
        """Queue the mail with the file attached (sent by the mail queue), one per
        language of the recipients, each written in that language."""
        template = self.env.ref("loket_integration.mail_template_loket_export")
        for export in self:
            for lang, partners in recipients.grouped(lambda p, e=export: p.lang or e.user_id.lang).items():
                # The template's lang reads loket_mail_lang: the body is rendered in the recipients' language.
                template.with_context(loket_mail_lang=lang).send_mail(
                    export.id,
                    email_values={
                        "recipient_ids": [(6, 0, partners.ids)],
                        "attachment_ids": [(4, export.attachment_id.id)],
                    },
                )
            export.mailed = True
            export.message_post(
                body=self.env._("Mailed to %(names)s.", names=", ".join(recipients.mapped("display_name")))
            )

    def action_generate_again(self):
        """The export wizard on this export's period and employees."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_export_wizard")
        context = {
            "default_integration_id": self.integration_id.id,
            "default_year": self.year,
            "default_period_id": self.period_id.id,
            "default_employee_scope": self.employee_scope,
        }
        if self.employee_scope == "selected":
            context["default_selected_employee_ids"] = self.employee_ids.ids
        action["context"] = context
        return action

    def action_download(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
