#!/usr/bin/env python3
"""Background runs as an operator sees them: a real Odoo server, its own cron runner, the
buttons pressed over JSON-RPC, the fake Loket over HTTP.

    python3 bench/bench_cron_runs.py [--employees 2000 [10000]] [--modes threaded prefork]

Per size and server mode: a database of its own, a FakeLoket of N employees served over
HTTP on a loopback port, and an Odoo server process (``threaded``: ``--workers=0
--max-cron-threads=1``; ``prefork``: ``--workers=2 --max-cron-threads=1``) with Odoo's
default time limits. The runs, one after the other, each from its button (JSON-RPC, as
the web client calls it) until the run (loket.job) is done, read from the database:

- fetch: "Fetch employees" on the integration;
- Add all: "Add" on every mapping row;
- nightly sync, 5% and 100% changed in Loket: "Run manually" on the nightly scheduled
  action (it queues the background sync, as at night);
- send: "Send to Loket" of a month's export (a row per employment and distribution unit:
  about as many rows as employments; 10,000 rows at 10,000 employees).

Per run it prints the wall time from the button until the run is done, the button's
request, the sum of the jobs cron's calls (Odoo's log: from "Job ... starting" until the
runner logs the call's progress, after its commit), the other scheduled actions the runner
ran meanwhile, the idle time (wall − button − calls − other actions: the runner waiting for
its next poll, and its own bookkeeping between calls), the cron calls (and empty ones: a
call that found no run), the longest gap between two calls and the Loket requests. Goals,
printed as ratios: idle ≤ 10% of the wall time of every run; Add all's wall time ≤ 1.25×
the ORM floor (one batched create of the same employees and contracts, as
bench_employee_sync.py measures it, in the same database just before Add all) at 2,000
employees. Lines of the server log saying a worker hit a limit (CPU time, real time) or
an error (ERROR, "Exception in cron") are counted and printed.

The two cores of the bench machine may be shared with other work: the idle time does not
depend on it, the calls' durations do. Needs Odoo 18 and PostgreSQL (as `make test`).
"""

import argparse
import contextlib
import datetime
import itertools
import os
import re
import socket
import subprocess
import sys
import time

import psycopg2
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ROOT, configure_odoo, connect, month_of_hours, odoo_env, throwaway_database
from run_tests import addons_path, pg_args

JOBS_CRON = "Loket: background runs"
CRON_LINE = re.compile(
    r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \d+ INFO \S+ odoo\.addons\.base\.models\.ir_cron: "
    r"Job '(?P<name>[^']*)' \(\d+\) (?:starting|done in (?P<seconds>[\d.]+)s|"
    r"processed (?P<done>\d+) records, (?P<remaining>\d+) records remaining|"
    # 19.0 logs a round of calls, not each call: "fully done (#loop 3; done 2; remaining 0; duration 1.2s)"
    r"(?:fully|partially) done \(#loop (?P<loops>\d+); done (?P<round_done>\d+); "
    r"remaining (?P<round_remaining>\d+); duration (?P<round_seconds>[\d.]+)s\))$"
)
LIMIT_LINE = re.compile(r"CPU time limit|virtual real time limit|WorkerCron \(\d+\) timeout|Worker \(\d+\) exiting")
PROBLEM_LINE = re.compile(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) |Exception in cron")
MODES = {"threaded": ["--workers", "0"], "prefork": ["--workers", "2"]}
POLL = 0.2  # seconds between two looks at the run's state (SQL, not through Odoo)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_time(text):
    """Odoo logs in UTC (it sets TZ=UTC)."""
    moment = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S,%f")
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


class Server:
    """An Odoo server process on the database, its log in a file of its own."""

    def __init__(self, db, mode, log_path):
        self.db, self.mode, self.log_path = db, mode, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        open(self.log_path, "w").close()  # an empty log for this server
        cmd = [sys.executable, os.path.join(ROOT, "bench", "odoo_server.py"), *pg_args(),
               "--addons-path", addons_path(), "-d", self.db, "--db-filter", f"^{self.db}$",
               *MODES[self.mode], "--max-cron-threads", "1",
               "--http-interface", "127.0.0.1", "--http-port", str(self.port), "--gevent-port", str(free_port()),
               "--logfile", self.log_path, "--log-level", "info"]  # fmt: skip
        self.process = subprocess.Popen(cmd, cwd=ROOT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/web/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            self.process.terminate()
            raise SystemExit(f"Odoo did not start within 180 s (log: {self.log_path})")
        self.session = requests.Session()
        auth = self.session.post(
            f"{self.url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": self.db, "login": "admin", "password": "admin"}},
            timeout=60,
        )
        auth.raise_for_status()
        if "error" in auth.json():
            raise SystemExit(f"login refused: {auth.json()['error']}")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def call(self, model, method, args, **kwargs):
        """What the web client sends when a button is pressed."""
        payload = {"jsonrpc": "2.0", "method": "call",
                   "params": {"model": model, "method": method, "args": args, "kwargs": kwargs}}  # fmt: skip
        body = self.session.post(f"{self.url}/web/dataset/call_kw", json=payload, timeout=600).json()
        if "error" in body:
            raise RuntimeError(body["error"].get("data", {}).get("message") or body["error"])
        return body["result"]

    def cron_calls(self, since):
        """``{cron name: [[start, seconds, done, remaining, calls], ...]}`` of the scheduled actions'
        calls (19.0: rounds of ``calls`` calls) started after ``since``, and the lines of the log
        about a worker hitting a limit or an error. A call lasts from "starting" until the runner
        logs its progress, after its commit (until then ``done`` is None and the call ends with "done in X s", the
        server action without the commit)."""
        calls, limits, starts = {}, [], {}
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if LIMIT_LINE.search(line) or PROBLEM_LINE.search(line):
                    limits.append(line.strip())
                match = CRON_LINE.match(line.rstrip())
                if not match:
                    continue
                name, at = match["name"], log_time(match["at"])
                mine = calls.setdefault(name, [])
                if match["loops"] is not None:  # 19.0: a round of calls, from its "starting"
                    if name in starts:
                        round_ = [int(match[k]) for k in ("round_done", "round_remaining", "loops")]
                        mine.append([starts.pop(name), float(match["round_seconds"]), *round_])
                elif match["seconds"] is None and match["done"] is None:
                    starts[name] = at
                elif match["seconds"] is not None and name in starts:
                    mine.append([starts.pop(name), float(match["seconds"]), None, None, 1])
                elif match["done"] is not None and mine and mine[-1][2] is None:
                    mine[-1][1] = max(mine[-1][1], at - mine[-1][0])  # committed
                    mine[-1][2:4] = [int(match["done"]), int(match["remaining"])]
        return {name: [c for c in mine if c[0] >= since] for name, mine in calls.items()}, limits


class Database:
    """The bench's own look at the database: a run's state, without going through Odoo."""

    def __init__(self, db):
        self.cnx = psycopg2.connect(
            dbname=db,
            host=os.environ.get("PGHOST", "localhost"),
            port=os.environ.get("PGPORT", "5432"),
            user=os.environ.get("PGUSER", "odoo"),
            password=os.environ.get("PGPASSWORD", "odoo"),
        )
        self.cnx.autocommit = True

    def one(self, query, params=()):
        with self.cnx.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchone()

    def last_job_id(self):
        return self.one("SELECT coalesce(max(id), 0) FROM loket_job")[0]


def run(label, server, database, fake, press, kind, results, timeout):
    """Press the button, wait for the run of ``kind`` it started to end, record the figures."""
    before = database.last_job_id()
    loket_before = len(fake.requests) + len(fake.token_requests)
    started = time.time()
    try:
        press()
    except RuntimeError as exc:  # the button's error (Odoo's message): the run is reported as not started
        print(f"  {label}: the button failed: {exc}", flush=True)
        timeout = 0
    button = time.time() - started
    job_id = state = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = database.one("SELECT id, state FROM loket_job WHERE id > %s AND kind = %s ORDER BY id LIMIT 1",
                           (before, kind))  # fmt: skip
        if row:
            job_id, state = row
            if state in ("done", "failed"):
                break
        time.sleep(POLL)
    seen_done = time.time()
    time.sleep(1)  # the runner logs a call's "processed" line after its commit
    by_cron, limits = server.cron_calls(started)
    calls = by_cron.get(JOBS_CRON, [])
    # The calls that had a run to do: an empty call reports 0 done (None: its line is not written yet).
    worked = [c for c in calls if c[2] != 0 and c[0] <= seen_done]
    # The run ended with its last call (logged before its commit); the poll only saw it later.
    ended = worked[-1][0] + worked[-1][1] if worked else seen_done
    wall = max(ended, started + button) - started
    own = sum(c[1] for c in worked)
    # The runner busy with the other scheduled actions due meanwhile is not idle (their turn).
    others = sum(c[1] for name, mine in by_cron.items() if name != JOBS_CRON for c in mine if c[0] < ended)
    gaps = [b[0] - (a[0] + a[1]) for a, b in itertools.pairwise(worked)]
    if worked:
        gaps.insert(0, worked[0][0] - (started + button))
    empty = len([c for c in calls if c[2] == 0])  # e.g. the one after a run's last round
    row = {
        "run": label,
        "state": state or "not started",
        "wall": wall,
        "button": button,
        "calls_s": own,
        "others": others,
        "idle": max(wall - button - own - others, 0.0),
        "calls": sum(c[4] for c in worked),  # 19.0: the calls of its rounds
        "empty": empty,
        "gap": max(gaps) if gaps else 0.0,
        "requests": len(fake.requests) + len(fake.token_requests) - loket_before,
        "limits": len(limits),
        "job": job_id,
    }
    results.append(row)
    print(f"  {label:<26} {row['state']:<7} wall {wall:7.1f} s  button {button:5.2f} s  calls {own:7.1f} s "
          f"({row['calls']:3d}, {empty} empty)  other actions {others:5.1f} s  idle {row['idle']:6.1f} s  "
          f"longest gap {row['gap']:5.1f} s  Loket requests {row['requests']:5d}", flush=True)  # fmt: skip
    if state != "done":
        print(f"  ! the run is {row['state']} (log: {server.log_path})", flush=True)
    return row


def change_employees(fake, share):
    """Change the first ``share`` of Loket's employees (their city) and bump their employments'
    version numbers, as Loket does (FakeLoket.change_employee, in one pass for many)."""
    employees = fake.data["employees"][: max(1, round(len(fake.data["employees"]) * share))]
    stamp = f"Amersfoort {time.monotonic_ns() % 100000}"
    for employee in employees:
        employee["address"]["city"] = stamp
    ids = {employee["id"] for employee in employees}
    for employment in fake.data["employments"]:
        if employment["employee"]["id"] in ids:
            fake.version_numbers[employment["id"]] += 1
    return len(employees)


def prepare_send(env, integration):
    """A month of hours on three components for every employee, its export made (not timed)."""
    period, employees = month_of_hours(env, integration)
    export = env["loket.export"]._generate(integration, period, employees, None)
    env.cr.commit()
    return export


def bench(n, mode, args):
    from bench_employee_sync import orm_floor

    from odoo.addons.loket_integration.loket.testing import FakeLoketServer

    print(f"\n## {n} employees, {mode} server ({' '.join(MODES[mode])} --max-cron-threads 1)", flush=True)
    results, floor = [], None
    log_path = os.path.join(ROOT, "bench", f"bench_cron_runs_{mode}_{n}.out")
    with (
        throwaway_database(f"loket_bench_cron_{mode}") as db,
        FakeLoketServer(n_employees=n) as loket,
        odoo_env(db) as env,
    ):
        fake = loket.fake
        integration = connect(env, fake)
        database = Database(db)
        with contextlib.closing(database.cnx), Server(db, mode, log_path) as server:
            timeout = args.timeout
            run("fetch", server, database, fake,
                lambda: server.call("loket.integration", "action_fetch_employees", [[integration.id]]),
                "fetch_employees", results, timeout)  # fmt: skip
            env.cr.rollback()
            env.invalidate_all()
            rows = integration.loket_employee_ids
            if args.floor if args.floor is not None else n <= 2000:
                floor = orm_floor(env, integration, rows)
            row_ids = rows.ids
            env.cr.rollback()
            run("Add all", server, database, fake,
                lambda: server.call("loket.employee", "action_add", [row_ids]),
                "apply_decisions", results, timeout)  # fmt: skip
            sync_cron = env.ref("loket_integration.ir_cron_loket_employee_sync").id
            env.cr.rollback()
            for share in (0.05, 1.0):
                changed = change_employees(fake, share)
                run(f"nightly sync, {share:.0%} ({changed})", server, database, fake,
                    lambda: server.call("ir.cron", "method_direct_trigger", [[sync_cron]]),
                    "sync_employees", results, timeout)  # fmt: skip
            if not args.no_send:
                env.invalidate_all()
                export = prepare_send(env, integration)
                rows = len(export._loket_checked_rows()[0])
                env.cr.rollback()
                run(f"send ({rows} rows)", server, database, fake,
                    lambda: server.call("loket.export", "action_send_to_loket", [[export.id]]),
                    "send", results, timeout)  # fmt: skip
            _by_cron, limits = server.cron_calls(0)
    print_table(n, mode, results, floor, limits)
    return results


def print_table(n, mode, results, floor, limits):
    print(f"\n| run ({n:,} employees, {mode}) | wall | button | cron calls (sum) | other actions | idle | "
          "idle / wall | calls | longest gap | Loket requests |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        share = r["idle"] / r["wall"] if r["wall"] else 0
        print(f"| {r['run']} | {r['wall']:.1f} s | {r['button']:.2f} s | {r['calls_s']:.1f} s | {r['others']:.1f} s | "
              f"{r['idle']:.1f} s | "
              f"{share:.0%} {'ok' if share <= 0.10 else 'OVER'} | {r['calls']} | {r['gap']:.1f} s | "
              f"{r['requests']} |")  # fmt: skip
    worst = max((r["idle"] / r["wall"] for r in results if r["wall"]), default=0)
    print(f"# goal idle ≤ 10% of the wall time of every run: worst {worst:.1%} "
          f"{'MET' if worst <= 0.10 else 'NOT MET'}")  # fmt: skip
    add_all = next((r for r in results if r["run"] == "Add all"), None)
    if floor and add_all:
        ratio, calls = add_all["wall"] / floor, add_all["calls_s"] / floor
        print(f"# goal Add all ≤ 1.25× the ORM floor ({floor:.1f} s): {ratio:.2f}× "
              f"{'MET' if ratio <= 1.25 else 'NOT MET'} (its cron calls alone: {calls:.2f}×)")  # fmt: skip
    failed = [r["run"] for r in results if r["state"] != "done"]
    if failed:
        print(f"# runs not done: {', '.join(failed)}")
    print(f"# server log lines about a worker limit (CPU time, real time, exit) or an error: {len(limits)}")
    for line in limits[:10]:
        print(f"#   {line[:200]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[2000])
    parser.add_argument("--modes", nargs="+", choices=sorted(MODES), default=["threaded", "prefork"])
    parser.add_argument("--timeout", type=float, default=3600, help="seconds a run may take before it is given up")
    parser.add_argument("--no-send", action="store_true", help="leave the send run out")
    parser.add_argument(
        "--floor",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure the ORM floor (default: up to 2,000 employees)",
    )
    args = parser.parse_args()
    # The addon from this working copy, not from wherever an editable install points: Odoo's
    # addons path first, then the addon's modules.
    addon = configure_odoo()
    if not addon.__file__.startswith(ROOT):
        raise SystemExit(f"loket_integration is imported from {addon.__file__}, not from {ROOT}")
    for n in args.employees:
        for mode in args.modes:
            bench(n, mode, args)


if __name__ == "__main__":
    main()
