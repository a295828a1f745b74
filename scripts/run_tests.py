#!/usr/bin/env python3
"""The project's one test command (``make test``).

1. Runs the Odoo-free tests (``tests/``: client, mappers, CSV builder) with pytest.
2. When ``import odoo`` works: creates a throwaway database on the local
   PostgreSQL, installs ``loket_integration`` and the journal addon beside it,
   ``loket_integration_account`` (with ``account``), with their tests
   (``--test-tags /loket_integration,/loket_integration_account``), fails on any
   failing test, any ERROR/CRITICAL line in Odoo's log, or any WARNING line of the
   addons (logged by ``odoo.addons.loket_integration…`` or
   ``odoo.addons.loket_integration_account…``, or by Odoo about them: its message mentions
   ``loket``, e.g. a ``loket.`` model; during the install too), and drops the database.
   When Odoo is not importable it says so loudly, naming what did not run.
3. Browser tours (``start_tour`` tests) need Chrome/Chromium and ``websocket-client``;
   Odoo skips them without. Then this command says so loudly, naming those tests,
   and counts them as not run in the summary.

Connection settings come from the environment: PGHOST (localhost), PGPORT
(5432), PGUSER (odoo), PGPASSWORD (odoo).
"""

import ast
import functools
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = "loket_integration"
# The addons installed and tested in one database: the main addon and the payroll journal
# addon (auto-installed with Accounting; its own tests in loket_integration_account/tests).
ADDONS = (ADDON, "loket_integration_account")
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[^\s:]+): ?(?P<message>.*)"
)
ADDON_LOGGER = f"odoo.addons.{ADDON}"
ADDON_LOGGERS = tuple(f"odoo.addons.{addon}" for addon in ADDONS)
# Odoo's level "info": INFO and above of every logger, so the addon's WARNINGs reach the log.
ODOO_LOG_LEVEL = "info"
STATS = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests")
SKIPPED = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ INFO \S+ \S+: skipped (?P<test>\S+) : ", re.M)
# Optional Community modules the addon works with, installed beside it so their tests run:
# time off and public holidays as timesheet lines with the leave types' work entry types;
# Accounting, which the journal addon extends.
OPTIONAL_MODULES = ("project_timesheet_holidays", "hr_work_entry_holidays", "account")
# The names Odoo looks for (odoo.tests.common._find_executable, Linux).
BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


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


@functools.cache
def odoo_series():
    """Odoo's series (``18.0``) of the Odoo this python imports, or None."""
    probe = subprocess.run(
        [sys.executable, "-c", "import odoo.release; print(odoo.release.serie)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() or None if probe.returncode == 0 else None


def version_addons_dir():
    """``odoo_versions/<series>``: the version parts of the running Odoo (README, "Odoo versions")."""
    series = odoo_series()
    path = os.path.join(ROOT, "odoo_versions", series) if series else None
    return path if path and os.path.isdir(path) else None


def version_addons():
    """The version parts' addons (e.g. ``loket_integration_hr_contract`` on 18.0)."""
    folder = version_addons_dir()
    if not folder:
        return ()
    return tuple(sorted(n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n, "__manifest__.py"))))


def addon_dir(addon):
    folder = version_addons_dir()
    if folder and addon in version_addons():
        return os.path.join(folder, addon)
    return os.path.join(ROOT, addon)


def odoo_test_modules():
    """``addon/tests/test_x.py`` of every addon's Odoo test modules."""
    return sorted(
        os.path.relpath(p, ROOT)
        for addon in (*ADDONS, *version_addons())
        for p in glob.glob(os.path.join(addon_dir(addon), "tests", "test_*.py"))
    )


def default_test_tags():
    return ",".join(f"/{addon}" for addon in (*ADDONS, *version_addons()))


def browser_tour_tests():
    """``[(test file, Class.test_method)]`` of the Odoo test modules that run browser tours."""
    tests = []
    for name in odoo_test_modules():
        path = os.path.join(ROOT, name)
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        if "start_tour(" not in source and "browser_js(" not in source:
            continue
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef):
                tests += [
                    (name, f"{node.name}.{item.name}")
                    for item in node.body
                    if isinstance(item, ast.FunctionDef) and item.name.startswith("test_")
                ]
    return tests


def browser_missing():
    """Why Odoo would skip the browser tours here, or None."""
    if not any(shutil.which(name) for name in BROWSERS):
        return f"no Chrome/Chromium binary ({', '.join(BROWSERS)}) on PATH; `apt-get install chromium`"
    probe = subprocess.run([sys.executable, "-c", "import websocket"], capture_output=True, check=False)
    if probe.returncode:
        return "the websocket-client module is not installed; `pip install websocket-client`"
    return None


def browser_banner(reason, tests):
    bar = "!" * 78
    print(f"\n{bar}\nBROWSER NOT AVAILABLE: {len(tests)} browser tour tests not run")
    for path, name in tests:
        print(f"  not run: {path} {name}")
    print(f"Odoo skips them: {reason}.\n{bar}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addons_path():
    import odoo

    base = os.path.dirname(odoo.__file__)
    paths = [os.path.join(base, "addons"), os.path.join(os.path.dirname(base), "addons"), ROOT, version_addons_dir()]
    return ",".join(p for p in paths if p and os.path.isdir(p))


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
        "--init", ",".join((*ADDONS, *version_addons(), *OPTIONAL_MODULES)),
        "--test-enable",
        "--test-tags", os.environ.get("LOKET_TEST_TAGS") or default_test_tags(),
        "--stop-after-init",
        "--without-demo", "all",
        "--http-port", str(free_port()),
        "--log-level", ODOO_LOG_LEVEL,
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
    stats = STATS.search(log)
    total = int(stats["total"]) if stats else 0
    problems, warnings, other_warnings = check_log(log, tests_ran=total > 0)
    failed = int(stats["failed"]) + int(stats["errors"]) if stats else 0
    skipped = SKIPPED.findall(log)
    for line in problems[:50]:
        print("  " + line)
    for line in warnings[:50]:
        print("  " + line)
    for line in other_warnings[:20]:
        print("  not counted (Odoo's own, not about loket_integration): " + line)
    if proc.returncode:
        print(f"Odoo exited with status {proc.returncode} (log: {log_path})")
    if total == 0:
        print(f"No Odoo test ran (log: {log_path})")
    ok = proc.returncode == 0 and not problems and not warnings and total > 0 and failed == 0
    failed = failed or (0 if ok else 1)
    print(
        f"Odoo tests: {total} run, {failed} failed, {len(skipped)} skipped, "
        f"{len(problems)} ERROR line(s), {len(warnings)} {ADDON} WARNING line(s) in the log ({log_path})"
    )
    for name in skipped:
        print(f"  skipped: {name}")
    passed = max(total - failed - len(skipped), 0)
    return passed, failed, skipped, len(warnings)


def is_addon_logger(logger):
    names = (*ADDON_LOGGERS, *(f"odoo.addons.{addon}" for addon in version_addons()))
    return any(logger == name or logger.startswith(name + ".") for name in names)


def is_addon_warning(match):
    """A WARNING of the addons: logged by one of their loggers (their code, tests, tours'
    browser console), or by Odoo about them (e.g. two fields of a ``loket.`` model with one label)."""
    return match["level"] == "WARNING" and (is_addon_logger(match["logger"]) or "loket" in match["message"].lower())


def check_log(log, tests_ran=True):
    """``(ERROR/CRITICAL lines, the addon's WARNING lines, other WARNING lines)`` of an Odoo log;
    the first list also says so when tests ran but the log level in force hid the addon's INFO
    lines (then it could hide its WARNINGs too)."""
    problems, warnings, other_warnings, addon_info = [], [], [], False
    for line in log.splitlines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        if match["level"] in ("ERROR", "CRITICAL"):
            problems.append(line)
        elif is_addon_warning(match):
            warnings.append(line)
        elif match["level"] == "WARNING":
            other_warnings.append(line)
        elif match["level"] == "INFO" and is_addon_logger(match["logger"]) and match["logger"] not in ADDON_LOGGERS:
            addon_info = True  # e.g. "Starting TestX.test_y": the tests' own INFO lines
    if tests_ran and not addon_info:
        problems.append(f"No INFO line of {ADDON_LOGGER} in the log: its log level hides the addon's WARNINGs")
    return problems, warnings, other_warnings


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
    not_run = warnings = 0
    if odoo_importable():
        odoo_passed, odoo_failed, skipped, warnings = run_odoo_tests()
        passed, failed, not_run = passed + odoo_passed, failed + odoo_failed, len(skipped)
        reason = browser_missing()
        if reason:
            tours = browser_tour_tests()
            browser_banner(reason, tours)
            not_run = len(set(skipped) | {name for _path, name in tours})
    else:
        modules = odoo_test_modules()
        bar = "!" * 78
        print(f"\n{bar}\nODOO NOT AVAILABLE: {len(modules)} Odoo test modules not run")
        for name in modules:
            print(f"  not run: {name}")
        print(f"`import odoo.release` failed: install Odoo 18 to run them (see README).\n{bar}")
    print(
        f"\n{passed} passed, {failed} failed"
        + (f", {not_run} not run (skipped)" if not_run else "")
        + (f", {warnings} {ADDON} WARNING line(s) in the Odoo log" if warnings else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
