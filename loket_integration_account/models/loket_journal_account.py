from odoo import api, fields, models

from odoo.addons.loket_integration.models.loket_protected_fields import LoketProtectedFields
from odoo.addons.loket_integration.odoo_version import ACCOUNT_IN_USE_DOMAIN, Constraint

from .loket_journal_settings import check_journal_rights, check_protected


class LoketJournalMappingMixin(models.AbstractModel):
    """A Loket ledger account, cost center or cost unit of an integration's payroll journal,
    listed from Loket's journal lines, with the Odoo record it is booked on. Loket's key, code
    and description are the addon's (a user only chooses the Odoo side); a choice of the
    user's replaces the addon's proposal."""

    _name = "loket.journal.mapping.mixin"
    _description = "Loket payroll journal mapping"
    _check_company_auto = True
    _loket_protected_fields = ("settings_id", "loket_key", "code", "name", "proposed")
    _loket_target = None  # the field of the Odoo record

    settings_id = fields.Many2one("loket.journal.settings", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="settings_id.company_id", store=True, index=True)
    loket_key = fields.Integer("Loket key", required=True, readonly=True)
    code = fields.Char("Loket code", readonly=True)
    name = fields.Char("Loket description", readonly=True)
    proposed = fields.Boolean(readonly=True, help="Proposed by the integration: check it.")

    def _compute_display_name(self):
        for row in self:
            row.display_name = " ".join(part for part in (row.code, row.name) if part) or str(row.loket_key)

    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_journal_rights(self.env)
        LoketProtectedFields._loket_check_protected(self, vals)
        result = super().write(vals)
        if self._loket_target in vals and "proposed" not in vals:  # a choice, no longer a proposal
            self.sudo().write({"proposed": False})
        return result

    @api.model
    def _register_rows(self, settings, refs, extra=None):
        """Rows for ``refs`` (``journal.Ref``); Loket's code and description follow Loket's.
        Returns the new rows."""
        Rows = self.sudo()
        domain = [("settings_id", "=", settings.id), *[(k, "=", v) for k, v in (extra or {}).items()]]
        existing = {row.loket_key: row for row in Rows.search(domain)}
        new = []
        for ref in refs:
            row = existing.get(ref.key)
            if row is None:
                new.append(
                    dict(extra or {}, settings_id=settings.id, loket_key=ref.key, code=ref.code, name=ref.description)
                )
            elif (row.code, row.name) != (ref.code, ref.description):
                row.write({"code": ref.code, "name": ref.description})
        return Rows.create(new).with_env(self.env)

    def _propose_one(self, row):
        """The Odoo record to propose for ``row``, or an empty recordset."""
        raise NotImplementedError

    def _propose(self):
        for row in self:
            target = self._propose_one(row)
            if target:
                row.sudo().write({self._loket_target: target.id, "proposed": True})


class LoketJournalAccount(models.Model):
    _name = "loket.journal.account"
    _description = "Loket ledger account mapping"
    _inherit = ["loket.journal.mapping.mixin"]
    _order = "code, loket_key"
    _loket_target = "account_id"

    account_id = fields.Many2one(
        "account.account",
        string="Odoo account",
        check_company=True,
        domain=str(ACCOUNT_IN_USE_DOMAIN),
        help="The account Loket's general ledger account is booked on.",
    )

    _loket_unique = Constraint("unique(settings_id, loket_key)", "This Loket ledger account is listed already.")

    @api.model
    def _list_for_mapping(self, settings, refs):
        return self._register_rows(settings, refs)

    def _propose_one(self, row):
        """The company's account with Loket's code, if there is exactly one."""
        if not row.code:
            return self.env["account.account"]
        Account = self.env["account.account"].with_company(row.company_id)
        found = Account.search(
            [*Account._check_company_domain(row.company_id), ("code", "=", row.code), *ACCOUNT_IN_USE_DOMAIN],
            limit=2,
        )
        return found if len(found) == 1 else Account
