#!/usr/bin/env python3
"""Employee synchronisation through the fake Loket: HTTP requests, SQL queries, wall time.

    python3 bench/bench_employee_sync.py [--employees 2000]

Targets (issue 4): requests grow with pages, not employees; a re-sync of unchanged
employees issues a number of SQL queries that does not grow with N. Needs Odoo 18
and PostgreSQL (PGHOST/PGUSER/PGPASSWORD, as `make test`).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import Measure, connect, fake_loket, odoo_env, throwaway_database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2000)
    n = parser.parse_args().employees
    with throwaway_database("loket_bench_sync") as db, odoo_env(db) as env, fake_loket(n) as fake:
        integration = connect(env, fake)
        print(f"# {n} Loket employees, {len(fake.data['employments'])} employments, page size 250")
        with Measure(env, fake, "initial fetch + Add all"):
            integration.action_fetch_employees()
            rows = integration.loket_employee_ids
            rows.write({"decision": "add"})
            rows.action_apply()
            env.cr.commit()
        with Measure(env, fake, "full re-sync, nothing changed"):
            integration._loket_sync_employees(full=True)
        with Measure(env, fake, "incremental re-sync, nothing changed"):
            integration._loket_sync_employees()
        changed = max(1, n // 20)
        for number in range(1, changed + 1):
            fake.change_employee(number, **{"address.city": "Amersfoort"})
        with Measure(env, fake, f"incremental re-sync, {changed} (5%) changed"):
            integration._loket_sync_employees()
        employees = env["hr.employee"].search_count([("loket_integration_id", "=", integration.id)])
        print(f"# employees in Odoo: {employees}; contracts: "
              f"{env['hr.contract'].search_count([('loket_employment_id', '!=', False)])}")  # fmt: skip


if __name__ == "__main__":
    main()
