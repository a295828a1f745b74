import datetime
import hashlib
import json
import logging
import time

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import formatLang

from ..loket.employee_mapper import employee_values, employment_values, minimal_bundle, row_summary
from ..odoo_version import employee_field, employee_fields, group_users
from .loket_job import INLINE_LIMIT

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200
FULL_SYNC_EVERY = datetime.timedelta(days=7)
RUN_LOCK_NAMESPACE = 7_415_539  # session advisory lock: one sync per integration at a time
# Synced employee fields and how the chatter names them.
SYNCED_FIELDS = {
    "name": "name",
    "private_street": "street",
    "private_zip": "postal code",
    "private_city": "city",
    "private_country_id": "country",
    "birthday": "birthday",
    employee_field("gender"): "gender",
    "private_email": "private e-mail",
    "private_phone": "private phone",
    "work_email": "work e-mail",
    "km_home_work": "home-work distance",
}
# What Loket may not overwrite on employees mapped to existing ones, unless the administrator says so.
NOT_OVERWRITTEN_BY_DEFAULT = ("hr.employee.work_email", "loket.employment.department_id")


def _bundle_hash(bundle):
    return hashlib.sha256(json.dumps(bundle, sort_keys=True, default=str).encode()).hexdigest()


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    loket_employee_ids = fields.One2many("loket.employee", "integration_id", string="Loket employees")
    employee_to_decide_count = fields.Integer(compute="_compute_employee_to_decide_count")
    overwrite_field_ids = fields.Many2many(
        "ir.model.fields",
        string="Loket overwrites",
        domain=lambda self: self._overwritable_fields_domain(),
        default=lambda self: self._default_overwrite_fields(),
        help="Fields Loket may overwrite on employees that were mapped to existing Odoo employees. "
        "Employees added from Loket are always kept equal to Loket.",
    )
    employee_version_numbers = fields.Json(copy=False, help="Loket's lastModifiedVersionNumber per employment")
    last_full_sync = fields.Datetime(readonly=True, copy=False)
    last_sync_summary = fields.Char(readonly=True, copy=False)

    def _compute_employee_to_decide_count(self):
        groups = self.env["loket.employee"]._read_group(
            [("integration_id", "in", self.ids), ("decision", "=", "to_decide")], ["integration_id"], ["__count"]
        )
        counts = {integration.id: count for integration, count in groups}
        for integration in self:
            integration.employee_to_decide_count = counts.get(integration.id, 0)

    @api.model
    def _overwritable_fields_domain(self):
        return [
            "|",
            "&",
            ("model", "=", "hr.employee"),
            ("name", "in", list(SYNCED_FIELDS)),
            "&",
            ("model", "=", "loket.employment"),
            ("name", "=", "department_id"),
        ]

    @api.model
    def _default_overwrite_fields(self):
        candidates = self.env["ir.model.fields"].sudo().search(self._overwritable_fields_domain())
        return candidates.filtered(lambda f: f"{f.model}.{f.name}" not in NOT_OVERWRITTEN_BY_DEFAULT)

    def _loket_may_overwrite(self, model, field_name):
        return any(f.model == model and f.name == field_name for f in self.sudo().overwrite_field_ids)

    # -- fetching (in batches: loket_employee_fetch.py) ------------------------------------

    def action_fetch_employees(self):
        """Fetch the Loket employees: in this request when Loket lists them on one page of
        at most INLINE_LIMIT (that page is reused), else in the background (loket.job)."""
        self._loket_check_manage()
        self._require_administration()
        employees, pages, size = self._loket_call(lambda client: client.employees_first_page(self.loket_employer_id))
        if pages <= 1 and len(employees) <= INLINE_LIMIT:
            job = self._loket_start_job("fetch_employees", total=len(employees), inline=True, held=employees)
            return self._loket_fetched_notification(job)
        return self._loket_start_job("fetch_employees", total=size, inline=False)._loket_started_notification()

    def _loket_fetched_notification(self, job):
        """What the fetch ``job`` found, then the Loket employees list."""
        to_decide = self.env["loket.employee"].search_count(
            [("integration_id", "=", self.id), ("status", "=", "to_decide")]
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "className": "o_loket_fetched",
                "message": self.env._(
                    "%(count)s Loket employee(s) fetched: %(new)s new, %(to_decide)s to decide.",
                    count=job.fetched_count,
                    new=job.new_count,
                    to_decide=to_decide,
                ),
                "next": self.env["loket.employee"]._loket_list_next(self),
            },
        }

    def action_sync_employees(self):
        """'Synchronise now': a full re-sync on demand (in the background for big employers)."""
        self._loket_check_manage()
        self._require_administration()
        job = self._loket_start_job("sync_employees", payload={"full": True}, total=len(self.loket_employee_ids))
        return job._loket_started_notification() if job.background else True

    def action_open_loket_employees(self):
        """The integration's Loket employees: those to decide, or all when none is."""
        self.ensure_one()
        self.check_access("read")
        return self.env["loket.employee"]._loket_list_action(self)

    def _loket_store_employees(self, bundles):
        """Upsert the mapping rows. Rows whose Loket data did not change are not
        touched; changed rows of bound employees are flagged ``pending_sync``.
        Returns the new rows."""
        self.ensure_one()
        bundles = [minimal_bundle(b) for b in bundles]  # rows keep only what the sync uses
        # One query for the fingerprints of these employees' rows.
        self.env["loket.employee"].flush_model(["loket_id", "data_hash", "integration_id"])
        self.env.cr.execute(
            "SELECT loket_id, id, data_hash FROM loket_employee WHERE integration_id = %s AND loket_id = ANY(%s)",
            (self.id, [b["employee"]["id"] for b in bundles]),
        )
        known = {loket_id: (row_id, digest) for loket_id, row_id, digest in self.env.cr.fetchall()}
        for loket_id in self._loket_rows_lacking_data():  # erased, and needed again
            if loket_id in known:
                known[loket_id] = (known[loket_id][0], None)
        hashes = {b["employee"]["id"]: _bundle_hash(b) for b in bundles}
        changed = [b for b in bundles if known.get(b["employee"]["id"], (None, None))[1] != hashes[b["employee"]["id"]]]
        if not changed:
            return self.env["loket.employee"]
        rows = {
            r.loket_id: r
            for r in self.env["loket.employee"].browse(
                [known[b["employee"]["id"]][0] for b in changed if b["employee"]["id"] in known]
            )
        }
        Employee = self.env["hr.employee"].with_context(active_test=False)
        ids = [b["employee"]["id"] for b in changed if b["employee"]["id"] not in known]
        # Bound employees of this company only: another company's integration on the same Loket
        # employer binds its own employees to the same Loket ids.
        domain = [("company_id", "=", self.company_id.id), ("loket_employee_id", "in", ids)]
        bound = {e.loket_employee_id: e for e in Employee.search(domain)} if ids else {}
        suggest = self._loket_employee_suggester() if ids else None  # only new Loket employees get suggestions
        new_vals = []
        for bundle in changed:
            employee = bundle["employee"]
            values = employee_values(employee)
            display = {
                "employee_number": employee.get("employeeNumber"),
                "name": values["name"],
                "birth_date": values["birthday"],
                "work_email": values["work_email"],
                **row_summary(bundle),
                "data": bundle,
                "data_hash": hashes[employee["id"]],
            }
            row = rows.get(employee["id"])
            if row:
                row.sudo().write(dict(display, pending_sync=bool(row.employee_id)))
                continue
            suggestion = bound.get(employee["id"]) or suggest(values)
            vals = dict(display, integration_id=self.id, loket_id=employee["id"], suggested_employee_id=suggestion.id)
            if bound.get(employee["id"]):  # already bound (another run, or mapped before): keep it
                vals.update(decision="map", employee_id=suggestion.id, pending_sync=True)
            new_vals.append(vals)
        # Loket's side of the rows: written by the addon (the model refuses it from users).
        new_rows = self.env["loket.employee"].sudo().create(new_vals).with_env(self.env)
        self.env["loket.employee"]._loket_erase_unneeded([("integration_id", "=", self.id)])
        return new_rows

    def _loket_employee_suggester(self):
        """A function from Loket employee values to the Odoo employee to suggest: same name
        and birth date, else same work e-mail, among the company's unbound employees.
        One read for all of them, not a search per Loket employee."""
        Employee = self.env["hr.employee"]
        candidates = Employee.search_read(
            [("company_id", "=", self.company_id.id), ("loket_employee_id", "=", False)],
            ["name", "birthday", "work_email"],
            order="id",
        )
        by_name_birthday, by_email = {}, {}
        for row in candidates:
            by_name_birthday.setdefault(((row["name"] or "").strip().lower(), row["birthday"]), row["id"])
            if row["work_email"]:
                by_email.setdefault(row["work_email"].strip().lower(), row["id"])

        def suggest(values):
            birthday = fields.Date.to_date(values["birthday"]) if values["birthday"] else None
            match = birthday and by_name_birthday.get(((values["name"] or "").strip().lower(), birthday))
            if not match and values["work_email"]:
                match = by_email.get(values["work_email"].strip().lower())
            return Employee.browse(match or [])

        return suggest

    # -- applying decisions ----------------------------------------------------------------

    def _loket_apply_decisions(self, rows):
        """Add (in bulk, see _loket_add_employees) and map ``rows``; returns ``(added, mapped)``."""
        self._loket_check_decisions(rows)
        to_add = rows.filtered(lambda r: r.decision == "add" and not r.employee_id)
        to_add.fetch(["data"])  # one query for the batch: ``data`` is not prefetched row by row
        to_add = self._loket_rows_ready(to_add)
        if to_add:
            self._loket_add_employees(to_add)
        to_map = self._loket_own_company_rows((rows - to_add).filtered(lambda r: r.decision == "map"))
        for row in to_map:
            row.employee_id.write(self._loket_binding_vals(row))
            row.sudo().pending_sync = True  # the nightly sync brings the fields Loket owns
        return len(to_add), len(to_map)

    def _loket_check_decisions(self, rows):
        """Refuse, before anything is applied, rows mapped to nobody (a search: the rows are not read)."""
        domain = [("id", "in", rows.ids), ("decision", "=", "map"), ("employee_id", "=", False)]
        unmapped = self.env["loket.employee"].search(domain, limit=1)
        if unmapped:
            raise UserError(self.env._("Choose the Odoo employee to map %(name)s to.", name=unmapped.name))

    def _loket_foreign_employee_error(self):
        return self.env._(
            "This row is mapped to an Odoo employee of another company; map it to an employee of %(company)s.",
            company=self.company_id.name,
        )

    def _loket_own_company_rows(self, rows):
        """The rows whose Odoo employee (if any) is of the integration's company; the others get
        an error and are left alone. The model refuses such rows; this check holds where runs go
        with elevated rights (the crons run as superuser), should one be in the database anyway."""
        own = rows.filtered(lambda row: not row.employee_id or row.employee_id.sudo().company_id == self.company_id)
        (rows - own).sudo().write({"sync_error": self._loket_foreign_employee_error()})
        return own

    def _loket_binding_vals(self, row):
        return {
            "loket_integration_id": self.id,
            "loket_employee_id": row.loket_id,
            "loket_employee_number": row.employee_number,
        }

    def _loket_employee_vals(self, row, created=False, countries=None):
        """``countries``: country ids by code, filled as they are looked up (one search per code and pass)."""
        self._loket_check_data(row)
        values = employee_fields(employee_values(row.data["employee"]))
        country_code = values.pop("private_country_code")
        countries = {} if countries is None else countries
        if country_code and country_code not in countries:
            countries[country_code] = self.env["res.country"].search([("code", "=", country_code)], limit=1).id
        values["private_country_id"] = countries.get(country_code, False) if country_code else False
        if created:
            values.update(self._loket_binding_vals(row), company_id=self.company_id.id)
        elif row.decision == "map":  # mapped to an existing employee: only what Loket owns
            values = {k: v for k, v in values.items() if self._loket_may_overwrite("hr.employee", k)}
        return values

    def _loket_sync_employments(self, employee, row, lookups, mapped=False):
        """The employee's bindings (``loket.employment``) follow Loket's employments, then
        Odoo's own records follow the bindings (``loket.employment.mirror``, the version
        part) and a leaver is followed. Returns the employee's bindings of this integration."""
        Employment = self.env["loket.employment"].sudo()  # Loket's side: written by the addon
        items = row.data["employments"]
        domain = [("integration_id", "=", self.id), ("loket_id", "in", [i["employment"]["id"] for i in items])]
        existing = {e.loket_id: e for e in Employment.with_context(active_test=False).search(domain)}
        may_move_department = not mapped or self._loket_may_overwrite("loket.employment", "department_id")
        bindings, to_create = Employment, []
        for item in items:
            values = employment_values(item["employment"], item["entity"], item["hours"])
            vals, department = self._loket_employment_vals(values, lookups, may_move_department)
            vals.update(employee_id=employee.id, loket_employee_id=row.id, data=item)
            binding = existing.get(values["loket_id"])
            if binding:
                changes = {k: v for k, v in vals.items() if LoketIntegration._loket_differs(binding[k], v)}
                if changes:
                    binding.write(changes)
                bindings |= binding
            else:
                to_create.append(self._loket_new_employment_vals(employee, values, vals, department))
        bindings = (bindings | Employment.create(to_create)).with_env(self.env)
        self.env["loket.employment.mirror"]._loket_mirror(bindings)
        own = self._loket_employments_of(employee)
        self._loket_follow_leaver(employee, own)
        return own

    def _loket_employments_of(self, employees):
        """The active bindings of ``employees`` in this integration."""
        domain = [("integration_id", "=", self.id), ("employee_id", "in", employees.ids)]
        return self.env["loket.employment"].sudo().search(domain).with_env(self.env)

    def _loket_employment_vals(self, values, lookups, may_move_department=True):
        """The binding values Loket keeps up to date, and the employment's department."""
        department = self._loket_find_or_create("hr.department", values["department_name"], lookups)
        vals = {
            "payroll_number": values["payroll_number"],
            "shift_number": values["shift_number"],
            "date_start": values["date_start"],
            "date_end": values["date_end"],
            "job_id": self._loket_find_or_create("hr.job", values["job_name"], lookups).id,
            "hours_per_week": values["hours_per_week"],
        }
        if may_move_department and department:
            vals["department_id"] = department.id
        return vals, department

    def _loket_new_employment_vals(self, employee, values, vals, department):
        """A new binding's values: Loket's department, else the employee's."""
        return dict(
            vals,
            integration_id=self.id,
            loket_id=values["loket_id"],
            employee_id=employee.id,
            department_id=department.id or employee.department_id.id,
        )

    def _loket_find_or_create(self, model, name, lookups):
        """The department or job called ``name`` in the integration's company, created when
        missing; ``lookups`` remembers the answers of one pass (one query per name, not per employment)."""
        records = self.env[model]
        if not name:
            return records
        if (model, name) not in lookups:
            domain = [("name", "=", name), ("company_id", "in", [self.company_id.id, False])]
            found = records.search(domain, limit=1) or records.create({"name": name, "company_id": self.company_id.id})
            lookups[(model, name)] = found.id
        return records.browse(lookups[(model, name)])

    # -- nightly synchronisation -----------------------------------------------------------

    def _loket_sync_employees(self, full=False):
        """Fetch what changed, refresh the mapping rows, update bound employees
        (logging each change) and ask the administrators about new Loket employees,
        in this process: the steps of a ``sync_employees`` run (loket.job), inline. A run
        of this integration that is unfinished (a crash) is resumed rather than started
        again. Returns how many employees were updated.

        Incremental: when no employment's ``lastModifiedVersionNumber`` moved, only
        that list is read; a full pass runs on demand and weekly. Rows and employments
        are keyed by Loket ids, so nothing is created twice. One run per integration at
        a time (advisory lock)."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (RUN_LOCK_NAMESPACE, self.id))
        if not self.env.cr.fetchone()[0]:
            _logger.info("Loket sync of %s is already running; skipped", self.name)
            return False
        try:
            job = self._loket_start_job("sync_employees", payload={"full": full}, inline=True)
            if job.state in ("queued", "running"):  # an unfinished run was there: it goes on
                job._loket_run_inline()
            return job.updated_count
        finally:
            self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (RUN_LOCK_NAMESPACE, self.id))

    # The run in steps, for a sync run (loket.job), which keeps ``state`` (JSON) with each
    # batch: start, the fetch in batches (loket_employee_fetch.py), batches of updates
    # until one finds nothing to do, end.

    def _loket_sync_start(self, job, full, client):
        """Read what changed. Returns the run's state, or None when Loket changed nothing
        (then the run is over). The version numbers read now are kept with the run
        (loket.fetch.item) and become the known ones once the rows are refreshed."""
        now = fields.Datetime.now()
        full = full or not self.last_full_sync or self.last_full_sync < now - FULL_SYNC_EVERY
        versions = client.employment_version_numbers(self.loket_employer_id)
        if (
            not full
            and versions == (self.employee_version_numbers or {})
            and not self.env["loket.employee"].search_count(self._loket_pending_domain())
        ):
            self.sudo().write({"last_sync": now, "last_sync_summary": self.env._("No change in Loket")})
            return None
        self.env["loket.fetch.item"].sudo().create(
            [
                {"job_id": job.id, "list_name": "employment_versions", "key": key, "data": number}
                for key, number in versions.items()
            ]
        )
        return {
            "full": full,
            "started": time.time(),
            "fetch": {},
            "employees": 0,
            "new_row_ids": [],
            "failed_ids": [],
            "changed": 0,
        }

    def _loket_sync_fetched(self, job):
        """The rows are refreshed: the version numbers read at the start are the known ones."""
        items = self.env["loket.fetch.item"].sudo()
        kept = items.search_fetch([("job_id", "=", job.id), ("list_name", "=", "employment_versions")], ["key", "data"])
        self.sudo().employee_version_numbers = {item.key: item.data for item in kept}
        items._loket_drop(job.ids, ["employment_versions"])

    def _loket_pending_domain(self):
        return [("integration_id", "=", self.id), ("pending_sync", "=", True), ("employee_id", "!=", False)]

    def _loket_sync_batch(self, state, lookups=None):
        """Update the next BATCH_SIZE bound employees whose Loket data changed; ``state`` is
        updated. Returns how many it handled (0: none is left)."""
        rows = self.env["loket.employee"].search(
            [*self._loket_pending_domain(), ("id", "not in", state["failed_ids"])], order="id", limit=BATCH_SIZE
        )
        lookups = {} if lookups is None else lookups  # department and job ids by name
        for row in rows:
            try:
                with self.env.cr.savepoint():
                    state["changed"] += self._loket_update_employee(row, lookups)
            except UserError as exc:  # ValidationError too: record it on the row, go on with the others
                lookups.clear()  # what the rolled-back savepoint created is gone
                row.sudo().sync_error = str(exc)
                state["failed_ids"].append(row.id)
                continue
            row.sudo().write({"pending_sync": False, "sync_error": False})
        if rows:
            _logger.info("Loket sync of %s: %s employees updated", self.name, len(rows))
        return len(rows)

    def _loket_sync_end(self, state):
        """Ask about new Loket employees, report failures, write the summary."""
        Rows = self.env["loket.employee"]
        new_rows = Rows.browse(state["new_row_ids"]).exists()
        failed = Rows.browse(state["failed_ids"]).exists()
        Rows._loket_erase_unneeded([("integration_id", "=", self.id)])
        if new_rows:
            self._loket_notify_new_employees(new_rows)
        if failed:
            self.message_post(
                body=self.env._(
                    "Loket sync could not update %(count)s employee(s): %(names)s (see the Loket employees list).",
                    count=len(failed),
                    names=", ".join(failed.mapped("name")),
                )
            )
        summary = self.env._(
            "%(employees)s Loket employees, %(changed)s updated, %(failed)s failed, %(new)s new, in %(seconds)s s",
            employees=state["employees"],
            changed=state["changed"],
            failed=len(failed),
            new=len(new_rows),
            seconds=formatLang(self.env, time.time() - state["started"], digits=1),  # "0,2" in Dutch
        )
        now = fields.Datetime.now()
        values = {"last_sync": now, "last_sync_summary": summary}
        if state["full"]:
            values["last_full_sync"] = now
        self.sudo().write(values)
        return summary

    def _loket_update_employee(self, row, lookups):
        employee = row.employee_id
        if employee.sudo().company_id != self.company_id:  # the nightly run is superuser's: checked here
            raise UserError(self._loket_foreign_employee_error())
        values = self._loket_employee_vals(row)
        changes = {
            k: v for k, v in values.items() if k in SYNCED_FIELDS and LoketIntegration._loket_differs(employee[k], v)
        }
        if changes:
            lines = [
                self.env._(
                    "Loket: %(field)s %(old)s → %(new)s",
                    field=SYNCED_FIELDS[k],
                    old=self._loket_show(employee[k]),
                    new=self._loket_show(employee[k].browse(v) if isinstance(employee[k], models.BaseModel) else v),
                )
                for k, v in changes.items()
            ]
            employee.write(changes)
            employee.message_post(body="\n".join(lines))
        self._loket_sync_employments(employee, row, lookups, mapped=row.decision == "map")
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
        managers = group_users(self.env.ref("loket_integration.group_loket_manager")).filtered(
            lambda user: self.company_id in user.company_ids
        )
        note = self._loket_text_html(
            self.env._(
                "%(count)s new Loket employee(s) to decide: %(names)s",
                count=len(rows),
                names=", ".join(rows.mapped("name")),
            )
        )
        for user in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("New Loket employees to decide"),
                note=note,
                user_id=user.id,
            )

    def _loket_commit(self):
        if not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_sync_employees(self):
        """The nightly sync: one background run per connected integration (loket.job)."""
        for integration in self.search([("state", "=", "connected"), ("loket_employer_id", "!=", False)]):
            integration._loket_start_job("sync_employees", payload={"full": False}, inline=False)
