#!/usr/bin/env python3
"""The Loket export of one month: wall time and peak memory, next to one raw SQL GROUP BY.

    python3 bench/bench_export.py [--employees 1000] [--lines-per-day 3]

About 66,000 timesheet lines for 1,000 employees (22 working days × 3 lines).
Targets (issue 5): within 2× of the GROUP BY's time; memory flat in the number of
lines (the second pass doubles the lines on the same days). Needs Odoo 18 and
PostgreSQL (PGHOST/PGUSER/PGPASSWORD, as `make test`).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import add_all_employees, connect, fake_loket, odoo_env, throwaway_database

GROUP_BY = """
    SELECT employee_id, loket_hour_code_id, date, sum(unit_amount), count(*)
      FROM account_analytic_line
     WHERE project_id IS NOT NULL AND date BETWEEN %s AND %s AND company_id = %s
  GROUP BY employee_id, loket_hour_code_id, date
"""


def insert_lines(env, project, employees, code, start, end, per_day):
    """Timesheet lines straight in SQL: ORM creation is not what is measured."""
    env.cr.execute(
        """
        INSERT INTO account_analytic_line
               (name, date, amount, unit_amount, company_id, project_id, employee_id, loket_hour_code_id,
                create_uid, write_uid, create_date, write_date)
        SELECT 'werk', d::date, 0, 8.0 / %(per_day)s, %(company)s, %(project)s, e, %(code)s, 1, 1, now(), now()
          FROM unnest(%(employees)s::int[]) AS e,
               generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS d,
               generate_series(1, %(per_day)s) AS n
         WHERE extract(isodow FROM d) < 6
        """,
        {
            "per_day": per_day,
            "company": env.company.id,
            "project": project.id,
            "employees": employees.ids,
            "code": code.id,
            "start": start,
            "end": end,
        },
    )
    env.cr.commit()
    env["account.analytic.line"].invalidate_model()


def _median_seconds(fn, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(env, integration, period, label, repeat=5):
    """Median of ``repeat`` runs for the times; peak memory of one traced run."""
    from odoo.addons.loket_integration.loket.payroll_csv import build_payroll_csv

    env.cr.execute(
        "SELECT count(*) FROM account_analytic_line WHERE date BETWEEN %s AND %s", (period.date_from, period.date_to)
    )
    lines = env.cr.fetchone()[0]

    def group_by():
        env.cr.execute(GROUP_BY, (period.date_from, period.date_to, env.company.id))
        return len(env.cr.fetchall())

    def export():
        data = integration._loket_export_data(period.date_from, period.date_to)
        return data, build_payroll_csv(integration.client_number, data.entries)

    group_by_s, groups = _median_seconds(group_by, repeat)
    placing_s, _ = _median_seconds(
        lambda: integration._loket_hours_by_employment(period.date_from, period.date_to), repeat
    )
    export_s, (data, csv) = _median_seconds(export, repeat)
    tracemalloc.start()
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<16} lines={lines:>7}  groups={groups:>6}  rows={csv.rows:>5}  "
        f"group_by={group_by_s:6.3f} s  export={export_s:6.3f} s  ratio={export_s / group_by_s:5.2f}x  "
        f"peak_memory={peak / 2**20:6.1f} MiB  warnings={len(data.warnings)}  "
        f"(medians of {repeat}; the export's grouping query alone {placing_s:.3f} s)",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--lines-per-day", type=int, default=3)
    args = parser.parse_args()
    with throwaway_database("loket_bench_export") as db, odoo_env(db) as env, fake_loket(args.employees) as fake:
        integration = connect(env, fake)
        add_all_employees(integration)
        worked = env.ref("hr_work_entry.work_entry_type_attendance")
        integration.hour_code_ids = [(0, 0, {"work_entry_type_id": worked.id, "component_number": "1"})]
        env.cr.commit()
        year = datetime.date.today().year
        period = env["loket.payroll.period"]._ensure_for(integration, year).filtered(lambda p: p.number == 3)
        project = env["project.project"].create({"name": "Bench"})
        employees = env["hr.employee"].search([("loket_integration_id", "=", integration.id)])
        insert_lines(env, project, employees, worked, period.date_from, period.date_to, args.lines_per_day)
        env.cr.execute("ANALYZE account_analytic_line")
        measure(env, integration, period, "one month")
        insert_lines(env, project, employees, worked, period.date_from, period.date_to, args.lines_per_day)
        env.cr.execute("ANALYZE account_analytic_line")
        measure(env, integration, period, "twice the lines")


if __name__ == "__main__":
    main()
