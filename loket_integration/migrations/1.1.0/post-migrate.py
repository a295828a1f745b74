"""1.1.0, after the update: Loket's side of each employment moves from hr.contract into a
binding of the addon (loket.employment), the contract being its mirror.

- Each contract with a Loket employment id or a payroll number becomes a binding with its
  Loket id, payroll number, shift, dates, department and job, mirrored by that contract
  (``mirror_model``/``mirror_res_id``); a cancelled contract's binding is archived (the export
  left it out, and still does). Bindings are made in the contracts' order, so that where the
  export chose between two employments by id it still chooses the same one: files stay
  byte-identical. The contract's former columns go with the update (Odoo drops the columns of
  fields no longer defined); nothing of them is left that the bindings do not hold.
- Export rows keep Loket's employment id (text): nothing to repoint.
- "Loket overwrites" naming the contract's department name the employment's instead.
- The version part (loket_integration_hr_contract) is installed in the same run: an
  auto_install module new to the database is not installed by ``-u`` (Odoo installs one only
  when one of its dependencies is being installed, ``ir.module.module.button_install``).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

VERSION_PART = "loket_integration_hr_contract"
FORMER_COLUMNS = ("loket_employment_id", "loket_payroll_number", "loket_shift_number")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _move_employments(env)
    _repoint_overwrites(env)
    _install_version_part(env)


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,))
    return {name for (name,) in cr.fetchall()}


def _move_employments(env):
    cr = env.cr
    if not set(FORMER_COLUMNS) <= _columns(cr, "hr_contract"):
        return
    cr.execute(
        """
        SELECT c.id, c.employee_id, c.company_id, c.loket_employment_id, c.loket_payroll_number,
               c.loket_shift_number, c.date_start, c.date_end, c.department_id, c.job_id, c.state,
               e.loket_integration_id, e.loket_employee_id
          FROM hr_contract c
          JOIN hr_employee e ON e.id = c.employee_id
         WHERE c.loket_employment_id IS NOT NULL OR c.loket_payroll_number > 0
      ORDER BY c.id
        """
    )
    contracts = cr.dictfetchall()
    if not contracts:
        return
    cr.execute("SELECT id, company_id FROM loket_integration ORDER BY id")
    integrations_by_company = {}
    for integration_id, company_id in cr.fetchall():
        integrations_by_company.setdefault(company_id, []).append(integration_id)
    cr.execute("SELECT integration_id, loket_id, id FROM loket_employee")
    rows = {(integration_id, loket_id): row_id for integration_id, loket_id, row_id in cr.fetchall()}
    cr.execute("SELECT integration_id, loket_id FROM loket_employment WHERE loket_id IS NOT NULL")
    bound = set(cr.fetchall())
    vals_list, left = [], []
    for contract in contracts:
        integration_id = contract["loket_integration_id"]
        if not integration_id and len(integrations_by_company.get(contract["company_id"], ())) == 1:
            integration_id = integrations_by_company[contract["company_id"]][0]
        if not integration_id:
            left.append(contract["id"])
            continue
        loket_id = contract["loket_employment_id"] or False
        if loket_id and (integration_id, loket_id) in bound:
            loket_id = False  # a second contract of one employment (a copy): the first one keeps the id
        bound.add((integration_id, loket_id))
        vals_list.append(
            {
                "integration_id": integration_id,
                "loket_employee_id": rows.get((integration_id, contract["loket_employee_id"]), False),
                "employee_id": contract["employee_id"],
                "loket_id": loket_id,
                "payroll_number": contract["loket_payroll_number"] or 0,
                "shift_number": contract["loket_shift_number"] or 0,
                "date_start": contract["date_start"],
                "date_end": contract["date_end"],
                "department_id": contract["department_id"],
                "job_id": contract["job_id"],
                "active": contract["state"] != "cancel",
                "mirror_model": "hr.contract",
                "mirror_res_id": contract["id"],
            }
        )
    context = {"tracking_disable": True, "mail_create_nolog": True, "active_test": False}
    env["loket.employment"].with_context(**context).create(vals_list)
    env["loket.employment"].flush_model()
    _logger.info("Loket 1.1.0: %s contract(s) moved into Loket employments", len(vals_list))
    if left:
        # Their company has no single integration to bind them to: the payroll number stays
        # in the former columns until the update drops them, so the ids are logged.
        _logger.warning(
            "Loket 1.1.0: contract(s) %s carry a payroll number but no Loket integration could be told for "
            "their employee; bind the employee and fetch again",
            left,
        )


def _repoint_overwrites(env):
    cr = env.cr
    old = env["ir.model.fields"].search([("model", "=", "hr.contract"), ("name", "=", "department_id")])
    new = env["ir.model.fields"].search([("model", "=", "loket.employment"), ("name", "=", "department_id")])
    if not old or not new:
        return
    cr.execute(
        """
        INSERT INTO ir_model_fields_loket_integration_rel (loket_integration_id, ir_model_fields_id)
             SELECT loket_integration_id, %s FROM ir_model_fields_loket_integration_rel WHERE ir_model_fields_id = %s
        ON CONFLICT DO NOTHING
        """,
        (new.id, old.id),
    )
    cr.execute("DELETE FROM ir_model_fields_loket_integration_rel WHERE ir_model_fields_id = %s", (old.id,))
    env["loket.integration"].invalidate_model(["overwrite_field_ids"])


def _install_version_part(env):
    module = env["ir.module.module"].search([("name", "=", VERSION_PART)])
    if not module:
        _logger.warning(
            "Loket 1.1.0: the addon %s is not on the addons path; add odoo_versions/18.0 of the repository to it "
            "and update loket_integration again (Odoo's contracts follow the Loket employments with it)",
            VERSION_PART,
        )
        return
    if module.state == "uninstalled":
        module.button_install()  # loaded with the modules "to install" of this same run
        _logger.info("Loket 1.1.0: %s marked to be installed", VERSION_PART)
