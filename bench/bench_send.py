#!/usr/bin/env python3
"""Sending a month straight to Loket: requests made and the Odoo side's time, next to the CSV.

    python3 bench/bench_send.py [--employees 1000]

Each employee gets hours on three Loket components (worked hours, overtime,
leave) in one month. Prints the PATCH requests made (goal: at most rows / batch
size, plus retries) and the time the send spends outside HTTP (the Odoo side:
checks, rows, bookkeeping, commits), next to the time to build the same CSV
(goal: at most 2×). Needs Odoo 18 and PostgreSQL (as `make test`).
"""

import argparse
import cProfile
import math
import os
import pstats
import statistics
import sys
import time
from unittest.mock import patch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import add_all_employees, configure_odoo, connect, fake_loket, month_of_hours, odoo_env, throwaway_database


def main():
    configure_odoo()  # the addon of this working copy, not of an editable install elsewhere
    from odoo.addons.loket_integration.loket.payroll_csv import build_payroll_csv
    from odoo.addons.loket_integration.loket.payroll_period_data import BATCH_SIZE
    from odoo.addons.loket_integration.loket.transport import Transport

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="print where the send spends its time")
    args = parser.parse_args()
    with throwaway_database("loket_bench_send") as db, odoo_env(db) as env, fake_loket(args.employees) as fake:
        integration = connect(env, fake)
        add_all_employees(integration)
        period, employees = month_of_hours(env, integration)

        def build_csv():
            data = integration._loket_export_data(period.date_from, period.date_to)
            return build_payroll_csv(integration.client_number, data.entries)

        csv_times = []
        for _ in range(5):
            started = time.perf_counter()
            csv = build_csv()
            csv_times.append(time.perf_counter() - started)
        csv_s = statistics.median(csv_times)

        export = env["loket.export"]._generate(integration, period, employees, None)
        env.cr.commit()
        http = {"seconds": 0.0, "requests": 0}
        send = Transport.send

        def timed_send(self, method, url, **kwargs):
            started = time.perf_counter()
            try:
                return send(self, method, url, **kwargs)
            finally:
                http["seconds"] += time.perf_counter() - started
                http["requests"] += method == "PATCH"

        fake.reset_logs()
        profiler = cProfile.Profile() if args.profile else None
        with patch.object(Transport, "send", timed_send):
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            # inline: the send itself, not the background run it hands large exports to
            outcome = export._loket_send(inline=True)
            env.cr.commit()
            total_s = time.perf_counter() - started
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        odoo_s = total_s - http["seconds"]
        items = len(fake.payroll_period_data)
        print(f"# {len(employees)} employees, {csv.rows} rows in the CSV, 3 components, batches of {BATCH_SIZE}")
        print(f"CSV build (median of 5)          {csv_s:7.3f} s")
        print(
            f"send: {outcome.get('sent', 0)} rows sent, {items} items in {http['requests']} PATCH requests "
            f"(rows / batch size = {math.ceil(csv.rows / BATCH_SIZE)})"
        )
        print(f"send, total                      {total_s:7.3f} s")
        print(f"send, inside HTTP (fake Loket)   {http['seconds']:7.3f} s")
        print(f"send, Odoo side                  {odoo_s:7.3f} s   ratio to the CSV build {odoo_s / csv_s:5.2f}x")
        fake.reset_logs()
        started = time.perf_counter()
        export._loket_send(inline=True)
        print(f"resend, nothing changed          {time.perf_counter() - started:7.3f} s, "
              f"{len([r for r in fake.requests if r[0] == 'PATCH'])} PATCH requests")  # fmt: skip


if __name__ == "__main__":
    main()
