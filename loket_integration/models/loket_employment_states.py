"""Contracts follow Loket's employments: their states, leavers, employees gone from Loket's list,
and Loket data too incomplete to use. The decisions are in ``loket/contract_plan.py`` (pure)."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket import employee_mapper
from ..loket.contract_plan import CLOSED, COUNTING, OVERLAP, READY, RUNNING, Span, departure_date, plan
from ..odoo_version import domain_and

# The hr.contract values of each planned state.
STATE_VALUES = {
    RUNNING: {"state": "open", "kanban_state": "normal"},
    CLOSED: {"state": "close", "kanban_state": "normal"},
    READY: {"state": "draft", "kanban_state": "done"},
    OVERLAP: {"state": "draft", "kanban_state": "normal"},
}
# Contracts Odoo's one-contract-at-a-time rule counts (hr.contract._check_current_contract).
COUNTING_DOMAIN = ["|", ("state", "in", ("open", "close")), "&", ("state", "=", "draft"), ("kanban_state", "=", "done")]


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


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    archive_leavers = fields.Boolean(
        "Archive leavers",
        default=True,
        help="When an employee's last Loket employment has ended, the Odoo employee is archived the day "
        "after, with its departure date and the reason 'Loket: employment ended'.",
    )

    # -- contract states --------------------------------------------------------------------

    def _loket_apply_contract_plan(self, employee, items, occupied=None):
        """Give each employment's contract the state its dates give it today, and follow a leaver.

        ``items``: ``[(employment id, contract or empty, values)]``: the values to write on an
        existing contract (those that changed), or to create a new one with (dates included).
        ``occupied``: spans of the employee's other counting contracts, searched when None.
        Contracts are written in an order that never breaks Odoo's one-contract-at-a-time rule:
        those becoming Draft first, then those that only shrink, then the others, then new ones."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        spans = [
            _span(key, values.get("date_start", contract.date_start), values.get("date_end", contract.date_end))
            for key, contract, values in items
            if not contract or contract_phase(contract)
        ]
        if occupied is None:
            occupied = self._loket_occupied_spans(employee, [c.id for _, c, _ in items if c])[employee.id]
        targets = plan(spans, today, occupied)
        by_key = {span.key: span for span in spans}
        first, second, third, new = [], [], [], []
        for key, contract, values in items:
            target = targets.get(key)
            if not contract:
                new.append((key, contract, values))
            elif target in (None, OVERLAP):
                first.append((key, contract, values))
            elif contract_phase(contract) not in COUNTING:
                third.append((key, contract, values))
            elif self._loket_within(by_key[key], contract):
                second.append((key, contract, values))
            else:  # a counting contract moving or growing: out of the way first
                contract.write(dict(values, **STATE_VALUES[OVERLAP]))
                third.append((key, contract, {}))
        Contract = self.env["hr.contract"]
        for key, existing, changes in first + second + third + new:
            target = targets.get(key)
            previous = contract_phase(existing) if existing else None
            values = dict(changes, **STATE_VALUES[target]) if target and target != previous else changes
            contract = existing
            if existing and values:
                existing.write(values)
            elif not existing:
                contract = Contract.create(values)
            if target == OVERLAP and previous != OVERLAP:
                self._loket_note_overlap(employee, contract)
        self._loket_follow_leaver(employee, spans)

    def _loket_note_overlap(self, employee, contract):
        # Odoo runs one contract per employee at a time; Loket allows concurrent
        # employments. The other one is kept (payroll number and all) as Draft.
        employee.message_post(
            body=self.env._(
                "Loket: employment with payroll number %(number)s runs alongside another; "
                "its contract stays Draft (Odoo allows one running contract at a time).",
                number=contract.loket_payroll_number or "-",
            )
        )

    def _loket_planned_contract_vals(self, items):
        """The create values of a new employee's contracts (no other contract of his counts),
        each in the state the plan gives it today. ``items``: ``[(employment id, create values)]``."""
        spans = [_span(key, values["date_start"], values["date_end"]) for key, values in items]
        targets = plan(spans, fields.Date.context_today(self))
        return [dict(values, **STATE_VALUES[targets[key]]) for key, values in items]

    def _loket_after_planned_contracts(self, contracts):
        """After a bulk creation of planned contracts: the Draft notes, and leavers followed."""
        by_employee = defaultdict(list)
        for contract in contracts:
            by_employee[contract.employee_id].append(contract)
        for employee, own in by_employee.items():
            for contract in own:
                if contract_phase(contract) == OVERLAP:
                    self._loket_note_overlap(employee, contract)
            spans = [_span(c.loket_employment_id, c.date_start, c.date_end) for c in own]
            self._loket_follow_leaver(employee, spans)

    @staticmethod
    def _loket_within(span, contract):
        """Whether ``span`` lies within the contract's current dates (it only shrinks)."""
        return span.start >= contract.date_start and (
            not contract.date_end or (span.end is not None and span.end <= contract.date_end)
        )

    def _loket_occupied_spans(self, employees, excluded_ids):
        """``{employee id: [Span]}``: the employees' counting contracts that are not planned here."""
        contracts = self.env["hr.contract"].search(
            domain_and(
                [
                    [("employee_id", "in", employees.ids), ("company_id", "=", self.company_id.id)],
                    [("id", "not in", excluded_ids)],
                    COUNTING_DOMAIN,
                ]
            )
        )
        occupied = defaultdict(list)
        for contract in contracts:
            occupied[contract.employee_id.id].append(_span(contract.id, contract.date_start, contract.date_end))
        return occupied

    # -- leavers ------------------------------------------------------------------------------

    def _loket_follow_leaver(self, employee, spans):
        """Archive an employee whose last Loket employment has ended (when the integration says
        so), and bring back one archived that way when Loket employs him again."""
        left_on = departure_date(spans, fields.Date.context_today(self))
        reason = self.env.ref("loket_integration.departure_reason_loket_ended", raise_if_not_found=False)
        if left_on and employee.active and self.archive_leavers:
            employee._loket_archive_leaver(left_on, reason)
        elif not left_on and spans and not employee.active and reason and employee.departure_reason_id == reason:
            employee._loket_unarchive_returner()

    # -- what the passing of time changes -------------------------------------------------------

    def _loket_follow_dates(self):
        """What a new day changes while Loket's data stays the same: a contract overlapping
        another one takes over when that one ends, leavers are archived. Odoo's own contract
        schedule already closes and starts contracts on their dates; this follows the rest.
        Rows of employees no longer in Loket's list are left alone."""
        Contract = self.env["hr.contract"]
        for integration in self:
            rows = self.env["loket.employee"].search(
                [
                    ("integration_id", "=", integration.id),
                    ("status", "in", ("added", "mapped")),
                    ("missing_in_loket", "=", False),
                ]
            )
            rows = integration._loket_own_company_rows(rows)  # the cron runs as superuser
            employees = rows.employee_id.with_context(active_test=False)
            contracts = Contract.search(
                [
                    ("employee_id", "in", employees.ids),
                    ("company_id", "=", integration.company_id.id),
                    ("loket_employment_id", "!=", False),
                ]
            )
            by_employee = defaultdict(lambda: Contract)
            for contract in contracts:
                by_employee[contract.employee_id.id] |= contract
            occupied = integration._loket_occupied_spans(employees, contracts.ids)
            today = fields.Date.context_today(self)
            for employee in employees:
                own = by_employee[employee.id]
                items = [(c.loket_employment_id, c, {}) for c in own]
                spans = [_span(c.loket_employment_id, c.date_start, c.date_end) for c in own if contract_phase(c)]
                targets = plan(spans, today, occupied[employee.id])
                moves = any(targets.get(c.loket_employment_id) != contract_phase(c) for c in own if contract_phase(c))
                if moves:
                    integration._loket_apply_contract_plan(employee, items, occupied[employee.id])
                else:
                    integration._loket_follow_leaver(employee, spans)
            rows._loket_erase_unneeded([("integration_id", "=", integration.id)])

    @api.model
    def _cron_follow_employment_dates(self):
        self.search([])._loket_follow_dates()

    # -- Loket's list -------------------------------------------------------------------------

    def _loket_rows_lacking_data(self):
        """Loket ids of the rows whose erased Loket data is needed again (a row not imported
        that is now to be added or mapped): the next fetch stores it whatever its fingerprint."""
        self.ensure_one()
        from .loket_employee import NEEDS_DATA_DOMAIN

        rows = (
            self.env["loket.employee"]
            .sudo()
            .search([("integration_id", "=", self.id), ("data", "=", False), *NEEDS_DATA_DOMAIN])
        )
        return rows.mapped("loket_id")

    def _loket_refresh_rows(self, job):
        """Fetch Loket's list again, all of it within this batch of ``job``: rows whose Loket
        data was erased and is needed again get it back (the fetch of loket_employee_fetch.py,
        its lists held by ``job``)."""
        self.ensure_one()
        state = {}

        def fetch(client):
            while not self._loket_fetch_batch(job, state, client)[0]:
                pass

        self._loket_call(fetch)

    # -- Loket data too incomplete to use --------------------------------------------------------

    def _loket_data_problems(self, row):
        """Why this row's Loket data cannot be brought into Odoo, as one sentence per problem; "" if none."""
        if not row.data:
            return self.env._("Loket's data for this employee is not at hand: fetch the employees again.")
        messages = {
            employee_mapper.NO_NAME: self.env._("Loket gives no name for this employee."),
            employee_mapper.BAD_BIRTH_DATE: self.env._("Loket's birth date %(value)s is not a date."),
            employee_mapper.NO_START_DATE: self.env._(
                "The employment with payroll number %(payroll_number)s has no start date in Loket."
            ),
            employee_mapper.BAD_DATE: self.env._(
                "The employment with payroll number %(payroll_number)s has dates that are not dates: %(value)s."
            ),
            employee_mapper.END_BEFORE_START: self.env._(
                "The employment with payroll number %(payroll_number)s ends before it starts: %(value)s."
            ),
        }
        return " ".join(messages[code] % details for code, details in employee_mapper.bundle_problems(row.data))

    def _loket_check_data(self, row):
        problems = self._loket_data_problems(row)
        if problems:
            raise UserError(problems)

    def _loket_rows_ready(self, rows):
        """The rows whose Loket data can be applied; the others get their problems as sync error."""
        ready = self.env["loket.employee"]
        for row in rows:
            problems = self._loket_data_problems(row)
            if problems:
                row.sudo().sync_error = problems
            else:
                ready |= row
        ready.filtered("sync_error").sync_error = False
        return ready
