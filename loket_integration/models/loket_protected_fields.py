from odoo import api, models
from odoo.exceptions import AccessError

DEFAULT_PREFIX = "default_"


class LoketProtectedFields(models.AbstractModel):
    """Fields the addon sets itself (Loket's ids and names, states, fingerprints, what Loket
    last said): a user's ``create`` or ``write`` that names one is refused. The addon writes
    them in sudo mode, after checking the user's rights itself.

    ``readonly=True`` protects a field in the view only, and context ``default_*`` keys reach
    ``create`` as values: both paths are checked here, in the model.
    """

    _name = "loket.protected.fields.mixin"
    _description = "Loket: fields the addon sets itself"

    # The names of the fields only the addon's own code writes.
    _loket_protected_fields = ()

    def _loket_check_protected(self, field_names):
        if self.env.su:
            return
        refused = sorted(set(field_names) & set(self._loket_protected_fields))
        if refused:
            labels = ", ".join(self._fields[name].get_description(self.env)["string"] for name in refused)
            raise AccessError(
                self.env._(
                    "%(fields)s (%(model)s) are set by the Loket integration itself and cannot be changed by hand.",
                    fields=labels,
                    model=self._description,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        defaults = {key.removeprefix(DEFAULT_PREFIX) for key in self.env.context if key.startswith(DEFAULT_PREFIX)}
        self._loket_check_protected(defaults.union(*vals_list))
        return super().create(vals_list)

    def write(self, vals):
        self._loket_check_protected(vals)
        return super().write(vals)
