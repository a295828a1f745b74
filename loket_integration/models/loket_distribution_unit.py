from odoo import fields, models

from ..odoo_version import Constraint


class LoketDistributionUnit(models.Model):
    """A Loket distribution unit (verdelingseenheid) of the integration's employer."""

    _name = "loket.distribution.unit"
    _description = "Loket distribution unit"
    _order = "code"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    loket_id = fields.Char(required=True)
    code = fields.Char(required=True)
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)

    _loket_unique = Constraint("unique(integration_id, loket_id)", "This distribution unit is listed already.")

    def _compute_display_name(self):
        for unit in self:
            unit.display_name = f"{unit.code} {unit.name}"

    def _replace_for(self, integration, rows):
        """Mirror Loket's list; units Loket no longer has are archived (mappings keep them).
        Loket's lists are the addon's records (users read them): written in sudo mode, by a
        request whose rights were checked."""
        Units = self.sudo()
        existing = {
            u.loket_id: u
            for u in Units.with_context(active_test=False).search([("integration_id", "=", integration.id)])
        }
        seen = set()
        for row in rows:
            values = {
                "code": str(row.get("code")),
                "name": row.get("description") or str(row.get("code")),
                "active": True,
            }
            seen.add(row["id"])
            if row["id"] in existing:
                existing[row["id"]].write(values)
            else:
                Units.create(dict(values, integration_id=integration.id, loket_id=row["id"]))
        Units.browse([u.id for key, u in existing.items() if key not in seen]).write({"active": False})
