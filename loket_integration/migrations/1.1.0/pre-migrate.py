"""1.1.0, before the update: the contract views of the former version go.

Loket's side of the employments leaves hr.contract for loket.employment (post-migrate.py).
The views this addon added to the contract form and list name the contract's former fields;
they would break the contract views as soon as those fields are gone. The version part
(odoo_versions/18.0/loket_integration_hr_contract) brings its own."""

import logging

_logger = logging.getLogger(__name__)

FORMER_VIEWS = ("hr_contract_view_form_loket", "hr_contract_view_list_loket")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT id, res_id FROM ir_model_data"
        " WHERE module = 'loket_integration' AND model = 'ir.ui.view' AND name IN %s",
        (FORMER_VIEWS,),
    )
    rows = cr.fetchall()
    if not rows:
        return
    cr.execute("DELETE FROM ir_ui_view WHERE id IN %s", (tuple(res_id for _id, res_id in rows),))
    cr.execute("DELETE FROM ir_model_data WHERE id IN %s", (tuple(data_id for data_id, _res in rows),))
    _logger.info("Loket 1.1.0: %s former contract view(s) removed", len(rows))
