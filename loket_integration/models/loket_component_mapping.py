from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..loket.payroll_csv import COMPONENT_NUMBER


def component_number(text):
    """``text`` as a Loket payroll component number (int), or None when it is none."""
    text = (text or "").strip()
    return int(text) if COMPONENT_NUMBER.fullmatch(text) else None


class LoketComponentMapping(models.AbstractModel):
    """Something Odoo exports to one Loket payroll component number (blank = not exported).

    The number is checked against Loket's payroll components of the year as
    fetched on the integration: it must exist; a component outside an hours
    category only gets a warning.
    """

    _name = "loket.component.mapping"
    _description = "Mapping to a Loket payroll component"

    _check_company_auto = True

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    component_number = fields.Char(
        "Loket component", help="Loket payroll component number (at most 3 digits); blank = not exported"
    )
    component_id = fields.Many2one(
        "loket.payroll.component", compute="_compute_component", store=True, check_company=True
    )
    component_warning = fields.Char(compute="_compute_component", store=True)
    component_name = fields.Char("Name in Loket", related="component_id.name")

    @api.depends("component_number", "integration_id.payroll_component_ids")
    def _compute_component(self):
        for mapping in self:
            component = mapping._loket_component()
            mapping.component_id = component
            mapping.component_warning = (
                self.env._("%(component)s is not in an hours category", component=component.display_name)
                if component and not component.is_hours and mapping._expects_hours()
                else False
            )

    def _expects_hours(self):
        return True

    def _loket_component(self):
        number = component_number(self.component_number)
        if number is None:
            return self.env["loket.payroll.component"]
        components = self.integration_id.payroll_component_ids
        newest = max(components.mapped("year"), default=0)
        return components.filtered(lambda c: c.year == newest and c.number == number)[:1]

    def _loket_number(self):
        """The Loket payroll component number as an int, None when blank (not exported). A value
        that is no number of at most 3 digits (stored before it was checked) stops the export
        with an error naming the mapping: its hours are not dropped silently."""
        self.ensure_one()
        if not (self.component_number or "").strip():
            return None
        number = component_number(self.component_number)
        if number is None:
            raise UserError(self._loket_invalid_number_message())
        return number

    def _loket_invalid_number_message(self):
        return self.env._(
            "%(mapping)s: “%(number)s” is not a Loket payroll component number. "
            "Loket numbers its payroll components with at most 3 digits (for example 1 or 28).",
            mapping=self.sudo().display_name,
            number=(self.component_number or "").strip(),
        )

    @api.constrains("component_number", "integration_id")
    def _check_component_number(self):
        for mapping in self:
            number = (mapping.component_number or "").strip()
            if not number:
                continue
            if component_number(number) is None:
                raise ValidationError(mapping._loket_invalid_number_message())
            if not mapping.integration_id.payroll_component_ids:
                raise ValidationError(
                    self.env._(
                        "Fetch Loket's payroll components on %(name)s before entering component numbers.",
                        name=mapping.integration_id.name,
                    )
                )
            if not mapping._loket_component():
                raise ValidationError(
                    self.env._(
                        "Loket has no payroll component %(number)s in the administration of %(name)s.",
                        number=number,
                        name=mapping.integration_id.name,
                    )
                )
