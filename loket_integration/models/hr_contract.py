from odoo import fields, models


class HrContract(models.Model):
    _inherit = "hr.contract"

    loket_employment_id = fields.Char("Loket employment id", copy=False, index=True)
    loket_payroll_number = fields.Integer(
        "Payroll number", copy=False, help="Loket's payrollId of the employment: the persnr of the export file"
    )
    loket_shift_number = fields.Integer("Shift", copy=False, help="Loket shift (ploeg) of the employment")
