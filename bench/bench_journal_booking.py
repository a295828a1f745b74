#!/usr/bin/env python3
"""Booking a Loket journal run ("Book in Odoo") against a plain ``account.move`` create of
the same lines: wall time and peak Python memory.

    python3 bench/bench_journal_booking.py [--employees 1000 10000] [--per-cost-center 10] [--repeat 3]

Per size: a database of its own with loket_integration_account, a company in euros with
Loket's ledger accounts, a FakeLoket of N employees who "run payroll" for period 3 (its
journal lines come from loket/testing/payroll_journal.py, as in the tests). Loket sums its
journal lines per ledger account × cost center × cost unit × payroll component, never per
employee: for the lines to grow with the employees, each cost center (distribution unit)
holds ``--per-cost-center`` employments (10: 1,000 cost centers and some 5,000 Loket lines
at 10,000 employees), each mapped to an analytic account of its own.

Measured, alternately, ``--repeat`` times each (the fastest counts), each rolled back:

- plain create: ``account.move.create`` of the booking's own line values (worked out
  beforehand, not timed) in the salary journal, flushed;
- booking: ``action_book`` of the run as the button calls it — Loket asked for the run's
  status and its lines (the fake behind ``responses``), the lines summed and checked, the
  mappings read, the entry created, the chatter summary, the run written — flushed.

Goal, printed as a ratio: booking ≤ 1.5× the plain create at 10,000 employees. Memory, with
tracemalloc on a separate pass (tracing slows Python down): the peak of each, and the
booking's peak over the plain create's; flat means this ratio does not grow from 1,000 to
10,000 employees (the booking holds Loket's lines once, nothing per employee). Needs Odoo 18
and PostgreSQL (as `make test`).
"""

import argparse
import datetime
import os
import resource
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import connect, fake_loket, odoo_env, throwaway_database

YEAR = datetime.date.today().year
PERIOD = 3


def spread_over_cost_centers(fake, per_center):
    """Give every ``per_center`` employments a distribution unit (cost center) of their own."""
    units = []
    for index, entity in enumerate(fake.data["organizational_entities"]):
        number = index // per_center
        if number == len(units):
            units.append({"id": f"bench-unit-{number}", "code": str(1000 + number), "description": f"Team {number}"})
        unit = units[number]
        entity["organizationalEntity"]["distributionUnit"] = {
            "key": unit["id"],
            "code": unit["code"],
            "description": unit["description"],
        }
    fake.data["distribution_units"] = units
    return units


def set_up(env, fake, units):
    """The company in euros, Loket's ledger accounts, an analytic account per cost center and
    the salary journal; the run read from Loket (its mappings proposed). Committed."""
    from odoo import Command

    from odoo.addons.loket_integration.loket.testing import payroll_journal as P

    integration = connect(env, fake)
    company = integration.company_id
    euro = env.ref("base.EUR")
    euro.active = True
    company.currency_id = euro
    kinds = {"4": "expense", "1": "liability_current"}
    for _key, code, name in P.ACCOUNTS.values():
        env["account.account"].with_company(company).create(
            {"code": code, "name": name, "account_type": kinds[code[0]], "company_ids": [Command.set(company.ids)]}
        )
    plan = env["account.analytic.plan"].create({"name": "Kostenplaatsen"})
    env["account.analytic.account"].create(
        [{"name": unit["description"], "code": unit["code"], "plan_id": plan.id} for unit in units]
    )
    units_plan = env["account.analytic.plan"].create({"name": "Kostendragers"})
    env["account.analytic.account"].create({"name": "Broodlijn", "code": "BRD", "plan_id": units_plan.id})
    settings = env["loket.journal.settings"].search([("integration_id", "=", integration.id)])
    settings.action_create_journal()
    fake.run_payroll(YEAR, PERIOD)
    settings.action_fetch_runs()
    env.cr.commit()
    run = settings.run_ids
    assert run.state == "to_book", run.state
    assert not settings.unmapped_count, "every ledger account mapped"
    return settings, run


def plain_lines(run, fake):
    """The values the booking gives its lines (not timed)."""
    entry = run._entry(fake.journal_results(run.loket_id))
    return run._move_lines(entry, [])


def plain_create(env, run, lines):
    from odoo import Command

    env["account.move"].with_company(run.company_id).create(
        {
            "move_type": "entry",
            "journal_id": run.settings_id.journal_id.id,
            "date": run.period_end,
            "ref": "Plain create",
            "line_ids": [Command.create(dict(line)) for line in lines],
        }
    )
    env.flush_all()


def book(env, run):
    run.action_book()
    env.flush_all()


def timed(env, work):
    env.invalidate_all()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    env.cr.rollback()
    env.invalidate_all()
    return seconds


def traced(env, fake, work):
    """Peak Python memory (bytes) of ``work`` above what was allocated before it."""
    env.invalidate_all()
    fake.http_mock.calls.reset()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    work()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    env.cr.rollback()
    env.invalidate_all()
    return peak


def measure(n, per_center, repeat):
    with throwaway_database("loket_bench_journal", "loket_integration_account") as db, odoo_env(db) as env:
        with fake_loket(n) as fake:
            units = spread_over_cost_centers(fake, per_center)
            started = time.perf_counter()
            _settings, run = set_up(env, fake, units)
            rows = len(fake.journal_results(run.loket_id))
            lines = plain_lines(run, fake)
            print(f"# {n} employees, {len(units)} cost centers: {rows} Loket lines, {len(lines)} entry lines "
                  f"(set-up {time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
            env.cr.commit()
            plain, booking = [], []
            for _ in range(repeat):
                plain.append(timed(env, lambda: plain_create(env, run, lines)))
                booking.append(timed(env, lambda: book(env, run)))
            plain_peak = traced(env, fake, lambda: plain_create(env, run, lines))
            booking_peak = traced(env, fake, lambda: book(env, run))
            env.cr.execute("SELECT count(*) FROM account_move WHERE loket_journal_run_id IS NOT NULL")
            assert env.cr.fetchone()[0] == 0, "every booking was rolled back"
        result = {
            "n": n,
            "rows": rows,
            "lines": len(lines),
            "plain": min(plain),
            "booking": min(booking),
            "plain_peak": plain_peak,
            "booking_peak": booking_peak,
        }
        print(
            f"{'plain account.move create':<28} wall={result['plain']:7.2f} s  (all: "
            f"{', '.join(f'{s:.2f}' for s in plain)})  peak_python_memory={plain_peak / 2**20:7.1f} MiB",
            flush=True,
        )
        print(f"{'booking (Book in Odoo)':<28} wall={result['booking']:7.2f} s  (all: "
              f"{', '.join(f'{s:.2f}' for s in booking)})  peak_python_memory={booking_peak / 2**20:7.1f} MiB",
              flush=True)  # fmt: skip
        print(f"# {n} employees: booking / plain create = {result['booking'] / result['plain']:.2f}× wall, "
              f"{booking_peak / plain_peak:.2f}× peak memory", flush=True)  # fmt: skip
        return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--per-cost-center", type=int, default=10, help="employments per cost center")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = [measure(n, args.per_cost_center, args.repeat) for n in args.employees]
    print("# summary (goal: booking <= 1.5x the plain create at 10,000; memory ratio flat)")
    for r in results:
        print(f"#   {r['n']:>6} employees, {r['lines']:>6} entry lines: wall {r['booking'] / r['plain']:.2f}×, "
              f"peak memory {r['booking_peak'] / r['plain_peak']:.2f}× "
              f"({r['booking_peak'] / 2**20:.1f} / {r['plain_peak'] / 2**20:.1f} MiB)")  # fmt: skip
    if len(results) > 1:
        small, large = results[0], results[-1]
        growth = (large["booking_peak"] / large["plain_peak"]) / (small["booking_peak"] / small["plain_peak"])
        print(f"#   memory ratio at {large['n']} over at {small['n']}: {growth:.2f}× (flat: about 1)")
    print(f"# peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
