#!/usr/bin/env python3
"""The README's install, tested for real on the Odoo of the python that runs this: a fresh
database, ``odoo -i loket_integration`` alone (the README's command, the addons path with
``odoo_versions/<series>``), then:

- the version's own part (``odoo_versions/<series>/<addon>``) is installed by itself, with
  what it depends on (18.0's part needs ``hr_contract``, which nothing else installs);
- the administrator is a Loket administrator (the part gives the groups their first users),
  so that *Settings → Loket.nl* and *Add Loket integration* are his;
- the install log has no ERROR and no WARNING of the addon.

The test command's own database installs more (the journal addon, time off, which bring
``hr_contract`` on 18.0): it could not see a part that does not install by itself.

Run: ``python3 scripts/test_install.py`` (or ``/opt/odoo19-venv/bin/python scripts/test_install.py``;
about a minute; PG* variables as run_tests.py). Exit status 0 when every check holds.
"""

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from run_tests import (  # noqa: E402
    ADDON,
    _psql_conn,
    addons_path,
    check_log,
    odoo_command,
    version_addons,
)


def psql(db, query):
    done = subprocess.run(["psql", *_psql_conn(), "-d", db, "-tAc", query], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main():
    import odoo.release

    os.environ.setdefault("PGPASSWORD", "odoo")
    series = odoo.release.series
    db = f"loket_install_{series.replace('.', '')}_{os.getpid()}"
    log = os.path.join(tempfile.gettempdir(), f"{db}.log")
    cmd = odoo_command(sys.executable, db, series, addons_path(), log, "--init", ADDON)
    failures = []
    try:
        print(f"== odoo -i {ADDON} (Odoo {series}, database {db})", flush=True)
        done = subprocess.run(cmd, cwd=tempfile.gettempdir(), check=False)
        if done.returncode:
            failures.append(f"odoo -i {ADDON} exited with status {done.returncode} (log {log})")
        parts = version_addons(series)
        if not parts:
            failures.append(f"odoo_versions/{series} has no part")
        for part in parts:
            state = psql(db, f"SELECT state FROM ir_module_module WHERE name = '{part}'")
            if state != "installed":
                failures.append(f"the {series} part {part} is {state or 'unknown'}, not installed, after -i {ADDON}")
        manager = psql(
            db,
            "SELECT count(*) FROM res_groups_users_rel r"
            " JOIN ir_model_data g ON g.model = 'res.groups' AND g.res_id = r.gid"
            " JOIN ir_model_data u ON u.model = 'res.users' AND u.res_id = r.uid"
            f" WHERE g.module = '{ADDON}' AND g.name = 'group_loket_manager'"
            " AND u.module = 'base' AND u.name = 'user_admin'",
        )
        if manager != "1":
            failures.append("the administrator is not a Loket administrator")
        with open(log, encoding="utf-8", errors="replace") as handle:
            problems, warnings, _other = check_log(handle.read(), tests_ran=False)
        failures += [f"install log: {line}" for line in problems + warnings]
    finally:
        subprocess.run(["dropdb", "--if-exists", *_psql_conn(), db], capture_output=True, check=False)
    for failure in failures:
        print(f"  FAILED: {failure}")
    print(f"Install test (Odoo {series}): " + ("every check holds" if not failures else f"{len(failures)} failure(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
