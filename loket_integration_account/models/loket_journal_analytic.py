from odoo import api, fields, models

from odoo.addons.loket_integration.odoo_version import Constraint

KINDS = [("cost_center", "Cost center"), ("cost_unit", "Cost unit")]


class LoketJournalAnalytic(models.Model):
    """A Loket cost center (kostenplaats) or cost unit (kostendrager) and its analytic account."""

    _name = "loket.journal.analytic"
    _description = "Loket cost center mapping"
    _inherit = ["loket.journal.mapping.mixin"]
    _order = "kind, code, loket_key"
    _loket_protected_fields = ("settings_id", "kind", "loket_key", "code", "name", "proposed")
    _loket_target = "analytic_account_id"

    kind = fields.Selection(KINDS, required=True, readonly=True)
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic account",
        check_company=True,
        help="Empty: lines of this cost center or cost unit are booked without analytic distribution.",
    )

    _loket_unique = Constraint(
        "unique(settings_id, kind, loket_key)", "This Loket cost center or cost unit is listed already."
    )

    @api.model
    def _list_for_mapping(self, settings, kind, refs):
        return self._register_rows(settings, refs, {"kind": kind})

    def _propose_one(self, row):
        """An analytic account of the company (or shared) with Loket's code as reference, else
        with its description as name; for a cost center that the integration's cost center
        mapping knows as a distribution unit (same code or description), the analytic account
        named like the department(s) booked on that unit. Only a single match is proposed."""
        Analytic = self.env["account.analytic.account"]
        company = [("company_id", "in", [row.company_id.id, False])]
        for domain in (
            [("code", "=", row.code)] if row.code else [],
            [("name", "=ilike", row.name)] if row.name else [],
        ):
            if domain:
                found = Analytic.search(company + domain, limit=2)
                if len(found) == 1:
                    return found
        if row.kind != "cost_center":
            return Analytic
        integration = row.settings_id.integration_id.sudo()
        units = integration.distribution_unit_ids.filtered(
            lambda unit: (row.code and unit.code == row.code) or (row.name and unit.name.lower() == row.name.lower())
        )
        departments = integration.cost_center_ids.filtered(lambda c: c.distribution_unit_id in units).department_id
        names = set(departments.mapped("name"))
        if len(names) != 1:
            return Analytic
        found = Analytic.search([*company, ("name", "=ilike", names.pop())], limit=2)
        return found if len(found) == 1 else Analytic
