import datetime
import logging

from odoo import api, fields, models, modules
from odoo.exceptions import UserError

from ..loket import LoketError, LoketInvalidGrantError
from ..loket.employee_mapper import contract_values, employee_values

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Synced employee fields and how the chatter names them.
SYNCED_FIELDS = {
    "name": "name",
    "private_street": "street",
    "private_zip": "postal code",
    "private_city": "city",
    "private_country_id": "country",
    "birthday": "birthday",
    "private_email": "private e-mail",
    "private_phone": "private phone",
    "work_email": "work e-mail",
    "km_home_work": "home-work distance",
}


class LoketIntegration(models.Model):
    _inherit = "loket.integration"

    loket_employee_ids = fields.One2many("loket.employee", "integration_id", string="Loket employees")
    employee_to_decide_count = fields.Integer(compute="_compute_employee_to_decide_count")
    overwrite_work_email = fields.Boolean(
        help="Loket may overwrite the work e-mail of employees mapped to existing Odoo employees."
    )
    overwrite_department = fields.Boolean(
        help="Loket may overwrite the contract department of employees mapped to existing Odoo employees."
    )

    def _compute_employee_to_decide_count(self):
        groups = self.env["loket.employee"]._read_group(
            [("integration_id", "in", self.ids), ("decision", "=", "to_decide")], ["integration_id"], ["__count"]
        )
        counts = {integration.id: count for integration, count in groups}
        for integration in self:
            integration.employee_to_decide_count = counts.get(integration.id, 0)

    # -- fetching ---------------------------------------------------------------------------

    def _loket_fetch_employee_bundles(self, client):
        """Employees with their employments, organizational entity and working hours:
        four paged lists for the whole employer, no request per employee."""
        employer = self.loket_employer_id
        entities = {
            r["employmentId"]: r["organizationalEntity"] for r in client.actual_organizational_entities(employer)
        }
        hours = {r["employmentId"]: r["workingHours"] for r in client.actual_working_hours(employer)}
        employments = {}
        for employment in client.employments(employer):
            administration = (employment.get("payrollAdministration") or {}).get("id")
            if administration and administration != self.loket_administration_id:
                continue  # another administration of the same employer
            employments.setdefault(employment["employee"]["id"], {})[employment["id"]] = {
                "employment": employment,
                "entity": entities.get(employment["id"]),
                "hours": hours.get(employment["id"]),
            }
        bundles = {}
        for employee in client.employees(employer):
            bundles[employee["id"]] = {  # Loket listing one employee twice keeps one
                "employee": employee,
                "employments": list(employments.get(employee["id"], {}).values()),
            }
        return list(bundles.values())

    def action_fetch_employees(self):
        self._require_administration()
        bundles = self._loket_call(self._loket_fetch_employee_bundles)
        self._loket_store_employees(bundles)
        return self.action_open_loket_employees()

    def action_open_loket_employees(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_employee")
        action["domain"] = [("integration_id", "=", self.id)]
        action["context"] = {"default_integration_id": self.id, "search_default_to_decide": 1}
        return action

    def _loket_store_employees(self, bundles):
        """Upsert the mapping rows; returns the rows that are new."""
        self.ensure_one()
        rows = {r.loket_id: r for r in self.loket_employee_ids}
        Employee = self.env["hr.employee"].with_context(active_test=False)
        bound = {
            e.loket_employee_id: e
            for e in Employee.search([("loket_employee_id", "in", [b["employee"]["id"] for b in bundles])])
        }
        new_vals = []
        for bundle in bundles:
            employee = bundle["employee"]
            values = employee_values(employee)
            spans = [b["employment"] for b in bundle["employments"]]
            display = {
                "employee_number": employee.get("employeeNumber"),
                "name": values["name"],
                "birth_date": values["birthday"],
                "work_email": values["work_email"],
                "employment_start": min((s["startDate"] for s in spans), default=False),
                "employment_end": False
                if any(not s.get("endDate") for s in spans)
                else max((s["endDate"] for s in spans), default=False),
                "payroll_numbers": ", ".join(str(s.get("payrollId")) for s in spans),
                "data": bundle,
            }
            row = rows.get(employee["id"])
            if row:
                row.write(display)
                continue
            suggestion = bound.get(employee["id"]) or self._loket_suggest_employee(values)
            vals = dict(display, integration_id=self.id, loket_id=employee["id"], suggested_employee_id=suggestion.id)
            if bound.get(employee["id"]):
                vals.update(decision="map", employee_id=suggestion.id)
            new_vals.append(vals)
        return self.env["loket.employee"].create(new_vals)

    def _loket_suggest_employee(self, values):
        """Same name and birth date, else same work e-mail, in the integration's company."""
        Employee = self.env["hr.employee"]
        domain = [("company_id", "=", self.company_id.id), ("loket_employee_id", "=", False)]
        if values["birthday"]:
            match = Employee.search(
                [*domain, ("name", "=ilike", values["name"]), ("birthday", "=", values["birthday"])], limit=1
            )
            if match:
                return match
        if values["work_email"]:
            return Employee.search([*domain, ("work_email", "=ilike", values["work_email"])], limit=1)
        return Employee

    # -- applying decisions ----------------------------------------------------------------

    def _loket_apply_decisions(self, rows):
        for row in rows:
            if row.decision == "add" and not row.employee_id:
                employee = self.env["hr.employee"].create(self._loket_employee_vals(row, created=True))
                row.employee_id = employee
                self._loket_sync_contracts(employee, row.data, created=True)
            elif row.decision == "map":
                if not row.employee_id:
                    raise UserError(self.env._("Choose the Odoo employee to map %(name)s to.", name=row.name))
                row.employee_id.write(self._loket_binding_vals(row))

    def _loket_binding_vals(self, row):
        return {
            "loket_integration_id": self.id,
            "loket_employee_id": row.loket_id,
            "loket_employee_number": row.employee_number,
        }

    def _loket_employee_vals(self, row, created=False):
        values = employee_values(row.data["employee"])
        country_code = values.pop("private_country_code")
        values["private_country_id"] = (
            self.env["res.country"].search([("code", "=", country_code)], limit=1).id if country_code else False
        )
        if not created and not self.overwrite_work_email:
            values.pop("work_email")
        if created:
            values.update(self._loket_binding_vals(row), company_id=self.company_id.id)
        return values

    def _loket_sync_contracts(self, employee, bundle, created=False):
        """One contract per employment; new employments get a contract, ended ones are closed."""
        Contract = self.env["hr.contract"]
        existing = {
            c.loket_employment_id: c
            for c in Contract.search([("employee_id", "=", employee.id), ("loket_employment_id", "!=", False)])
        }
        today = fields.Date.today()
        for item in bundle["employments"]:
            values = contract_values(item["employment"], item["entity"], item["hours"])
            department = self._loket_department(values.pop("department_name"))
            job = self._loket_job(values.pop("job_name"))
            values.pop("distribution_unit_code")
            vals = {
                "loket_employment_id": values["loket_employment_id"],
                "loket_payroll_number": values["loket_payroll_number"],
                "loket_shift_number": values["shift_number"],
                "date_start": values["date_start"],
                "date_end": values["date_end"],
                "job_id": job.id,
            }
            if created or self.overwrite_department:
                vals["department_id"] = department.id
            contract = existing.get(values["loket_employment_id"])
            if contract:
                contract.write({k: v for k, v in vals.items() if contract[k] != v and k != "loket_employment_id"})
            else:
                ended = values["date_end"] and fields.Date.to_date(values["date_end"]) < today
                contract = Contract.create(
                    dict(
                        vals,
                        name=f"{employee.name} – {values['loket_payroll_number']}",
                        employee_id=employee.id,
                        company_id=self.company_id.id,
                        department_id=department.id or employee.department_id.id,
                        wage=0.0,
                        state="close" if ended else "open",
                    )
                )
            if contract.date_end and contract.date_end < today and contract.state == "open":
                contract.state = "close"

    def _loket_department(self, name):
        if not name:
            return self.env["hr.department"]
        Department = self.env["hr.department"]
        return Department.search(
            [("name", "=", name), ("company_id", "in", [self.company_id.id, False])], limit=1
        ) or Department.create({"name": name, "company_id": self.company_id.id})

    def _loket_job(self, name):
        if not name:
            return self.env["hr.job"]
        Job = self.env["hr.job"]
        return Job.search(
            [("name", "=", name), ("company_id", "in", [self.company_id.id, False])], limit=1
        ) or Job.create({"name": name, "company_id": self.company_id.id})

    # -- nightly synchronisation -----------------------------------------------------------

    def _loket_sync_employees(self):
        """Fetch, refresh the mapping rows, update bound employees (logging each change),
        and ask the administrators about new Loket employees. Committed per batch
        outside tests; re-running after a crash creates nothing twice (rows and
        contracts are keyed by Loket ids)."""
        self.ensure_one()
        bundles = self._loket_fetch_employee_bundles(self._loket_client())
        new_rows = self._loket_store_employees(bundles)
        bound_rows = self.loket_employee_ids.filtered(lambda r: r.decision in ("add", "map") and r.employee_id)
        changed = 0
        for start in range(0, len(bound_rows), BATCH_SIZE):
            for row in bound_rows[start : start + BATCH_SIZE]:
                changed += self._loket_update_employee(row)
            self._loket_commit()
        if new_rows:
            self._loket_notify_new_employees(new_rows)
        self.last_sync = fields.Datetime.now()
        self._loket_commit()
        _logger.info(
            "Loket sync of %s: %s employees, %s updated, %s new", self.name, len(bundles), changed, len(new_rows)
        )
        return changed

    def _loket_update_employee(self, row):
        employee = row.employee_id
        values = self._loket_employee_vals(row)
        mapped_existing = row.decision == "map"
        if mapped_existing and not self.overwrite_work_email:
            values.pop("work_email", None)
        changes = {k: v for k, v in values.items() if k in SYNCED_FIELDS and self._loket_differs(employee[k], v)}
        if changes:
            lines = [
                self.env._(
                    "Loket: %(field)s %(old)s → %(new)s",
                    field=SYNCED_FIELDS[k],
                    old=self._loket_show(employee[k]),
                    new=self._loket_show(v),
                )
                for k, v in changes.items()
            ]
            employee.write(changes)
            employee.message_post(body="\n".join(lines))
        self._loket_sync_contracts(employee, row.data, created=False)
        return 1 if changes else 0

    @staticmethod
    def _loket_differs(current, new):
        if isinstance(current, models.BaseModel):
            return current.id != (new or False)
        if isinstance(current, datetime.date):
            return fields.Date.to_string(current) != (new or False)
        return (current or False) != (new or False)

    @staticmethod
    def _loket_show(value):
        if isinstance(value, models.BaseModel):
            return value.display_name or "-"
        return value or "-"

    def _loket_notify_new_employees(self, rows):
        managers = self.env.ref("loket_integration.group_loket_manager").users.filtered(
            lambda user: self.company_id in user.company_ids
        )
        for user in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("New Loket employees to decide"),
                note=self.env._(
                    "%(count)s new Loket employee(s): %(names)s", count=len(rows), names=", ".join(rows.mapped("name"))
                ),
                user_id=user.id,
            )

    def _loket_commit(self):
        if not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_sync_employees(self):
        for integration in self.search([("state", "=", "connected"), ("loket_employer_id", "!=", False)]):
            try:
                integration._loket_sync_employees()
            except LoketError as exc:
                if not modules.module.current_test:
                    self.env.cr.rollback()
                if isinstance(exc, LoketInvalidGrantError):
                    integration._loket_mark_disconnected(str(exc))
                integration.message_post(body=integration._loket_error_text(exc))
                _logger.warning("Loket sync of %s failed: %s", integration.name, exc)
                integration._loket_commit()
