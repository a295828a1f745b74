"""Odoo 19.0's record of Loket's employments: the employee's versions (``hr.version``).

On 19.0 a contract is the span ``contract_date_start``..``contract_date_end`` that one or more
versions of the employee share; a version applies from its ``date_version``. Each Loket
employment (binding ``loket.employment``) is mirrored as the version that starts its contract:
``date_version`` = contract start = the employment's start, contract end = its end. Odoo then
does the rest by the calendar: an ended employment's contract has ended, a future one's version
becomes the employee's current one on its date (``_cron_update_current_version_id``).

Odoo refuses two contracts of one employee over the same days (``hr.version._check_dates``,
active versions only); Loket allows concurrent employments. The contract plan
(``loket/contract_plan.py``, shared with 18.0) picks the one that is the contract; the others
get no contract of their own, only a note on their binding (18.0 keeps them as Draft contracts:
19.0 has no contract states). Versions of the employee that no binding mirrors and that carry a
contract (HR's own) block the days they cover.
"""

import datetime

from odoo import fields, models

from odoo.addons.loket_integration.loket.contract_plan import OVERLAP, Span, overlaps, plan

VERSION = "hr.version"


class LoketEmploymentMirror(models.AbstractModel):
    _inherit = "loket.employment.mirror"

    def _loket_mirror(self, employments):
        super()._loket_mirror(employments)
        employees = employments.employee_id
        if not employees:
            return
        # All active bindings of these employees count, not only the ones passed: the plan
        # chooses among all of an employee's employments.
        bindings = self.env["loket.employment"].sudo().search([("employee_id", "in", employees.ids)])
        Version = self.env[VERSION].sudo().with_context(active_test=False)
        versions = Version.search([("employee_id", "in", employees.ids)], order="date_version, id")
        for employee in employees:
            own = bindings.filtered(lambda b, e=employee: b.employee_id == e)
            self._loket_mirror_employee(employee, own, versions.filtered(lambda v, e=employee: v.employee_id == e))

    # -- one employee -----------------------------------------------------------------

    def _loket_mirror_employee(self, employee, bindings, versions):
        today = fields.Date.context_today(self)
        mirrored = {b: versions.browse(b.mirror_res_id) & versions for b in bindings if b.mirror_model == VERSION}
        # A mirrored version HR archived (19.0's cancelling) is left alone, and its binding is
        # archived too: the export leaves it out, as 18.0's leaves out a cancelled contract.
        left_alone = {b for b, version in mirrored.items() if version and not version.active}
        for binding in left_alone:
            binding.write({"active": False})
        planned = bindings.filtered(lambda b: b.date_start and b not in left_alone)
        ours = versions.browse([v.id for v in mirrored.values() if v])
        our_contracts = {(v.contract_date_start, v.contract_date_end) for v in ours if v.contract_date_start}
        occupied = [
            Span(version, version.contract_date_start, version.contract_date_end or None)
            for version in versions - ours
            if version.active
            and version.contract_date_start
            and (version.contract_date_start, version.contract_date_end) not in our_contracts
        ]
        spans = planned._loket_spans()
        targets = plan(spans, today, occupied)
        by_id = {b.id: b for b in planned}
        chosen = [s for s in spans if targets[s.key] != OVERLAP]
        # Out of Odoo's rule first, then the contracts that only shrink, then those that move
        # or grow, then the new ones: no write ever makes two contracts share a day.
        overlapping = [s for s in spans if targets[s.key] == OVERLAP]
        for span in overlapping:
            binding = by_id[span.key]
            alongside = next((o for o in [*chosen, *occupied] if overlaps(span, o)), None)
            self._loket_unmirror(binding, mirrored.get(binding) or versions.browse())
            # The binding that is the contract, or none: a contract of the employee's that is not Loket's.
            other = by_id.get(alongside.key) if alongside and isinstance(alongside.key, int) else None
            note = self._loket_mirror_note(other)
            if binding.note != note:
                binding.write({"note": note})

        def order(span):
            version = mirrored.get(by_id[span.key])
            if not version:
                return (2, span.start)
            within = span.start >= version.contract_date_start and (
                not version.contract_date_end or (span.end and span.end <= version.contract_date_end)
            )
            return (0 if within else 1, span.start)

        for span in sorted(chosen, key=order):
            binding = by_id[span.key]
            version = self._loket_write_version(employee, binding, mirrored.get(binding), versions, ours)
            ours |= version
            values = {"mirror_model": VERSION, "mirror_res_id": version.id, "note": False}
            if any(binding[k] != v for k, v in values.items()):
                binding.write(values)

    def _loket_version_values(self, binding):
        values = {
            "contract_date_start": binding.date_start,
            "contract_date_end": binding.date_end or False,
            "name": f"{binding.employee_id.name} – {binding.payroll_number or '-'}",
        }
        # On 19.0 a version's department and job ARE the employee's: of an employee mapped to
        # an existing one they are HR's unless the integration lets Loket overwrite them.
        integration = binding.integration_id
        mapped = binding.loket_employee_id.decision == "map"
        for name in ("department_id", "job_id"):
            if binding[name] and (
                not mapped
                or integration._loket_may_overwrite("loket.employment", name)
                or integration._loket_may_overwrite("hr.employee", name)
            ):
                values[name] = binding[name].id
        return values

    def _loket_write_version(self, employee, binding, version, versions, ours):
        """The binding's version, created or brought in line with the binding."""
        values = self._loket_version_values(binding)
        start = binding.date_start
        taken_dates = {v.date_version for v in versions if v.active and v != version}
        if version:
            changes = {k: v for k, v in values.items() if _differs(version[k], v)}
            if version.date_version != start and start not in taken_dates:
                changes["date_version"] = start
            if changes:
                version.with_env(self.env).write(changes)
            return version
        blank = self._loket_blank_version(binding, versions - ours)
        if blank:
            blank.with_env(self.env).write(dict(values, date_version=start))
            return blank
        return employee.with_env(self.env).create_version(dict(values, date_version=start)).sudo()

    def _loket_blank_version(self, binding, versions):
        """A version of the employee without a contract that this employment may take: the
        one on its start date, else the first one within it with no other version before it
        in the employment (moved back to the start). A new employee's only version is one."""
        start, end = binding.date_start, binding.date_end or datetime.date.max
        active = versions.filtered("active")
        on_start = active.filtered(lambda v: v.date_version == start)
        if on_start:
            return on_start if not on_start.contract_date_start else versions.browse()
        within = active.filtered(lambda v: start <= v.date_version <= end)
        first = within[:1]  # versions are ordered by date_version
        return first if first and not first.contract_date_start else versions.browse()

    def _loket_unmirror(self, binding, version):
        """An employment that runs alongside the contract: its version, if it had one, leaves
        Odoo's rule (archived; its contract dates cleared when it is the employee's only one)."""
        if version and version.active:
            others = version.employee_id.version_ids - version
            if others:
                version.with_env(self.env).write({"active": False})
            else:
                version.with_env(self.env).with_context(sync_contract_dates=True).write(
                    {"contract_date_start": False, "contract_date_end": False}
                )
        if binding.mirror_model or binding.mirror_res_id:
            binding.write({"mirror_model": False, "mirror_res_id": False})


def _differs(current, value):
    if isinstance(current, models.BaseModel):
        return current.id != (value or False)
    return (current or False) != (value or False)
