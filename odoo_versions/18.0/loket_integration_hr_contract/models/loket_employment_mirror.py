"""Odoo 18.0's contracts follow the Loket employments (``loket.employment``): one contract per
employment, in the state its dates give it today. Which employment is *the* contract where
Loket's employments overlap is decided by ``loket/contract_plan.py`` (pure)."""

from collections import defaultdict

from odoo import fields, models
from odoo.osv import expression

from odoo.addons.loket_integration.loket.contract_plan import (
    CLOSED,
    COUNTING,
    OVERLAP,
    READY,
    RUNNING,
    Span,
    overlaps,
    plan,
)

# The hr.contract values of each planned state.
STATE_VALUES = {
    RUNNING: {"state": "open", "kanban_state": "normal"},
    CLOSED: {"state": "close", "kanban_state": "normal"},
    READY: {"state": "draft", "kanban_state": "done"},
    OVERLAP: {"state": "draft", "kanban_state": "normal"},
}
# Contracts Odoo's one-contract-at-a-time rule counts (hr.contract._check_current_contract).
COUNTING_DOMAIN = ["|", ("state", "in", ("open", "close")), "&", ("state", "=", "draft"), ("kanban_state", "=", "done")]
MIRROR_MODEL = "hr.contract"


def contract_phase(contract):
    """The planned state a contract is in now; None for a cancelled one (left alone)."""
    if contract.state == "open":
        return RUNNING
    if contract.state == "close":
        return CLOSED
    if contract.state == "draft":
        return READY if contract.kanban_state == "done" else OVERLAP
    return None


def _span(key, start, end):
    return Span(key, fields.Date.to_date(start), fields.Date.to_date(end) or None)


class LoketEmploymentMirror(models.AbstractModel):
    _inherit = "loket.employment.mirror"

    def _loket_mirror(self, employments):
        """See loket_integration's ``loket.employment.mirror``: here on ``hr.contract``.
        New employees' contracts (no contract of theirs yet) are created in one ``create``."""
        if not employments:
            return
        Contract = self.env["hr.contract"]
        contracts = self._loket_contracts(employments)
        # A contract HR cancelled is left alone, and so is its employment (not exported).
        cancelled = employments.filtered(lambda e: e.id in contracts and not contract_phase(contracts[e.id]))
        if cancelled.filtered("active"):
            cancelled.sudo().active = False
        by_employee = defaultdict(list)
        for employment in employments:
            if employment.employee_id and employment.date_start and (employment.active or employment.id in contracts):
                by_employee[employment.employee_id].append(employment)
        occupied = self._loket_occupied_spans(employments, [c.id for c in contracts.values()])
        fresh = []  # employees without any contract yet: their contracts in one create
        for employee, own in by_employee.items():
            items = []
            for employment in own:
                contract = contracts.get(employment.id, Contract)
                values = self._loket_contract_changes(employment, contract) if contract else {}
                items.append((employment, contract, values if contract else self._loket_contract_vals(employment)))
            if not occupied[employee.id] and not any(contract for _e, contract, _v in items):
                fresh.append((employee, items))
            else:
                self._loket_apply_plan(employee, items, occupied[employee.id], contracts)
        if fresh:
            self._loket_create_planned(fresh, contracts)
        for employment in employments:
            contract = contracts.get(employment.id)
            if contract and (employment.mirror_model != MIRROR_MODEL or employment.mirror_res_id != contract.id):
                employment.sudo().write({"mirror_model": MIRROR_MODEL, "mirror_res_id": contract.id})

    def _loket_contracts(self, employments):
        """``{binding id: hr.contract}`` of the bindings' existing contracts."""
        ids = {e.id: e.mirror_res_id for e in employments if e.mirror_model == MIRROR_MODEL and e.mirror_res_id}
        existing = self.env["hr.contract"].with_context(active_test=False).browse(set(ids.values())).exists()
        return {key: existing.browse(res_id) for key, res_id in ids.items() if res_id in existing.ids}

    def _loket_contract_vals(self, employment):
        """A new contract's values (its state comes from the plan)."""
        employee = employment.employee_id
        number = employment.payroll_number or self.env._("no payroll number")
        return {
            "name": f"{employee.name} – {number}",
            "employee_id": employee.id,
            "company_id": employment.company_id.id,
            "department_id": employment.department_id.id or employee.department_id.id,
            "job_id": employment.job_id.id,
            "date_start": employment.date_start,
            "date_end": employment.date_end,
            "wage": 0.0,
        }

    def _loket_contract_changes(self, employment, contract):
        """What changed on the binding since the contract followed it. The department of an
        employee mapped to an existing one is HR's unless Loket may overwrite it."""
        wanted = {
            "date_start": fields.Date.to_string(employment.date_start),
            "date_end": fields.Date.to_string(employment.date_end),
            "job_id": employment.job_id.id,
        }
        integration = employment.integration_id
        mapped = employment.loket_employee_id.sudo().decision == "map"
        if employment.department_id and (
            not mapped or integration._loket_may_overwrite("loket.employment", "department_id")
        ):
            wanted["department_id"] = employment.department_id.id
        return {name: value for name, value in wanted.items() if integration._loket_differs(contract[name], value)}

    def _loket_occupied_spans(self, employments, excluded_ids):
        """``{employee id: [Span]}``: the employees' counting contracts in the bindings'
        companies that are not mirrored here (not Loket's, or of employments no longer listed)."""
        occupied = defaultdict(list)
        contracts = self.env["hr.contract"].search(
            expression.AND(
                [
                    [("employee_id", "in", employments.employee_id.ids)],
                    [("company_id", "in", employments.company_id.ids), ("id", "not in", excluded_ids)],
                    COUNTING_DOMAIN,
                ]
            )
        )
        for contract in contracts:
            occupied[contract.employee_id.id].append(_span(contract.id, contract.date_start, contract.date_end))
        return occupied

    def _loket_apply_plan(self, employee, items, occupied, contracts):
        """Give each employment's contract the state its dates give it today.

        ``items``: ``[(binding, contract or empty, values)]``: the values to write on an
        existing contract (those that changed), or to create a new one with (dates included).
        Contracts are written in an order that never breaks Odoo's one-contract-at-a-time rule:
        those becoming Draft first, then those that only shrink, then the others, then new
        ones. Nothing is written when nothing moves (the daily run)."""
        today = fields.Date.context_today(self)
        spans = [
            _span(e.id, values.get("date_start", contract.date_start), values.get("date_end", contract.date_end))
            for e, contract, values in items
            if not contract or contract_phase(contract)
        ]
        targets = plan(spans, today, occupied)
        if not any(
            not contract or values or (contract_phase(contract) and targets.get(e.id) != contract_phase(contract))
            for e, contract, values in items
        ):
            self._loket_note(items, targets, spans)
            return
        by_key = {span.key: span for span in spans}
        first, second, third, new = [], [], [], []
        for employment, contract, values in items:
            target = targets.get(employment.id)
            if not contract:
                new.append((employment, contract, values))
            elif target in (None, OVERLAP):
                first.append((employment, contract, values))
            elif contract_phase(contract) not in COUNTING:
                third.append((employment, contract, values))
            elif self._loket_within(by_key[employment.id], contract):
                second.append((employment, contract, values))
            else:  # a counting contract moving or growing: out of the way first
                contract.write(dict(values, **STATE_VALUES[OVERLAP]))
                third.append((employment, contract, {}))
        Contract = self.env["hr.contract"]
        for employment, existing, changes in first + second + third + new:
            target = targets.get(employment.id)
            previous = contract_phase(existing) if existing else None
            values = dict(changes, **STATE_VALUES[target]) if target and target != previous else changes
            contract = existing
            if existing and values:
                existing.write(values)
            elif not existing:
                contract = Contract.create(values)
                contracts[employment.id] = contract
            if target == OVERLAP and previous != OVERLAP:
                self._loket_note_overlap(employee, employment)
        self._loket_note(items, targets, spans)

    def _loket_create_planned(self, fresh, contracts):
        """The contracts of employees who have none yet (a bulk Add): one create, each in the
        state the plan gives it today (no other contract of theirs counts)."""
        today = fields.Date.context_today(self)
        planned = []
        for employee, items in fresh:
            spans = [_span(e.id, values["date_start"], values["date_end"]) for e, _c, values in items]
            targets = plan(spans, today)
            planned += [(employee, e, dict(values, **STATE_VALUES[targets[e.id]])) for e, _c, values in items]
            self._loket_note(items, targets, spans)
        created = self.env["hr.contract"].create([values for _employee, _e, values in planned])
        for (employee, employment, _values), contract in zip(planned, created, strict=True):
            contracts[employment.id] = contract
            if contract_phase(contract) == OVERLAP:
                self._loket_note_overlap(employee, employment)

    def _loket_note_overlap(self, employee, employment):
        # Odoo runs one contract per employee at a time; Loket allows concurrent
        # employments. The other one is kept (payroll number and all) as Draft.
        employee.message_post(
            body=self.env._(
                "Loket: employment with payroll number %(number)s runs alongside another; "
                "its contract stays Draft (Odoo allows one running contract at a time).",
                number=employment.payroll_number or "-",
            )
        )

    def _loket_note(self, items, targets, spans):
        """The bindings' notes: why an employment is not the contract, cleared when it is again."""
        by_key = {span.key: span for span in spans}
        chosen = [e for e, _c, _v in items if targets.get(e.id) in COUNTING]
        for employment, _contract, _values in items:
            note = False
            if targets.get(employment.id) == OVERLAP:
                span = by_key[employment.id]
                alongside = next((other for other in chosen if overlaps(span, by_key[other.id])), None)
                note = self._loket_mirror_note(alongside)
            if (employment.note or False) != note:
                employment.sudo().note = note

    @staticmethod
    def _loket_within(span, contract):
        """Whether ``span`` lies within the contract's current dates (it only shrinks)."""
        return span.start >= contract.date_start and (
            not contract.date_end or (span.end is not None and span.end <= contract.date_end)
        )
