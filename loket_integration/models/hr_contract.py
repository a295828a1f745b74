from odoo import fields, models


class HrContract(models.Model):
    _inherit = "hr.contract"

    loket_employment_id = fields.Char(
        "Loket employment",
        copy=False,
        index=True,
        help="The employment (dienstverband) in Loket this contract follows.",
    )
    loket_payroll_number = fields.Integer(
        "Payroll number",
        copy=False,
        help="The personeelsnummer of this employment in Loket; the export file books the hours on it.",
    )
    loket_shift_number = fields.Integer("Shift", copy=False, help="The shift (ploeg) of this employment in Loket.")
