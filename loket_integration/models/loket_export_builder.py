"""From timesheets to Loket's import file: one GROUP BY, then pure Python."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from odoo import models
from odoo.tools import SQL

from ..loket.payroll_csv import PayrollEntry


@dataclass
class ExportData:
    entries: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # (employee name, component number) -> Decimal, for the preview
    employee_totals: dict = field(default_factory=lambda: defaultdict(Decimal))
    fingerprint: str = ""


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    def _loket_timesheet_domain(self, date_from, date_to, employees=None):
        domain = [
            ("project_id", "!=", False),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            ("company_id", "=", self.company_id.id),
        ]
        if employees:
            domain.append(("employee_id", "in", employees.ids))
        return domain

    def _loket_timesheet_fingerprint(self, date_from, date_to, employees=None):
        """Changes whenever a timesheet line of the period is added, edited or removed."""
        Line = self.env["account.analytic.line"]
        Line.flush_model(["unit_amount", "date", "project_id", "employee_id", "company_id"])
        query = Line._search(self._loket_timesheet_domain(date_from, date_to, employees), order="")
        table = query.table
        self.env.cr.execute(
            query.select(
                SQL("count(*)"),
                SQL("sum(%s)", SQL.identifier(table, "unit_amount")),
                SQL("max(%s)", SQL.identifier(table, "write_date")),
                SQL("sum(%s)", SQL.identifier(table, "id")),
            )
        )
        count, hours, last_write, ids_sum = self.env.cr.fetchone()
        return hashlib.sha256(f"{count}|{hours}|{last_write}|{ids_sum}".encode()).hexdigest()

    def _loket_export_data(self, date_from, date_to, employees=None):
        """The entries of the file and the warnings, for the period and employees.
        Nothing is dropped silently: every excluded line is counted in a warning."""
        self.ensure_one()
        data = ExportData(fingerprint=self._loket_timesheet_fingerprint(date_from, date_to, employees))
        groups = self._loket_hours_by_employment(date_from, date_to, employees)
        components = {
            code.work_entry_type_id.id: int(code.component_number)
            for code in self.hour_code_ids
            if (code.component_number or "").strip()
        }
        units = {c.department_id.id: c.distribution_unit_id.code for c in self.cost_center_ids}
        Employee, Contract, Code = self.env["hr.employee"], self.env["hr.contract"], self.env["hr.work.entry.type"]
        all_employees = Employee.browse({g[0] for g in groups}) | (employees or Employee)
        contracts = self._loket_payroll_contracts(all_employees, date_from, date_to)

        unbound = defaultdict(lambda: [0, 0.0])
        no_contract = defaultdict(lambda: [0, 0.0])
        outside = defaultdict(lambda: [0, 0.0])
        unmapped = defaultdict(lambda: [0, 0.0])
        contract_ids = tuple(c.id for own in contracts.values() for c in own)
        employee_ids = tuple(all_employees.ids)  # one prefetch set, not one per group
        for employee_id, code_id, contract_id, hours, count in groups:
            employee = all_employees.browse(employee_id).with_prefetch(employee_ids)
            if not employee.loket_employee_id:
                bucket = unbound[employee.name]
            elif code_id not in components:
                bucket = unmapped[Code.browse(code_id).display_name if code_id else self.env._("(no hour code)")]
            elif employee_id not in contracts:
                bucket = no_contract[employee.name]
            elif not contract_id:
                bucket = outside[employee.name]
            else:
                contract = Contract.browse(contract_id).with_prefetch(contract_ids)
                self._loket_add_entry(data, employee, contract, units, components[code_id], hours, employee.name)
                continue
            bucket[0] += count
            bucket[1] += hours

        self._loket_add_wage_components(data, contracts, units, date_from, date_to)
        for label, bucket in (
            (self.env._("Timesheet lines of employees not bound to Loket"), unbound),
            (self.env._("Employees without a contract carrying a payroll number in the period"), no_contract),
            (self.env._("Hours outside every employment"), outside),
            (self.env._("Hour codes used but not mapped to a Loket component"), unmapped),
        ):
            for name, (count, hours) in sorted(bucket.items()):
                data.warnings.append(
                    self.env._(
                        "%(label)s: %(name)s — %(count)s line(s), %(hours)s h not exported",
                        label=label,
                        name=name,
                        count=count,
                        hours=round(hours, 2),
                    )
                )
        unvalidated = self._loket_unvalidated_count(date_from, date_to, employees)
        if unvalidated:
            data.warnings.append(
                self.env._("%(count)s timesheet line(s) not validated yet (exported anyway)", count=unvalidated)
            )
        return data

    def _loket_hours_by_employment(self, date_from, date_to, employees=None):
        """``[(employee id, hour code id, contract id, hours, lines)]``: the period's timesheet
        lines summed per day in one GROUP BY, each day placed on the payroll contract
        running on it (the latest started one where Odoo holds overlapping ones; NULL
        when none), then summed per contract. The result grows with employees × hour
        codes × employments, not with lines."""
        Line = self.env["account.analytic.line"]
        Line.flush_model()
        self.env["hr.contract"].flush_model()
        lines = Line._search(self._loket_timesheet_domain(date_from, date_to, employees), order="")
        self.env.cr.execute(
            SQL(
                """
                WITH days AS (
                    SELECT l.employee_id, l.loket_hour_code_id, l.date, SUM(l.unit_amount) AS hours, COUNT(*) AS n
                      FROM account_analytic_line l
                     WHERE l.id IN (%s)
                  GROUP BY l.employee_id, l.loket_hour_code_id, l.date
                ), placed AS (
                    SELECT DISTINCT ON (d.employee_id, d.loket_hour_code_id, d.date)
                           d.employee_id, d.loket_hour_code_id, d.hours, d.n, hc.id AS contract_id
                      FROM days d
                 LEFT JOIN hr_contract hc
                        ON hc.employee_id = d.employee_id
                       AND hc.loket_payroll_number > 0
                       AND hc.state != 'cancel'
                       AND hc.date_start <= d.date
                       AND (hc.date_end IS NULL OR hc.date_end >= d.date)
                  ORDER BY d.employee_id, d.loket_hour_code_id, d.date, hc.date_start DESC NULLS LAST, hc.id DESC
                )
                SELECT employee_id, loket_hour_code_id, contract_id, SUM(hours), SUM(n)::int
                  FROM placed
              GROUP BY employee_id, loket_hour_code_id, contract_id
              ORDER BY employee_id, loket_hour_code_id, contract_id
                """,
                lines.select(),
            )
        )
        return self.env.cr.fetchall()

    def _loket_add_entry(self, data, employee, contract, units, component, value, source):
        department = contract.department_id or employee.department_id
        data.entries.append(
            PayrollEntry(
                payroll_number=contract.loket_payroll_number,
                component=component,
                value=value,
                shift=contract.loket_shift_number or None,
                distribution_unit=units.get(department.id),
                source=source,
            )
        )
        data.employee_totals[(employee.name, component)] += Decimal(str(value))

    def _loket_payroll_contracts(self, employees, date_from, date_to):
        """``{employee id: [contracts]}``: contracts with a payroll number overlapping the period."""
        contracts = self.env["hr.contract"].search(
            [
                ("employee_id", "in", employees.ids),
                ("loket_payroll_number", ">", 0),
                ("state", "!=", "cancel"),
                ("date_start", "<=", date_to),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", date_from),
            ],
            order="date_start",
        )
        result = defaultdict(list)
        for contract in contracts:
            result[contract.employee_id.id].append(contract)
        return result

    def _loket_add_wage_components(self, data, contracts, units, date_from, date_to):
        """Wage component values go to the employment running at the end of the period."""
        mapped = {
            c.code: int(c.component_number) for c in self.wage_component_ids if (c.component_number or "").strip()
        }
        if not mapped:
            return
        employees = self.env["hr.employee"].browse(list(contracts))
        values = self._loket_wage_component_values(employees, date_from, date_to)
        for (employee_id, code), value in sorted(values.items()):
            if code not in mapped or not value:
                continue
            employee = employees.browse(employee_id)
            contract = contracts[employee_id][-1]
            self._loket_add_entry(data, employee, contract, units, mapped[code], value, f"{employee.name} {code}")

    def _loket_unvalidated_count(self, date_from, date_to, employees):
        """Lines not validated yet, where a validation mechanism is installed (a ``validated`` field)."""
        Line = self.env["account.analytic.line"]
        if "validated" not in Line._fields:
            return 0
        return Line.search_count(
            [*self._loket_timesheet_domain(date_from, date_to, employees), ("validated", "=", False)]
        )
