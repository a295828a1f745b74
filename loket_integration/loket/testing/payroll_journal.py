"""The fake Loket's payroll run: a journal run's result lines derived from the employer's data.

Deterministic and balanced to the cent. Per employment running in the period:

- hourly wage from its payroll number (14.00 to 35.99); hours: the "Uren gewerkt" (component 1)
  Loket received for the period, else the contract's average hours per week × 52 / 12;
  overtime (component 28) received is paid at 125 %;
- bruto loon, werkgeverslasten (WW, WIA, Zvw), pensioen (werkgever 10 %, werknemer 5 %),
  loonheffing (28.5 % of gross minus the employee's pension) and netto te betalen (the rest),
  each rounded to cents once per employment, so that debit equals credit for each of them.

Like Loket's journal the lines are summed per ledger account × cost center × cost unit ×
payroll component, never per employee. Cost lines carry the employment's distribution unit
as cost center (same code and description) and, for the Productie department, a cost unit;
balance-sheet lines carry neither.
"""

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# key, code, description (Loket's generalLedgerAccount)
ACCOUNTS = {
    "gross": (1, "4000", "Bruto lonen"),
    "overtime": (2, "4005", "Overwerk"),
    "social": (3, "4100", "Sociale lasten"),
    "pension_cost": (4, "4150", "Pensioenlasten"),
    "wage_tax": (5, "1620", "Af te dragen loonheffing"),
    "pension_due": (6, "1630", "Af te dragen pensioenpremie"),
    "net": (7, "1650", "Netto lonen te betalen"),
}
# Payroll components (description: the schema's maxLength is 14).
SALARY = (10, "Salaris")
OVERTIME = (28, "Overuren")
SOCIAL = [((3001, "Premie WW"), Decimal("0.0264")), ((3002, "Premie WIA"), Decimal("0.0763")),
          ((3003, "Werkg.h. Zvw"), Decimal("0.0651"))]  # fmt: skip
PENSION_EMPLOYER = ((3010, "Pensioen wg"), Decimal("0.10"))
PENSION_EMPLOYEE = ((3011, "Pensioen wn"), Decimal("0.05"))
WAGE_TAX = ((3020, "Loonheffing"), Decimal("0.285"))
NET = (3030, "Netto loon")
WORKED_HOURS, OVERTIME_HOURS = 1, 28  # the payroll period data components the sandbox receives
COST_UNITS = {"Productie": {"key": 1, "code": "BRD", "description": "Broodlijn"}}
NAMESPACE = uuid.UUID("6f1c1a52-3b5e-4f0e-9a3c-4c6f6b6574a1")


def _cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def journal_uuid(administration_id, *parts):
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in (administration_id, *parts))))


def hourly_wage(employment):
    return Decimal(1400 + (int(employment.get("payrollId") or 0) * 7919) % 2200) / 100


def running(employment, start, end):
    begins = datetime.date.fromisoformat(employment["startDate"])
    ends = employment.get("endDate")
    return begins <= end and (not ends or datetime.date.fromisoformat(ends) >= start)


def received_hours(held, employment_id, year, period):
    """``(worked, overtime)`` hours Loket received for the employment and period (any unit), or None."""
    worked = overtime = Decimal(0)
    found = False
    for (employment, _unit, held_year, held_period), components in held.items():
        if (employment, held_year, held_period) != (employment_id, year, period):
            continue
        found = True
        worked += Decimal(str(components.get(WORKED_HOURS) or 0))
        overtime += Decimal(str(components.get(OVERTIME_HOURS) or 0))
    return (worked, overtime) if found else None


def employment_amounts(wage, hours, overtime):
    """``[(account name, component, debit, credit)]`` of one employment's month; balanced."""
    gross = _cents(hours * wage)
    extra = _cents(overtime * wage * Decimal("1.25"))
    total = gross + extra
    lines = [("gross", SALARY, gross, 0)]
    if extra:
        lines.append(("overtime", OVERTIME, extra, 0))
    for component, rate in SOCIAL:
        charge = _cents(total * rate)
        lines += [("social", component, charge, 0), ("wage_tax", component, 0, charge)]
    employer_pension = _cents(total * PENSION_EMPLOYER[1])
    employee_pension = _cents(total * PENSION_EMPLOYEE[1])
    tax = _cents((total - employee_pension) * WAGE_TAX[1])
    lines += [
        ("pension_cost", PENSION_EMPLOYER[0], employer_pension, 0),
        ("pension_due", PENSION_EMPLOYER[0], 0, employer_pension),
        ("pension_due", PENSION_EMPLOYEE[0], 0, employee_pension),
        ("wage_tax", WAGE_TAX[0], 0, tax),
        ("net", NET, 0, total - employee_pension - tax),
    ]
    return lines


def journal_results(data, held, year, period_number):
    """Loket's result lines of a journal run of ``period_number``/``year`` (amounts as Decimal)."""
    period = next((p for p in data["payroll_periods"] if (p["year"], p["periodNumber"]) == (year, period_number)), None)
    if period is None:
        raise ValueError(f"no payroll period {period_number} of {year}")
    start, end = (datetime.date.fromisoformat(period[key]) for key in ("startDate", "endDate"))
    entities = {r["employmentId"]: r["organizationalEntity"] for r in data["organizational_entities"]}
    weekly = {r["employmentId"]: r["workingHours"]["averageHoursPerWeek"] for r in data["working_hours"]}
    units = {u["id"]: u for u in data["distribution_units"]}
    sums = {}
    for employment in data["employments"]:
        if not running(employment, start, end):
            continue
        entity = entities.get(employment["id"]) or {}
        unit = units.get((entity.get("distributionUnit") or {}).get("key"))
        center = (
            {"key": int(unit["code"]), "code": str(unit["code"]), "description": unit["description"]} if unit else None
        )
        cost_unit = COST_UNITS.get((entity.get("department") or {}).get("description"))
        hours = received_hours(held, employment["id"], year, period_number)
        if hours is None:
            hours = (_cents(Decimal(str(weekly.get(employment["id"]) or 0)) * 52 / 12), Decimal(0))
        for name, component, debit, credit in employment_amounts(hourly_wage(employment), *hours):
            cost_line = name in ("gross", "overtime", "social", "pension_cost")
            key = (
                name,
                component,
                cost_line and center and center["key"],
                cost_line and cost_unit and cost_unit["key"],
            )
            entry = sums.setdefault(key, [component, center if cost_line else None, cost_unit if cost_line else None,
                                          Decimal(0), Decimal(0)])  # fmt: skip
            entry[3] += debit
            entry[4] += credit
    rows = []
    for (name, *_rest), (component, center, cost_unit, debit, credit) in sorted(sums.items(), key=_order):
        key, code, description = ACCOUNTS[name]
        rows.append(
            {
                "generalLedgerAccount": {"key": key, "code": code, "description": description},
                "costCenter": dict(center) if center else None,
                "costUnit": dict(cost_unit) if cost_unit else None,
                "payrollComponent": {"key": component[0], "description": component[1]},
                "debetAmount": debit,
                "creditAmount": credit,
            }
        )
    return rows


def _order(item):
    (name, component, center, unit), _value = item
    return (ACCOUNTS[name][1], component[0], center or 0, unit or 0)


def journal_run(administration_id, sequence, approved, payroll_run_id, period):
    """A journal run as the document describes it, status 4 ("Journaal gereed")."""
    end = datetime.date.fromisoformat(period["endDate"])
    requested = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(9, 0))
    user = {"id": journal_uuid(administration_id, "user"), "initials": "S.", "lastName": "Salarisadministratie",
            "prefix": None, "formattedName": "Salarisadministratie, S."}  # fmt: skip
    return {
        "id": journal_uuid(administration_id, "journalrun", sequence),
        "journalRunStatus": {"key": 4, "value": "Journaal gereed"},
        "methodOfCreation": {"key": 2, "value": "Individueel"},
        "payrollRun": {
            "payrollRunId": payroll_run_id,
            "sequenceNumberApproved": approved,
            "payrollPeriod": {
                "year": period["year"],
                "periodNumber": period["periodNumber"],
                "periodStartDate": period["startDate"],
                "periodEndDate": period["endDate"],
                "testYear": bool(period.get("testYear")),
            },
        },
        "requestTime": requested.isoformat() + "Z",
        "requestedBy": user,
        "processingFinishedTime": (requested + datetime.timedelta(minutes=2)).isoformat() + "Z",
        "removeTime": None,
        "removedBy": None,
        "sequenceNumber": sequence,
    }
