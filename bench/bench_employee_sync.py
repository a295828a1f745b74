#!/usr/bin/env python3
"""Employee synchronisation through the fake Loket: HTTP requests, SQL queries, wall time.

    python3 bench/bench_employee_sync.py [--employees 2000] [--trace-memory]

Prints:
- the ORM floor: one batched ``create`` of the same employees and one of their contracts,
  with the same values and context flags as "Add all" (then rolled back);
- "Add all" as the addon does it: the button's own request (rows → Add, the run queued),
  then the background run (loket.job on the jobs cron, a commit per batch), and the
  ratio of the run to the floor (goal ≤ 1.25× at 2,000 employees; button < 2 s);
- with ``--trace-memory``: the peak Python memory (tracemalloc) a cron call of the
  background fetch and of the background "Add all" needs (goal: at 10,000 no higher than
  at 2,000: batches, not everything at once). Tracing slows Python down: compare times
  of runs without it;
- re-syncs (issue 4): requests grow with Loket's pages, not with employees; an incremental
  re-sync of unchanged employees issues a number of SQL queries that does not grow with
  N; a full one keeps Loket's lists page by page between its batches (loket.fetch.item),
  so its queries grow with the pages (a few per page of 250), not per employee.
Needs Odoo 18 and PostgreSQL (PGHOST/PGUSER/PGPASSWORD, as `make test`).
"""

import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import Measure, connect, fake_loket, odoo_env, run_jobs, throwaway_database


class CallPeaks:
    """Peak Python memory (tracemalloc) of the cron calls of a background run, when tracing:
    the most any one call allocated above what was allocated when it started (a worker's
    need per batch), and the peak of the whole run. The HTTP mock's logs of calls (its own and
    each route's) are emptied after each call: they keep every response, which a real Loket
    does not do in Odoo."""

    def __init__(self, enabled, label, fake):
        self.enabled, self.label, self.fake = enabled, label, fake
        self.per_call = self.start = 0

    def __enter__(self):
        if self.enabled:
            tracemalloc.start()
        return self

    def after_call(self):
        if not self.enabled:
            return
        _current, peak = tracemalloc.get_traced_memory()
        self.per_call = max(self.per_call, peak - self.start)
        self.fake.http_mock.calls.reset()
        for route in self.fake.http_mock.registered():  # each route keeps its calls too
            route.calls.reset()
        tracemalloc.reset_peak()
        self.start = tracemalloc.get_traced_memory()[0]

    def __exit__(self, *exc):
        if self.enabled:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{self.label:<40} peak_python_memory_per_call={self.per_call / 2**20:8.2f} MiB  "
                  f"(last call's peak {peak / 2**20:.1f} MiB)", flush=True)  # fmt: skip


def orm_floor(env, integration, rows):
    """One create of the employees, one of their Loket employments and (on 18.0) one of their
    contracts: the values "Add all" writes, with its context flags, prepared beforehand (not
    timed). Rolled back afterwards."""
    from odoo import fields

    from odoo.addons.loket_integration.loket.contract_plan import Span, plan
    from odoo.addons.loket_integration.loket.employee_mapper import employment_values
    from odoo.addons.loket_integration.models.loket_employee_bulk import BULK_CREATE_CONTEXT

    to_date = fields.Date.to_date
    lookups, countries = {}, {}
    items = [
        (index, employment_values(item["employment"], item["entity"], item["hours"]))
        for index, row in enumerate(rows)
        for item in row.data["employments"]
    ]
    integration._loket_preload_lookups("hr.department", {v["department_name"] for _i, v in items}, lookups)
    integration._loket_preload_lookups("hr.job", {v["job_name"] for _i, v in items}, lookups)
    employee_vals = [integration._loket_employee_vals(row, created=True, countries=countries) for row in rows]
    # The states "Add all" gives (loket/contract_plan.py), worked out beforehand: not timed.
    today = fields.Date.today()
    spans = {}
    for index, values in items:
        span = Span(values["loket_id"], to_date(values["date_start"]), to_date(values["date_end"]))
        spans.setdefault(index, []).append(span)
    targets = {index: plan(employee_spans, today) for index, employee_spans in spans.items()}
    employment_vals = []
    for index, values in items:
        vals, department = integration._loket_employment_vals(values, lookups)
        employment_vals.append((index, values, vals, department, targets[index][values["loket_id"]]))
    try:  # the 18.0 part's contract states, when it is installed
        from odoo.addons.loket_integration_hr_contract.models.loket_employment_mirror import STATE_VALUES
    except ImportError:
        STATE_VALUES = None
    env.flush_all()
    started = time.perf_counter()
    employees = env["hr.employee"].with_context(**BULK_CREATE_CONTEXT).create(employee_vals)
    employments = (
        env["loket.employment"]
        .with_context(**BULK_CREATE_CONTEXT)
        .create(
            [
                integration._loket_new_employment_vals(employees[index], values, vals, department)
                for index, values, vals, department, _target in employment_vals
            ]
        )
    )
    if STATE_VALUES and "hr.contract" in env:
        env["hr.contract"].with_context(**BULK_CREATE_CONTEXT).create(
            [
                {
                    "name": f"{e.employee_id.name} – {e.payroll_number}",
                    "employee_id": e.employee_id.id,
                    "company_id": e.company_id.id,
                    "department_id": e.department_id.id,
                    "job_id": e.job_id.id,
                    "date_start": e.date_start,
                    "date_end": e.date_end,
                    "wage": 0.0,
                    **STATE_VALUES[target],
                }
                for e, (_i, _v, _vals, _d, target) in zip(employments, employment_vals, strict=True)
            ]
        )
    env.flush_all()
    seconds = time.perf_counter() - started
    env.cr.rollback()
    env.invalidate_all()
    print(f"{'ORM floor (1 create per model)':<40} employees={len(employees):>6}  wall={seconds:8.2f} s", flush=True)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--trace-memory", action="store_true", help="peak Python memory of the background runs")
    parser.add_argument(
        "--floor",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure the ORM floor (default: up to 2,000 employees; one create of all grows faster than linearly)",
    )
    parser.add_argument("--button-only", action="store_true", help="stop after the Add all button's request")
    args = parser.parse_args()
    n = args.employees
    with throwaway_database("loket_bench_sync") as db, odoo_env(db) as env, fake_loket(n) as fake:
        integration = connect(env, fake)
        print(f"# {n} Loket employees, {len(fake.data['employments'])} employments, page size 250")
        with Measure(env, fake, "fetch: the button's request"):
            integration.action_fetch_employees()
            env.cr.commit()
        with (
            CallPeaks(args.trace_memory, "fetch: background", fake) as peaks,
            Measure(env, fake, "fetch: background"),
        ):
            calls = run_jobs(env, peaks.after_call)
        print(f"# fetch: {calls} cron calls", flush=True)
        rows = integration.loket_employee_ids
        floor = orm_floor(env, integration, rows) if (args.floor if args.floor is not None else n <= 2000) else None
        rows = integration.loket_employee_ids
        with Measure(env, fake, "Add all: the button's request") as button:
            rows.action_add()
            env.cr.commit()
        if args.button_only:
            return
        with (
            CallPeaks(args.trace_memory, "Add all: background", fake) as peaks,
            Measure(env, fake, "Add all: background") as run,
        ):
            calls = run_jobs(env, peaks.after_call)
        job = env["loket.job"].search([("kind", "=", "apply_decisions")], limit=1)
        print(f"# Add all: run {job.state}, {job.added_count} added in {calls} cron calls; "
              f"button {button.seconds:.2f} s", flush=True)  # fmt: skip
        if floor:
            print(f"# Add all / ORM floor: {run.seconds / floor:.2f}× (with the button's request "
                  f"{(run.seconds + button.seconds) / floor:.2f}×)", flush=True)  # fmt: skip
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
        print(f"# employees in Odoo: {employees}; Loket employments: "
              f"{env['loket.employment'].search_count([])}")  # fmt: skip


if __name__ == "__main__":
    main()
