from odoo import fields, models

from ..loket.payroll_periods import period_type_from_loket


class LoketAdministrationOption(models.Model):
    """An employer + payroll administration the connected Loket login can reach:
    the choices of the integration's administration dropdown."""

    _name = "loket.administration.option"
    _description = "Loket payroll administration (choice)"
    _order = "employer_name, name"

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    loket_employer_id = fields.Char(required=True)
    employer_name = fields.Char()
    loket_administration_id = fields.Char(required=True)
    name = fields.Char(required=True)
    client_number = fields.Char()
    payroll_period_type = fields.Char()
    payroll_period_type_key = fields.Integer()

    def _compute_display_name(self):
        for option in self:
            employer, name = option.employer_name or "", option.name or ""
            # An administration named like its employer (the usual case) is named once: the
            # choice then fits the integration form ("…Krakeling (5" was all it showed).
            label = employer if name.casefold() in employer.casefold() else " — ".join(filter(None, (employer, name)))
            option.display_name = f"{label} ({option.client_number or '?'})"

    def _integration_values(self):
        self.ensure_one()
        return {
            "loket_employer_id": self.loket_employer_id,
            "loket_employer_name": self.employer_name,
            "loket_administration_id": self.loket_administration_id,
            "loket_administration_name": self.name,
            "client_number": self.client_number,
            "payroll_period_type": period_type_from_loket(
                {"key": self.payroll_period_type_key, "value": self.payroll_period_type}
            ),
        }

    def _replace_for(self, integration, rows, employer_ids=None):
        """Keep the options of ``integration`` equal to Loket's ``(employer, administration)`` rows
        (only those of ``employer_ids``, when given: the employers the rows were asked for).
        Loket's list (users read it): written in sudo mode, rights checked by the caller."""
        Options = self.sudo()
        domain = [("integration_id", "=", integration.id)]
        if employer_ids is not None:
            domain.append(("loket_employer_id", "in", list(employer_ids)))
        existing = {o.loket_administration_id: o for o in Options.search(domain)}
        seen, new = set(), []
        for employer, administration in rows:
            period_type = administration.get("payrollPeriodType") or {}
            values = {
                "integration_id": integration.id,
                "loket_employer_id": employer["id"],
                "employer_name": employer.get("companyName"),
                "loket_administration_id": administration["id"],
                "name": administration.get("name") or administration.get("description") or administration["id"],
                "client_number": str(administration["clientNumber"]) if administration.get("clientNumber") else False,
                "payroll_period_type": period_type.get("value"),
                "payroll_period_type_key": period_type.get("key") or 0,
            }
            seen.add(administration["id"])
            if administration["id"] in existing:
                existing[administration["id"]].write(values)
            else:
                new.append(values)
        Options.create(new)
        Options._remove_stale(integration, [o for key, o in existing.items() if key not in seen])

    def _keep_employers(self, integration, employer_ids):
        """Remove the options of employers the login no longer reaches."""
        Options = self.sudo()
        gone = Options.search([("integration_id", "=", integration.id), ("loket_employer_id", "not in", employer_ids)])
        Options._remove_stale(integration, gone)

    def _remove_stale(self, integration, options):
        """Remove ``options``, except the integration's choice."""
        self.browse([o.id for o in options if o != integration.administration_option_id]).unlink()
