#!/usr/bin/env python3
"""The project's one test command (``make test``).

1. Runs the Odoo-free tests (``tests/``: client, mappers, CSV builder) with pytest, once.
2. For EVERY Odoo version it finds (one python per version, see ``odoo_pythons``), in
   turn: creates a throwaway database on the local
   PostgreSQL, installs ``loket_integration`` and the journal addon beside it,
   ``loket_integration_account`` (with ``account``), with their tests
   (``--test-tags /loket_integration,/loket_integration_account``), fails on any
   failing test, any ERROR/CRITICAL line in Odoo's log, or any WARNING line of the
   addons (logged by ``odoo.addons.loket_integration…`` or
   ``odoo.addons.loket_integration_account…``, or by Odoo about them: its message mentions
   ``loket``, e.g. a ``loket.`` model; during the install too), and drops the database.
   The version's own part (``odoo_versions/<series>/``: its addons, e.g. the contract
   mirror) is on the addons path, installed and tested too. Each version has its own
   database, log and summary line; the exit code fails when any version failed. A
   version of ``odoo_versions/`` that no python here runs is named loudly as NOT RUN.

Which pythons: ``LOKET_ODOO_PYTHONS`` (space-separated executables, e.g.
``"python3 /opt/odoo19-venv/bin/python"``) when set, else this python plus the
well-known venvs ``/opt/odoo*-venv/bin/python`` and ``/opt/odoo*/venv/bin/python``.
The first python found per Odoo series runs it. ``LOKET_ODOO_SERIES=19.0`` runs only
the named series (space-separated); ``LOKET_REQUIRE_ALL_VERSIONS=1`` fails the run when
a version of ``odoo_versions/`` did not run (CI that must cover both).
3. Browser tours (``start_tour`` tests) need Chrome/Chromium and ``websocket-client``;
   Odoo skips them without. Then this command says so loudly, naming those tests,
   and counts them as not run in the summary.

Connection settings come from the environment: PGHOST (localhost), PGPORT
(5432), PGUSER (odoo), PGPASSWORD (odoo).
"""

import ast
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
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


VERSIONS_DIR = os.path.join(ROOT, "odoo_versions")
# Asks a python which Odoo it imports: its series and the folders of the ``odoo`` package
# (a namespace package in 19.0, so ``odoo.__path__``, not ``odoo.__file__``). Run from a
# folder without an ``odoo/`` (19.0 would take it for its namespace). ``import odoo.release``,
# not just ``import odoo``: `pip install -e .` maps the addon into the ``odoo.addons``
# namespace, which makes a bare ``import odoo`` succeed without Odoo.
PROBE = (
    "import json, os, odoo, odoo.release; "
    "print(json.dumps([odoo.release.series, "
    "[p for p in odoo.__path__ if os.path.isfile(os.path.join(p, 'release.py'))]]))"
)
DEFAULT_PYTHON_GLOBS = ("/opt/odoo*-venv/bin/python", "/opt/odoo*/venv/bin/python")


def supported_series():
    """The Odoo series this repository supports: one folder each in ``odoo_versions/``."""
    if not os.path.isdir(VERSIONS_DIR):
        return ["18.0"]
    return sorted(name for name in os.listdir(VERSIONS_DIR) if re.fullmatch(r"\d+\.\d+", name))


def running_series():
    """The series of the Odoo this python imports (the benches, the .pot export, the migration test)."""
    import odoo.release

    return odoo.release.series


def version_addons_dir(series=None):
    """``odoo_versions/<series>`` (by default of the Odoo this python imports), if it exists."""
    folder = os.path.join(VERSIONS_DIR, series or running_series())
    return folder if os.path.isdir(folder) else None


def addon_dir(addon, series=None):
    """Where an addon's folder is: in the series' own part, or at the repository's root."""
    series = series or running_series()
    if addon in version_addons(series):
        return os.path.join(VERSIONS_DIR, series, addon)
    return os.path.join(ROOT, addon)


def version_addons(series=None):
    """The addons of a series' own part (``odoo_versions/<series>/<addon>/__manifest__.py``)."""
    folder = os.path.join(VERSIONS_DIR, series or running_series())
    if not os.path.isdir(folder):
        return ()
    return tuple(
        sorted(name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name, "__manifest__.py")))
    )


def candidate_pythons():
    names = os.environ.get("LOKET_ODOO_PYTHONS", "").split()
    if not names:
        names = [sys.executable, *sorted({p for pattern in DEFAULT_PYTHON_GLOBS for p in glob.glob(pattern)})]
    return names


def probe_odoo(python):
    """``(series, [odoo package folders])`` of the Odoo a python imports, or None."""
    exe = shutil.which(python) or python
    try:
        probe = subprocess.run(
            [exe, "-c", PROBE], capture_output=True, text=True, check=False, cwd=tempfile.gettempdir()
        )
    except OSError:
        return None
    if probe.returncode:
        return None
    series, dirs = json.loads(probe.stdout.strip().splitlines()[-1])
    return series, dirs


def odoo_versions():
    """``({series: (python, odoo folders)}, [pythons without Odoo])``: the first python per series."""
    found, without = {}, []
    wanted = os.environ.get("LOKET_ODOO_SERIES", "").split()
    for python in candidate_pythons():
        probed = probe_odoo(python)
        if not probed:
            without.append(python)
            continue
        series, dirs = probed
        if wanted and series not in wanted:
            continue
        found.setdefault(series, (python, dirs))
    return found, without


def odoo_test_modules(series=None):
    """``addon/tests/test_x.py`` of every addon's Odoo test modules (and of the series' part)."""
    roots = [os.path.join(ROOT, addon) for addon in ADDONS]
    for name in version_addons(series) if series else ():
        roots.append(os.path.join(VERSIONS_DIR, series, name))
    return sorted(
        os.path.relpath(p, ROOT) for root in roots for p in glob.glob(os.path.join(root, "tests", "test_*.py"))
    )


def default_test_tags(series=None):
    return ",".join(f"/{addon}" for addon in (*ADDONS, *(version_addons(series) if series else ())))


def browser_tour_tests(series=None):
    """``[(test file, Class.test_method)]`` of the Odoo test modules that run browser tours."""
    tests = []
    for name in odoo_test_modules(series):
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


def browser_missing(python):
    """Why Odoo would skip the browser tours with this python, or None."""
    if not any(shutil.which(name) for name in BROWSERS):
        return f"no Chrome/Chromium binary ({', '.join(BROWSERS)}) on PATH; `apt-get install chromium`"
    probe = subprocess.run([python, "-c", "import websocket"], capture_output=True, check=False)
    if probe.returncode:
        return f"the websocket-client module is not installed for {python}; `{python} -m pip install websocket-client`"
    return None


def browser_banner(series, reason, tests):
    bar = "!" * 78
    print(f"\n{bar}\nBROWSER NOT AVAILABLE on Odoo {series}: {len(tests)} browser tour tests not run")
    for path, name in tests:
        print(f"  not run: {path} {name}")
    print(f"Odoo skips them: {reason}.\n{bar}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addons_path(odoo_dirs=None, series=None):
    """Odoo's own addons (``odoo/addons`` and the tree's ``addons``), this repository, and
    the series' own part (``odoo_versions/<series>``); by default of the Odoo this python
    imports (the benches, the .pot export)."""
    if odoo_dirs is None:
        import odoo.release

        odoo_dirs = [p for p in odoo.__path__ if os.path.isfile(os.path.join(p, "release.py"))]
        series = odoo.release.series
    paths = []
    for base in odoo_dirs:
        paths += [os.path.join(base, "addons"), os.path.join(os.path.dirname(base), "addons")]
    paths += [ROOT, os.path.join(VERSIONS_DIR, series)]
    return ",".join(dict.fromkeys(p for p in paths if os.path.isdir(p)))


def pg_args():
    return [
        "--db_host", os.environ.get("PGHOST", "localhost"),
        "--db_port", os.environ.get("PGPORT", "5432"),
        "--db_user", os.environ.get("PGUSER", "odoo"),
        "--db_password", os.environ.get("PGPASSWORD", "odoo"),
    ]  # fmt: skip


def odoo_command(exe, db, series, addons, log_path, *args):
    """``exe -m odoo`` on ``db`` with ``args``, once (``--stop-after-init``), as the test command
    runs it on every version: no demo data, no cron thread, HTTP on loopback, logged to ``log_path``."""
    return [
        exe, "-m", "odoo",
        "--database", db,
        *pg_args(),
        "--addons-path", addons,
        *args,
        "--stop-after-init",
        *(["--without-demo", "all"] if series < "19.0" else []),  # 19.0: no demo data unless asked (warns)
        "--http-interface", "127.0.0.1",  # 19.0 warns without it
        "--http-port", str(free_port()),
        "--log-level", ODOO_LOG_LEVEL,
        "--max-cron-threads", "0",
        "--logfile", log_path,
    ]  # fmt: skip


def log_path_for(series):
    """Each version's own log: ``LOKET_ODOO_LOG`` (or ``.odoo-test.log``) with the series
    before its extension, e.g. ``/tmp/me-19.0.log``."""
    stem, ext = os.path.splitext(os.environ.get("LOKET_ODOO_LOG") or os.path.join(ROOT, ".odoo-test.log"))
    return f"{stem}-{series}{ext or '.log'}"


def run_odoo_tests(series, python, odoo_dirs):
    part = version_addons(series)
    print(f"== Odoo {series} tests ({python}; {', '.join((*ADDONS, *part))}; real Odoo + PostgreSQL) ==", flush=True)
    db = f"loket_test_{series.replace('.', '')}_{os.getpid()}_{int(time.time())}"
    # LOKET_ODOO_LOG / LOKET_TEST_TAGS let parallel runs keep their own log and pick tests.
    log_path = log_path_for(series)
    if os.path.exists(log_path):
        os.remove(log_path)  # Odoo appends to its logfile
    exe = shutil.which(python) or python
    cmd = odoo_command(
        exe, db, series, addons_path(odoo_dirs, series), log_path,
        "--init", ",".join((*ADDONS, *part, *OPTIONAL_MODULES)),
        "--test-enable",
        "--test-tags", os.environ.get("LOKET_TEST_TAGS") or default_test_tags(series),
    )  # fmt: skip
    # Odoo 19.0's ``odoo`` is a namespace package: started from a folder without an ``odoo/``.
    cwd = tempfile.gettempdir()
    try:
        proc = subprocess.run(cmd, cwd=cwd, check=False)
    finally:
        drop = [exe, "-m", "odoo", "db", *pg_args(), "drop", db]
        subprocess.run(drop, cwd=cwd, capture_output=True, check=False)
        if subprocess.run(["dropdb", "--if-exists", *_psql_conn(), db], capture_output=True, check=False).returncode:
            pass  # the database is gone or dropdb is absent; nothing else to do
    log = ""
    if os.path.exists(log_path):
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
        f"Odoo {series} tests: {total} run, {failed} failed, {len(skipped)} skipped, "
        f"{len(problems)} ERROR line(s), {len(warnings)} {ADDON} WARNING line(s) in the log ({log_path})"
    )
    for name in skipped:
        print(f"  skipped: {name}")
    passed = max(total - failed - len(skipped), 0)
    return passed, failed, skipped, len(warnings)


def is_addon_logger(logger):
    """A logger of the addons or of a version part (``odoo.addons.loket_integration_hr_version``)."""
    return logger.startswith(ADDON_LOGGER) and logger[len(ADDON_LOGGER) : len(ADDON_LOGGER) + 1] in ("", ".", "_")


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


def not_run_banner(series, why):
    modules = odoo_test_modules(series)
    bar = "!" * 78
    print(f"\n{bar}\nODOO {series} NOT RUN: {len(modules)} Odoo test modules not run on {series}")
    for name in modules:
        print(f"  not run: {name}")
    print(f"{why}\n{bar}")


MIGRATION_SERIES = "18.0"  # the databases made before issue 21 (Loket's employment on hr.contract)
MIGRATION_FROM = "f8ecc27"


def run_migration_test(versions):
    """scripts/test_migration.py: a database made with the code before the binding, updated
    with this one. ``"passed"``, ``"FAILED"`` or why it did not run (said loudly)."""
    if os.environ.get("LOKET_SKIP_MIGRATION") not in (None, "", "0"):
        why = "LOKET_SKIP_MIGRATION is set"
    elif MIGRATION_SERIES not in versions:
        why = f"no python imports Odoo {MIGRATION_SERIES}"
    elif subprocess.run(["git", "cat-file", "-e", f"{MIGRATION_FROM}^{{commit}}"], cwd=ROOT, check=False,
                        capture_output=True).returncode:  # fmt: skip
        why = f"commit {MIGRATION_FROM} is not in this clone (a shallow checkout?): `git fetch --unshallow`"
    else:
        print(f"\n== Migration test (Odoo {MIGRATION_SERIES}, a database of {MIGRATION_FROM} updated) ==", flush=True)
        python = versions[MIGRATION_SERIES][0]
        done = subprocess.run([python, os.path.join(ROOT, "scripts", "test_migration.py")], cwd=ROOT, check=False)
        return "FAILED" if done.returncode else "passed"
    bar = "!" * 78
    print(f"\n{bar}\nMIGRATION TEST NOT RUN (scripts/test_migration.py): {why}\n{bar}")
    return f"NOT RUN ({why})"


def run_install_test(series, python):
    """scripts/test_install.py with this version's python: ``-i loket_integration`` alone brings
    the version part and the administrator's groups. ``"passed"``, ``"FAILED"`` or why not run."""
    if os.environ.get("LOKET_SKIP_INSTALL") not in (None, "", "0"):
        bar = "!" * 78
        why = "LOKET_SKIP_INSTALL is set"
        print(f"\n{bar}\nINSTALL TEST NOT RUN on Odoo {series} (scripts/test_install.py): {why}\n{bar}")
        return "NOT RUN (LOKET_SKIP_INSTALL is set)"
    print(f"\n== Install test (Odoo {series}: odoo -i {ADDON} alone) ==", flush=True)
    script = os.path.join(ROOT, "scripts", "test_install.py")
    done = subprocess.run([shutil.which(python) or python, script], cwd=tempfile.gettempdir(), check=False)
    return "FAILED" if done.returncode else "passed"


def main():
    os.environ.setdefault("PGPASSWORD", "odoo")
    pure_passed, pure_failed = run_pure_tests()
    versions, without = odoo_versions()
    results = {}  # series: (passed, failed, not run, warnings)
    for series in sorted(versions):
        python, odoo_dirs = versions[series]
        passed, failed, skipped, warnings = run_odoo_tests(series, python, odoo_dirs)
        not_run = len(skipped)
        reason = browser_missing(shutil.which(python) or python)
        if reason:
            tours = browser_tour_tests(series)
            browser_banner(series, reason, tours)
            not_run = len(set(skipped) | {name for _path, name in tours})
        results[series] = (passed, failed, not_run, warnings)
    installs = {series: run_install_test(series, versions[series][0]) for series in sorted(versions)}
    migration = run_migration_test(versions)
    wanted = os.environ.get("LOKET_ODOO_SERIES", "").split()
    missing = [s for s in (wanted or supported_series()) if s not in versions]
    tried = ", ".join(candidate_pythons())
    for series in missing:
        not_run_banner(
            series,
            f"No python here imports Odoo {series} (tried: {tried}; without Odoo: {', '.join(without) or 'none'}).\n"
            "Name one in LOKET_ODOO_PYTHONS, e.g. "
            'LOKET_ODOO_PYTHONS="python3 /opt/odoo19-venv/bin/python" (README, Tests).',
        )
    print("\n== Summary ==")
    print(f"Odoo-free tests: {pure_passed} passed, {pure_failed} failed")
    for series, (passed, failed, not_run, warnings) in sorted(results.items()):
        print(
            f"Odoo {series} ({versions[series][0]}): {passed} passed, {failed} failed"
            + (f", {not_run} not run (skipped)" if not_run else "")
            + (f", {warnings} {ADDON} WARNING line(s) in the Odoo log" if warnings else "")
            + (" -- FAILED" if failed else " -- ok")
        )
    for series in missing:
        print(f"Odoo {series}: NOT RUN (no python imports it)")
    for series, install in installs.items():
        print(f"Install test (Odoo {series}, -i {ADDON} alone): {install}")
    print(f"Migration test ({MIGRATION_SERIES} databases of {MIGRATION_FROM}): {migration}")
    failed = (
        pure_failed
        + sum(r[1] for r in results.values())
        + (migration == "FAILED")
        + sum(install == "FAILED" for install in installs.values())
    )
    passed = pure_passed + sum(r[0] for r in results.values())
    must_all = os.environ.get("LOKET_REQUIRE_ALL_VERSIONS") not in (None, "", "0")
    print(
        f"\n{passed} passed, {failed} failed"
        + (f" on Odoo {', '.join(sorted(results))}" if results else " (no Odoo version ran)")
        + (f"; NOT RUN: Odoo {', '.join(missing)}" if missing else "")
    )
    return 1 if failed or (must_all and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
