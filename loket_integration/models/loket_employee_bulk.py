from collections import defaultdict

from odoo import models

from ..loket.employee_mapper import employment_values

# What Odoo's own import (base_import → load) and bulk creations pass: no creation message,
# no follower subscription, no field tracking on the records created.
BULK_CREATE_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "import_file": True,
}


class LoketIntegration(models.Model):
    # Adding many Loket employees at once, in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    def _loket_add_employees(self, rows):
        """Create the Odoo employees of ``rows`` (decision Add, not applied yet) and their
        employments: one ``create`` for the employees, one for the bindings (and the version
        part's mirror creates Odoo's records in one go), with the import's context flags;
        departments, jobs and countries looked up once per call."""
        lookups, countries = {}, {}
        items = [
            (row, item, employment_values(item["employment"], item["entity"], item["hours"]))
            for row in rows
            for item in row.data["employments"]
        ]
        self._loket_preload_lookups("hr.department", {v["department_name"] for _row, _i, v in items}, lookups)
        self._loket_preload_lookups("hr.job", {v["job_name"] for _row, _i, v in items}, lookups)
        employees = (
            self.env["hr.employee"]
            .with_context(**BULK_CREATE_CONTEXT)
            .create([self._loket_employee_vals(row, created=True, countries=countries) for row in rows])
        )
        by_row = dict(zip(rows.ids, employees, strict=True))
        for row, employee in zip(rows, employees, strict=True):
            row.sudo().write({"employee_id": employee.id, "pending_sync": False})
        vals_list = []
        for row, item, values in items:
            employee = by_row[row.id]
            vals, department = self._loket_employment_vals(values, lookups)
            vals.update(loket_employee_id=row.id, data=item)
            vals_list.append(self._loket_new_employment_vals(employee, values, vals, department))
        Employment = self.env["loket.employment"].sudo().with_context(**BULK_CREATE_CONTEXT)
        employments = Employment.create(vals_list).with_env(self.env)  # Loket's side: the addon's
        # New employees: their Odoo records in one go where the version part can (its mirror).
        self.env["loket.employment.mirror"].with_context(**BULK_CREATE_CONTEXT)._loket_mirror(employments)
        by_employee = defaultdict(list)
        for employment in employments:
            by_employee[employment.employee_id].append(employment.id)
        for employee, ids in by_employee.items():
            self._loket_follow_leaver(employee, employments.browse(ids))
        return employees

    def _loket_preload_lookups(self, model, names, lookups):
        """Fill ``lookups`` (see _loket_find_or_create) for all ``names`` with one search;
        the missing ones are created together."""
        names = {n for n in names if n and (model, n) not in lookups}
        if not names:
            return
        Model = self.env[model]
        found = Model.search([("name", "in", list(names)), ("company_id", "in", [self.company_id.id, False])])
        for record in found:  # in the model's order: the first one wins, as with search(limit=1)
            lookups.setdefault((model, record.name), record.id)
        missing = sorted(n for n in names if (model, n) not in lookups)
        for record in Model.create([{"name": n, "company_id": self.company_id.id} for n in missing]):
            lookups[(model, record.name)] = record.id
