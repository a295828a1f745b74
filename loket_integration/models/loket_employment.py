from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket.contract_plan import Span
from ..odoo_version import Constraint
from .loket_employee import PRIVATE_GROUPS


class LoketEmployment(models.Model):
    """Loket's side of one employment (dienstverband): the binding the export, the send and
    the sync read. Odoo's own record of it (``hr.contract`` on 18.0, ``hr.version`` on 19.0)
    is a mirror kept by the version part (``loket.employment.mirror``); without one, the
    binding alone is enough to export, send and sync."""

    _name = "loket.employment"
    _description = "Loket employment"
    _inherit = ["loket.protected.fields.mixin"]
    # Everything here is Loket's or the sync's: the addon's code writes it, users read it.
    _loket_protected_fields = (
        "integration_id",
        "loket_employee_id",
        "employee_id",
        "loket_id",
        "payroll_number",
        "shift_number",
        "date_start",
        "date_end",
        "department_id",
        "job_id",
        "hours_per_week",
        "data",
        "note",
        "active",
        "mirror_model",
        "mirror_res_id",
    )
    _order = "integration_id, employee_id, date_start desc, id desc"
    _check_company_auto = True

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True, index=True)
    loket_employee_id = fields.Many2one(
        "loket.employee", string="Loket employee", ondelete="set null", index=True, check_company=True
    )
    employee_id = fields.Many2one("hr.employee", string="Odoo employee", index=True, check_company=True)
    loket_id = fields.Char("Loket employment id", index=True, copy=False)
    payroll_number = fields.Integer(
        "Payroll number", help="The personeelsnummer of this employment in Loket; the export books the hours on it."
    )
    shift_number = fields.Integer("Shift", help="The shift (ploeg) of this employment in Loket.")
    date_start = fields.Date("Start date")
    date_end = fields.Date("End date", help="Empty while the employment runs on.")
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        help="The department the export books this employment's hours on (its distribution unit).",
    )
    job_id = fields.Many2one("hr.job", string="Job position", check_company=True)
    hours_per_week = fields.Float("Hours per week", digits=(16, 2))
    data = fields.Json(
        "What Loket last said",
        groups=PRIVATE_GROUPS,
        prefetch=False,
        help="Loket's employment, organizational entity and working hours as last read",
    )
    note = fields.Char(readonly=True, help="What Odoo could not follow of this employment, and why.")
    active = fields.Boolean(default=True)
    mirror_model = fields.Char("Mirrored by (model)", readonly=True, index=True)
    mirror_res_id = fields.Many2oneReference("Mirrored by (record)", model_field="mirror_model", readonly=True)
    mirror_display = fields.Char("Odoo record", compute="_compute_mirror_display")

    _loket_id_unique = Constraint(
        "UNIQUE(integration_id, loket_id)", "A Loket employment is bound once per integration."
    )

    @api.depends("payroll_number", "integration_id.loket_employer_name", "integration_id.name")
    def _compute_display_name(self):
        """'1234 – Bakkerij de Korenschoof': the payroll number and the employer, not Loket's UUID."""
        for employment in self:
            integration = employment.integration_id.sudo()
            employer = integration.loket_employer_name or integration.name or ""
            number = employment.payroll_number or self.env._("no payroll number")
            employment.display_name = f"{number} – {employer}" if employer else str(number)

    @api.depends("mirror_model", "mirror_res_id")
    def _compute_mirror_display(self):
        self.mirror_display = False
        # Per model, not per binding: one query for which records exist and one for which the
        # reader may read (a list shows dozens of bindings).
        for model, employments in (
            self.filtered(lambda e: e.mirror_model in self.env and e.mirror_res_id).grouped("mirror_model").items()
        ):
            records = self.env[model].browse(employments.mapped("mirror_res_id")).exists()
            found = {record.id: record for record in records}  # (prefetched together: names in one read)
            readable = set(records._filtered_access("read").ids)
            # The kind of record (a contract, 19.0's version, whose own name is only a date), then
            # its name for those who may read it.
            kind = self.env["ir.model"]._get(model).name
            for employment in employments:
                record = found.get(employment.mirror_res_id)
                if record and record.id in readable:
                    employment.mirror_display = f"{kind}: {record.display_name}"
                elif record:
                    employment.mirror_display = kind

    def _check_company(self, fnames=None):
        """Odoo's refusal names the other company's records; the same refusal, without their names."""
        try:
            return super()._check_company(fnames)
        except UserError:
            raise UserError(
                self.env._("A Loket employment can only refer to records of its integration's company.")
            ) from None

    def _loket_spans(self):
        """The contract plan's spans of these employments (keyed by binding id)."""
        return [
            Span(employment.id, employment.date_start, employment.date_end or None)
            for employment in self
            if employment.date_start
        ]
