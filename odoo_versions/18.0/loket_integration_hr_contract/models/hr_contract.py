from odoo import fields, models


class HrContract(models.Model):
    _inherit = "hr.contract"

    # The Loket employment this contract mirrors (loket.employment.mirror_res_id points here).
    # Names of their own: the contract's former stored fields (loket_employment_id, a UUID, and
    # loket_payroll_number, loket_shift_number) moved into loket.employment (migrations/1.1.0).
    loket_employment_binding_id = fields.Many2one(
        "loket.employment",
        string="Loket employment",
        compute="_compute_loket_employment_binding_id",
        search="_search_loket_employment_binding_id",
        help="The employment (dienstverband) in Loket this contract follows.",
    )
    loket_payroll = fields.Integer(related="loket_employment_binding_id.payroll_number", string="Payroll number")
    loket_shift = fields.Integer(related="loket_employment_binding_id.shift_number", string="Shift")

    def _compute_loket_employment_binding_id(self):
        # sudo: whoever may read the contract sees which employment it follows (as before the
        # binding, when the payroll number was a field of the contract).
        employments = (
            self.env["loket.employment"]
            .sudo()
            .with_context(active_test=False)
            .search([("mirror_model", "=", "hr.contract"), ("mirror_res_id", "in", self.ids)])
        )
        by_contract = {employment.mirror_res_id: employment.id for employment in employments}
        for contract in self:
            contract.loket_employment_binding_id = by_contract.get(contract.id, False)

    def _search_loket_employment_binding_id(self, operator, value):
        Employment = self.env["loket.employment"].sudo().with_context(active_test=False)
        mirrored = [("mirror_model", "=", "hr.contract")]
        if value is False and operator in ("=", "!="):  # with or without a Loket employment
            ids = Employment.search(mirrored).mapped("mirror_res_id")
            return [("id", "not in" if operator == "=" else "in", ids)]
        return [("id", "in", Employment.search([*mirrored, ("id", operator, value)]).mapped("mirror_res_id"))]
