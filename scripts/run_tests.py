#!/usr/bin/env python3
"""The project's one test command (``make test``).

1. Runs the Odoo-free tests (``tests/``: client, mappers, CSV builder) with pytest.
2. When ``import odoo`` works: creates a throwaway database on the local
   PostgreSQL, installs ``loket_integration`` with its tests
   (``--test-tags /loket_integration``), fails on any failing test or any
   ERROR/CRITICAL line in Odoo's log, and drops the database.
   When Odoo is not importable it says so loudly, naming what did not run.

Connection settings come from the environment: PGHOST (localhost), PGPORT
(5432), PGUSER (odoo), PGPASSWORD (odoo).
"""

import glob
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = "loket_integration"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")
STATS = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests")


def run_pure_tests():
    print("== Odoo-free tests (tests/) ==", flush=True)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:odoo", "-p", "no:cacheprovider", "-q", "-rs", "tests"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    passed = sum(int(n) for n in re.findall(r"(\d+) passed", proc.stdout.splitlines()[-1] if proc.stdout else ""))
    failed = sum(
        int(n) for n in re.findall(r"(\d+) (?:failed|error)", proc.stdout.splitlines()[-1] if proc.stdout else "")
    )
    if proc.returncode not in (0,) and not failed:
        failed = 1
    return passed, failed


def odoo_importable():
    # ``import odoo.release``, not just ``import odoo``: `pip install -e .` maps the addon into
    # the ``odoo.addons`` namespace, which makes a bare ``import odoo`` succeed without Odoo.
    probe = subprocess.run([sys.executable, "-c", "import odoo.release"], capture_output=True, check=False)
    return probe.returncode == 0


def odoo_test_modules():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, ADDON, "tests", "test_*.py")))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addons_path():
    import odoo

    base = os.path.dirname(odoo.__file__)
    paths = [os.path.join(base, "addons"), os.path.join(os.path.dirname(base), "addons"), ROOT]
    return ",".join(p for p in paths if os.path.isdir(p))


def pg_args():
    return [
        "--db_host", os.environ.get("PGHOST", "localhost"),
        "--db_port", os.environ.get("PGPORT", "5432"),
        "--db_user", os.environ.get("PGUSER", "odoo"),
        "--db_password", os.environ.get("PGPASSWORD", "odoo"),
    ]  # fmt: skip


def run_odoo_tests():
    print("== Odoo tests (loket_integration/tests, real Odoo + PostgreSQL) ==", flush=True)
    db = f"loket_test_{os.getpid()}_{int(time.time())}"
    # LOKET_ODOO_LOG / LOKET_TEST_TAGS let parallel runs keep their own log and pick tests.
    log_path = os.environ.get("LOKET_ODOO_LOG") or os.path.join(ROOT, ".odoo-test.log")
    if os.path.exists(log_path):
        os.remove(log_path)  # Odoo appends to its logfile
    cmd = [
        sys.executable, "-m", "odoo",
        "--database", db,
        *pg_args(),
        "--addons-path", addons_path(),
        "--init", ADDON,
        "--test-enable",
        "--test-tags", os.environ.get("LOKET_TEST_TAGS") or f"/{ADDON}",
        "--stop-after-init",
        "--without-demo", "all",
        "--http-port", str(free_port()),
        "--log-level", "test",
        "--max-cron-threads", "0",
        "--logfile", log_path,
    ]  # fmt: skip
    try:
        proc = subprocess.run(cmd, cwd=ROOT, check=False)
    finally:
        drop = [sys.executable, "-m", "odoo", "db", *pg_args(), "drop", db]
        subprocess.run(drop, cwd=ROOT, capture_output=True, check=False)
        if subprocess.run(["dropdb", "--if-exists", *_psql_conn(), db], capture_output=True, check=False).returncode:
            pass  # the database is gone or dropdb is absent; nothing else to do
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        log = handle.read()
    problems = [
        line for line in log.splitlines() if (m := LOG_LINE.match(line)) and m["level"] in ("ERROR", "CRITICAL")
    ]
    stats = STATS.search(log)
    total = int(stats["total"]) if stats else 0
    failed = int(stats["failed"]) + int(stats["errors"]) if stats else 0
    for line in problems[:50]:
        print("  " + line)
    if proc.returncode:
        print(f"Odoo exited with status {proc.returncode} (log: {log_path})")
    if total == 0:
        print(f"No Odoo test ran (log: {log_path})")
    ok = proc.returncode == 0 and not problems and total > 0 and failed == 0
    failed = failed or (0 if ok else 1)
    print(f"Odoo tests: {total} run, {failed} failed, {len(problems)} ERROR line(s) in the log ({log_path})")
    return total - failed if ok else max(total - failed, 0), failed


def _psql_conn():
    return [
        "-h",
        os.environ.get("PGHOST", "localhost"),
        "-p",
        os.environ.get("PGPORT", "5432"),
        "-U",
        os.environ.get("PGUSER", "odoo"),
    ]


def main():
    os.environ.setdefault("PGPASSWORD", "odoo")
    passed, failed = run_pure_tests()
    if odoo_importable():
        odoo_passed, odoo_failed = run_odoo_tests()
        passed, failed = passed + odoo_passed, failed + odoo_failed
    else:
        modules = odoo_test_modules()
        bar = "!" * 78
        print(f"\n{bar}\nODOO NOT AVAILABLE: {len(modules)} Odoo test modules not run")
        for name in modules:
            print(f"  not run: {ADDON}/tests/{name}")
        print(f"`import odoo.release` failed: install Odoo 18 to run them (see README).\n{bar}")
    print(f"\n{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
