"""From timesheets to Loket's import file: one GROUP BY, then pure Python."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from odoo import api, models
from odoo.tools import SQL

from ..loket.payroll_csv import (
    CONTROL,
    FORMULA,
    LINE_BREAK,
    NOT_A_NUMBER,
    QUOTE,
    SEPARATOR,
    PayrollCsvError,
    PayrollEntry,
    negative_cells,
    row_problem,
)
from ..odoo_version import employee_department_sql, flush_employee_departments

# The columns of a timesheet line a fingerprint reads.
LINE_COLUMNS = ("id", "employee_id", "date", "unit_amount", "write_date")


class HoursGroup(NamedTuple):
    """One row of ``_loket_hours_by_employment``."""

    employee_id: int
    employee_name: str
    bound: bool  # the employee is bound to a Loket employee
    employee_department_id: int | None
    code_id: int | None
    employment_id: int | None
    payroll_number: int | None
    shift: int | None
    employment_department_id: int | None
    hours: float
    lines: int


class LatestEmployment(NamedTuple):
    employee_id: int
    employee_name: str
    employment_id: int
    payroll_number: int
    shift: int | None
    department_id: int | None


@dataclass
class ExportData:
    entries: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # payroll number -> (employee name, employee id), for the preview and the warnings
    employees: dict = field(default_factory=dict)
    # (payroll number, column, value) -> (employee name, problem): rows the file cannot hold
    refused: dict = field(default_factory=dict)


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
        self.ensure_one()
        return self._loket_timesheet_fingerprints([(self, date_from, date_to, employees)])[0]

    @api.model
    def _loket_timesheet_fingerprints(self, scopes):
        """The fingerprints of ``scopes`` — ``[(integration, date from, date to, employees or None)]`` —
        in that order, in one query whatever their number: per integration the lines of its
        timesheet domain over its scopes' dates, then counted per scope in one GROUP BY."""
        if not scopes:
            return []
        Line = self.env["account.analytic.line"]
        Line.flush_model(["unit_amount", "date", "project_id", "employee_id", "company_id"])
        by_integration = defaultdict(list)
        for scope in scopes:
            by_integration[scope[0]].append(scope)
        lines = []
        for integration, its in by_integration.items():
            dates = [d for _integration, date_from, date_to, _employees in its for d in (date_from, date_to) if d]
            employees = None
            if all(scope[3] for scope in its):
                employees = self.env["hr.employee"].union(*(scope[3] for scope in its))
            query = Line._search(
                integration._loket_timesheet_domain(min(dates, default=None), max(dates, default=None), employees),
                order="",
            )
            table = query.table
            lines.append(
                query.select(
                    SQL("%s AS integration_id", integration.id),
                    *(SQL("%s AS %s", SQL.identifier(table, name), SQL.identifier(name)) for name in LINE_COLUMNS),
                )
            )
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s::date, %s::date, %s::int[])",
                index,
                integration.id,
                date_from,
                date_to,
                employees.ids if employees else None,
            )
            for index, (integration, date_from, date_to, employees) in enumerate(scopes)
        )
        self.env.cr.execute(
            SQL(
                """
                WITH scope(idx, integration_id, date_from, date_to, employee_ids) AS (VALUES %s),
                     line AS (%s)
                SELECT s.idx, count(l.id), sum(l.unit_amount), max(l.write_date), sum(l.id)
                  FROM scope s
             LEFT JOIN line l
                    ON l.integration_id = s.integration_id
                   AND l.date BETWEEN s.date_from AND s.date_to
                   AND (s.employee_ids IS NULL OR l.employee_id = ANY(s.employee_ids))
              GROUP BY s.idx
                """,
                values,
                SQL(" UNION ALL ").join(lines),
            )
        )
        fingerprints = [None] * len(scopes)
        for index, count, hours, last_write, ids_sum in self.env.cr.fetchall():
            fingerprints[index] = hashlib.sha256(f"{count}|{hours}|{last_write}|{ids_sum}".encode()).hexdigest()
        return fingerprints

    def _loket_export_data(self, date_from, date_to, employees=None):
        """The entries of the file and the warnings, for the period and employees.
        Nothing is dropped silently: every excluded line is counted in a warning."""
        self.ensure_one()
        data = ExportData()
        groups = self._loket_hours_by_employment(date_from, date_to, employees)
        components = self._loket_component_numbers(self.hour_code_ids, lambda code: code.work_entry_type_id.id)
        units = {c.department_id.id: c.distribution_unit_id.code for c in self.cost_center_ids}
        employee_ids = {g.employee_id for g in groups} | set(employees.ids if employees else ())
        latest_employments = self._loket_latest_payroll_employments(employee_ids, date_from, date_to)
        Code = self.env["hr.work.entry.type"].sudo()  # hour code names for the warnings: no HR rights needed

        unbound = defaultdict(lambda: [0, 0.0])
        no_employment = defaultdict(lambda: [0, 0.0])
        outside = defaultdict(lambda: [0, 0.0])
        unmapped = defaultdict(lambda: [0, 0.0])
        for group in groups:
            if not group.bound:
                bucket = unbound[group.employee_name]
            elif group.code_id not in components:
                name = Code.browse(group.code_id).display_name if group.code_id else self.env._("(no hour code)")
                bucket = unmapped[name]
            elif group.employee_id not in latest_employments:
                bucket = no_employment[group.employee_name]
            elif not group.employment_id:
                bucket = outside[group.employee_name]
            else:
                department = group.employment_department_id or group.employee_department_id
                self._loket_add_entry(
                    data, group, units.get(department), components[group.code_id], group.hours, group.employee_name
                )
                continue
            bucket[0] += group.lines
            bucket[1] += group.hours

        self._loket_add_wage_components(data, latest_employments, units, date_from, date_to)
        data.warnings += self._loket_refused_warnings(data)
        for label, bucket in (
            (self.env._("Timesheet lines of employees not bound to Loket"), unbound),
            (self.env._("Employees without a contract carrying a payroll number in the period"), no_employment),
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
                        hours=self.env["loket.export"]._format_hours(hours),
                    )
                )
        data.warnings += self._loket_negative_warnings(data)
        unvalidated = self._loket_unvalidated_count(date_from, date_to, employees)
        if unvalidated:
            data.warnings.append(
                self.env._("%(count)s timesheet line(s) not validated yet (exported anyway)", count=unvalidated)
            )
        return data

    @staticmethod
    def _loket_component_numbers(mappings, key):
        """``{key(mapping): component number}`` of the mappings exported (a number filled in);
        a number that is not valid stops the export (``_loket_number``)."""
        numbers = {key(mapping): mapping._loket_number() for mapping in mappings}
        return {k: number for k, number in numbers.items() if number is not None}

    def _loket_hours_by_employment(self, date_from, date_to, employees=None):
        """``[(employee id, hour code id, employment id, hours, lines)]``: the period's timesheet
        lines summed per day in one GROUP BY, each day placed on the Loket employment
        (``loket.employment``) with a payroll number running on it (the latest started one
        where Loket holds overlapping ones; NULL when none), then summed per employment. The
        result grows with employees × hour codes × employments, not with lines."""
        Line = self.env["account.analytic.line"]
        Line.flush_model()
        self.env["loket.employment"].flush_model()
        flush_employee_departments(self.env)
        lines = Line._search(self._loket_timesheet_domain(date_from, date_to, employees), order="")
        self.env.cr.execute(
            SQL(
                """
                WITH days AS (
                    %s
                  GROUP BY 1, 2, 3
                ), placed AS (
                    SELECT DISTINCT ON (d.employee_id, d.loket_hour_code_id, d.date)
                           d.employee_id, d.loket_hour_code_id, d.hours, d.n, le.id AS employment_id
                      FROM days d
                 LEFT JOIN loket_employment le
                        ON le.employee_id = d.employee_id
                       AND le.payroll_number > 0
                       AND le.active
                       AND le.date_start <= d.date
                       AND (le.date_end IS NULL OR le.date_end >= d.date)
                  ORDER BY d.employee_id, d.loket_hour_code_id, d.date, le.date_start DESC NULLS LAST, le.id DESC
                )
                SELECT p.employee_id, e.name, e.loket_employee_id IS NOT NULL, %s,
                       p.loket_hour_code_id, p.employment_id, le.payroll_number, le.shift_number,
                       le.department_id, SUM(p.hours), SUM(p.n)::int
                  FROM placed p
                  JOIN hr_employee e ON e.id = p.employee_id
             LEFT JOIN loket_employment le ON le.id = p.employment_id
              GROUP BY p.employee_id, e.name, e.loket_employee_id, 4, p.loket_hour_code_id,
                       p.employment_id, le.payroll_number, le.shift_number, le.department_id
              ORDER BY p.employee_id, p.loket_hour_code_id, p.employment_id
                """,
                lines.select(  # the domain's own FROM/WHERE (record rules included), grouped per day
                    SQL("%s AS employee_id", SQL.identifier(lines.table, "employee_id")),
                    # Lines from before the integration's default code existed have none: the chain ends there.
                    SQL(
                        "COALESCE(%s, %s) AS loket_hour_code_id",
                        SQL.identifier(lines.table, "loket_hour_code_id"),
                        self.default_hour_code_id.id or None,
                    ),
                    SQL("%s AS date", SQL.identifier(lines.table, "date")),
                    SQL("SUM(%s) AS hours", SQL.identifier(lines.table, "unit_amount")),
                    SQL("COUNT(*) AS n"),
                ),
                SQL(employee_department_sql("e")),  # the employee's department (a column on 18.0)
            )
        )
        return [HoursGroup(*row) for row in self.env.cr.fetchall()]

    def _loket_add_entry(self, data, employment, unit, component, value, source):
        """``employment``: anything with ``payroll_number``, ``shift`` and ``employee_name``.
        An entry whose row Loket's file cannot hold (a distribution unit code that is a formula…)
        is left out of the file and the preview, and of sending too: the export says whose."""
        entry = PayrollEntry(
            payroll_number=employment.payroll_number,
            component=component,
            value=value,
            shift=employment.shift or None,
            distribution_unit=unit,
            source=source,
        )
        problem = row_problem(entry)
        if problem:
            column, cell, why = problem
            data.refused[(employment.payroll_number, column, cell)] = (employment.employee_name, why)
            return
        data.entries.append(entry)
        data.employees[employment.payroll_number] = (employment.employee_name, employment.employee_id)

    def _loket_latest_payroll_employments(self, employee_ids, date_from, date_to):
        """``{employee id: LatestEmployment}``: per employee, the latest started Loket
        employment with a payroll number overlapping the period. Read in SQL: exporting needs
        the payroll bindings, not the right to read Odoo's contracts."""
        if not employee_ids:
            return {}
        self.env["loket.employment"].flush_model()
        flush_employee_departments(self.env)
        self.env.cr.execute(
            f"""
            SELECT DISTINCT ON (le.employee_id)
                   le.employee_id, e.name, le.id, le.payroll_number, le.shift_number,
                   COALESCE(le.department_id, {employee_department_sql("e")})
              FROM loket_employment le
              JOIN hr_employee e ON e.id = le.employee_id
             WHERE le.employee_id = ANY(%s) AND le.payroll_number > 0 AND le.active
               AND le.date_start <= %s AND (le.date_end IS NULL OR le.date_end >= %s)
          ORDER BY le.employee_id, le.date_start DESC, le.id DESC
            """,
            (list(employee_ids), date_to, date_from),
        )
        return {row[0]: LatestEmployment(*row) for row in self.env.cr.fetchall()}

    def _loket_add_wage_components(self, data, latest_employments, units, date_from, date_to):
        """Wage component values go to the employment running at the end of the period."""
        mapped = self._loket_component_numbers(self.wage_component_ids, lambda component: component.code)
        if not mapped:
            return
        # sudo: the values read private employee data (home-work distance) the payroll needs.
        employees = self.env["hr.employee"].sudo().browse(list(latest_employments))
        values = self._loket_wage_component_values(employees, date_from, date_to)
        for (employee_id, code), value in sorted(values.items()):
            if code not in mapped or not value:
                continue
            employment = latest_employments[employee_id]
            self._loket_add_entry(data, employment, units.get(employment.department_id), mapped[code], value, code)

    def _loket_refused_warnings(self, data):
        """One warning per row left out of the file because of a cell it cannot hold."""
        reasons = {
            FORMULA: self.env._("begins with =, +, - or @, which a spreadsheet runs as a formula"),
            LINE_BREAK: self.env._("holds a line break"),
            SEPARATOR: self.env._("holds a semicolon, the file's column separator"),
            QUOTE: self.env._("holds a quote"),
            CONTROL: self.env._("holds a control character"),
            NOT_A_NUMBER: self.env._("is not a whole number"),
        }
        columns = {"verdelingseenheid": self.env._("distribution unit code"), "ploeg": self.env._("shift")}
        return [
            self.env._(
                "%(employee)s (payroll number %(payroll_number)s) not exported: the %(column)s %(value)s "
                "%(reason)s. Correct it in Loket, refresh it here and export again.",
                employee=name,
                payroll_number=payroll_number,
                column=columns.get(column, column),
                value=repr(value),
                reason=reasons.get(problem, problem),
            )
            for (payroll_number, column, value), (name, problem) in sorted(
                data.refused.items(), key=lambda item: (item[0][0], item[0][1], repr(item[0][2]))
            )
        ]

    def _loket_negative_warnings(self, data):
        """One warning per cell whose entries net to a negative total: it is written as a negative
        number, which Loket takes for amounts but refuses for hours."""
        try:
            cells = negative_cells(data.entries)
        except PayrollCsvError:
            return []  # a value that is no number: building the file says so
        components = self.payroll_component_ids
        newest = max(components.mapped("year"), default=0)
        hours = set(components.filtered(lambda c: c.year == newest and c.is_hours).mapped("number"))
        warnings = []
        for payroll_number, _shift, _unit, component, value in cells:
            values = {
                "employee": data.employees.get(payroll_number, ("",))[0],
                "payroll_number": payroll_number,
                "component": component,
                "value": self.env["loket.export"]._format_hours(float(value)),
            }
            warnings.append(
                self.env._(
                    "Negative total for %(employee)s (payroll number %(payroll_number)s), component "
                    "%(component)s: %(value)s. Loket does not accept negative hours: correct the earlier "
                    "period in Loket instead.",
                    **values,
                )
                if component in hours
                else self.env._(
                    "Negative total for %(employee)s (payroll number %(payroll_number)s), component "
                    "%(component)s: %(value)s, written as a negative number (corrections larger than the "
                    "period's values).",
                    **values,
                )
            )
        return warnings

    def _loket_unvalidated_count(self, date_from, date_to, employees):
        """Lines not validated yet, where a validation mechanism is installed (a ``validated`` field)."""
        Line = self.env["account.analytic.line"]
        if "validated" not in Line._fields:
            return 0
        return Line.search_count(
            [*self._loket_timesheet_domain(date_from, date_to, employees), ("validated", "=", False)]
        )
