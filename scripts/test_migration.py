#!/usr/bin/env python3
"""The 1.1.0 migration tested for real (issue 21, part 4): an Odoo 18.0 database made with the
addon as it was before the Loket employments had a model of their own (commit BEFORE), updated
with this working copy's code (``odoo -u loket_integration``), loses nothing and exports the
same bytes.

1. ``git archive BEFORE`` into a temporary folder; a throwaway database with that addon.
2. With that code (a process of its own, a FakeLoket behind ``responses``): six Loket employees
   added, one mapped to an existing Odoo employee, two employments running at once (one
   contract Draft beside the other), an ended employment and a new one, a contract HR
   cancelled; hours in March, an export file made, and one sent straight to Loket (rows
   sent). What the contracts hold, the export files, rows, entries and warnings, and the
   payroll-number-to-employment table the send uses are written down.
3. ``odoo -u loket_integration`` with this working copy (and odoo_versions/<series>): the log
   must hold no ERROR and no WARNING of the addon.
4. With this code: the version part is installed; each former contract is a binding with the
   same Loket id, payroll number, shift, dates, department and job, mirrored by that contract;
   the export files and rows are as they were; made again, the files are byte-identical, with
   the same entries and warnings, and the send finds the same employments.

Run: ``python3 scripts/test_migration.py`` (about 4 minutes; PG* variables as run_tests.py).
Exit status 0 when every check holds. ``--keep`` keeps the database and the folder.
"""

import base64
import contextlib
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from run_tests import LOG_LINE, pg_args, version_addons_dir  # noqa: E402

BEFORE = "f8ecc27"  # main before issue 21: Loket's employment on hr.contract
OPTIONAL = ("project_timesheet_holidays", "hr_work_entry_holidays")


def odoo_addons():
    import odoo

    base = os.path.dirname(odoo.__file__)
    paths = [os.path.join(base, "addons"), os.path.join(os.path.dirname(base), "addons")]
    return [p for p in paths if os.path.isdir(p)]


def new_addons_path():
    return ",".join([*odoo_addons(), ROOT, *filter(None, [version_addons_dir()])])


def run_odoo(addons_path, db, *args, log=None):
    cmd = [sys.executable, "-m", "odoo", *pg_args(), "--addons-path", addons_path, "-d", db, *args,
           "--stop-after-init", "--without-demo", "all", "--max-cron-threads", "0", "--http-port", "0"]  # fmt: skip
    if log:
        cmd += ["--logfile", log, "--log-level", "info"]
    else:
        cmd += ["--log-level", "warn"]
    subprocess.run(cmd, check=True, cwd=tempfile.gettempdir())


def main():
    os.environ.setdefault("PGPASSWORD", "odoo")
    keep = "--keep" in sys.argv
    work = tempfile.mkdtemp(prefix="loket_migration_")
    db = f"loket_migration_{os.getpid()}"
    old = os.path.join(work, "before")
    os.makedirs(old)
    archive = subprocess.run(["git", "-C", ROOT, "archive", BEFORE], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
    old_path = ",".join([*odoo_addons(), old])
    snapshot = os.path.join(work, "before.json")
    try:
        print(f"== 1. {BEFORE}: database {db}", flush=True)
        run_odoo(old_path, db, "-i", ",".join(("loket_integration", *OPTIONAL)))
        print("== 2. employees, contracts, exports (the former code)", flush=True)
        step(old_path, "populate", db, snapshot)
        print("== 3. odoo -u loket_integration (this working copy)", flush=True)
        log = os.path.join(work, "update.log")
        run_odoo(new_addons_path(), db, "-u", "loket_integration", log=log)
        problems = log_problems(log)
        print("== 4. checks (this code)", flush=True)
        step(new_addons_path(), "check", db, snapshot)
        if problems:
            print("\n".join(["The update's log:", *problems]))
            return 1
        print("Migration test: every check holds")
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"Migration test FAILED: {exc}")
        return 1
    finally:
        if keep:
            print(f"kept: database {db}, folder {work}")
        else:
            subprocess.run(
                [sys.executable, "-m", "odoo", "db", *pg_args(), "drop", db], capture_output=True, check=False
            )
            subprocess.run(["dropdb", "--if-exists", "-h", os.environ.get("PGHOST", "localhost"),
                            "-U", os.environ.get("PGUSER", "odoo"), db], capture_output=True, check=False)  # fmt: skip
            shutil.rmtree(work, ignore_errors=True)


def log_problems(path):
    """ERROR/CRITICAL lines, and WARNING lines of or about the addon, of the update's log."""
    problems = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = LOG_LINE.match(line)
            if not match:
                continue
            about_loket = "loket" in match["logger"] or "loket" in match["message"].lower()
            if match["level"] in ("ERROR", "CRITICAL") or (match["level"] == "WARNING" and about_loket):
                problems.append(line.rstrip())
    return problems


def step(addons_path, what, db, snapshot):
    """Steps 2 and 4 run in a process of their own: Odoo imports one addons path per process."""
    env = dict(os.environ, LOKET_MIGRATION_ADDONS=addons_path)
    subprocess.run(
        [sys.executable, __file__, f"--{what}", db, snapshot], check=True, env=env, cwd=tempfile.gettempdir()
    )


def configure_odoo():
    """Odoo's configuration for this step's code, before the addon is imported: an editable
    install (pip install -e) would otherwise import another copy of it."""
    import odoo

    addons = os.environ["LOKET_MIGRATION_ADDONS"]
    odoo.tools.config.parse_config([*pg_args(), "--addons-path", addons, "--log-level", "warn"])
    odoo.modules.module.initialize_sys_path()
    import odoo.addons.loket_integration as addon

    where = os.path.dirname(os.path.dirname(os.path.abspath(addon.__file__)))
    assert where in addons.split(","), f"loket_integration imported from {where}, not from {addons}"


@contextlib.contextmanager
def odoo_env(db):
    import odoo
    from odoo import api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        yield api.Environment(cr, odoo.SUPERUSER_ID, {})


# -- step 2: with the former code ------------------------------------------------------------


def set_employments(fake, number, *spans):
    """Replace employee ``number``'s employments in the fake Loket (as the tests' EmploymentsMixin)."""
    template = fake.employments_of(number)[0]
    entity = next(r for r in fake.data["organizational_entities"] if r["employmentId"] == template["id"])
    hours = next(r for r in fake.data["working_hours"] if r["employmentId"] == template["id"])
    fake.data["employments"] = [e for e in fake.data["employments"] if e["employee"]["employeeNumber"] != number]
    for payroll, start, end in spans:
        employment_id = f"5e000000-0000-4000-8000-{number:06d}{payroll:06d}"
        fake.data["employments"].append(
            dict(template, id=employment_id, payrollId=payroll, startDate=start, endDate=end)
        )
        fake.data["organizational_entities"].append(dict(entity, employmentId=employment_id))
        fake.data["working_hours"].append(dict(hours, employmentId=employment_id))
        fake.version_numbers[employment_id] = fake.version_numbers.get(employment_id, 0) + 1


def export_facts(env, integration, period, employees):
    """What must not change: the export's entries and warnings, and the employments the send finds."""
    data = integration._loket_export_data(period.date_from, period.date_to, employees)
    export = env["loket.export"].search([("integration_id", "=", integration.id)], limit=1)
    employments = export._loket_employments({e.payroll_number for e in data.entries})
    return {
        "entries": sorted(repr(entry) for entry in data.entries),
        "warnings": data.warnings,
        "employments": {str(number): list(value) for number, value in sorted(employments.items())},
    }


def populate(db, snapshot):
    import responses

    configure_odoo()
    from odoo.addons.loket_integration.loket.testing import FakeLoket

    year = datetime.date.today().year
    fake = FakeLoket(n_employees=6)
    set_employments(fake, 1, (101, "2015-01-01", None), (102, f"{year - 1}-07-01", None))  # at once
    set_employments(fake, 2, (201, "2015-01-01", f"{year - 1}-12-31"), (202, f"{year}-01-01", None))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps, odoo_env(db) as env:
        fake.install(rsps)
        params = env["ir.config_parameter"].sudo()
        params.set_param("loket_integration.client_id", fake.client_id)
        params.set_param("loket_integration.client_secret", fake.client_secret)
        integration = env["loket.integration"].create(
            {
                "name": "Migratie",
                "environment": "custom",
                "api_url": fake.environment.api_url,
                "oauth_url": fake.environment.oauth_url,
            }
        )
        env.cr.commit()  # the tokens are saved on a cursor of their own
        integration._loket_exchange_code(fake.issue_code(integration._loket_redirect_uri()))
        env.cr.commit()  # a new snapshot: the tokens committed on their cursor (REPEATABLE READ)
        integration.administration_option_id = env["loket.administration.option"].search(
            [("integration_id", "=", integration.id)], limit=1
        )
        integration.action_refresh_payroll_components()
        integration.action_refresh_distribution_units()
        # Loket may move the department of mapped employees' contracts: the setting moves along.
        department = env["ir.model.fields"].search([("model", "=", "hr.contract"), ("name", "=", "department_id")])
        integration.overwrite_field_ids = [(4, department.id)]
        existing = env["hr.employee"].create({"name": "Al in Odoo", "department_id": False})
        integration.action_fetch_employees()
        rows = {row.employee_number: row for row in integration.loket_employee_ids}
        rows[3].write({"decision": "map", "employee_id": existing.id})
        for number in (1, 2, 4, 5, 6):
            rows[number].decision = "add"
        integration.loket_employee_ids.action_apply()
        integration._loket_sync_employees(full=True)  # the mapped one gets its contracts
        employees = env["hr.employee"].search([("loket_integration_id", "=", integration.id)])
        assert len(employees) == 6, employees
        Contract = env["hr.contract"]
        cancelled = Contract.search([("employee_id", "=", rows[4].employee_id.id)], limit=1)
        cancelled.state = "cancel"
        # Hours: cost centers for every department the contracts book on, hour codes mapped.
        units = integration.distribution_unit_ids.sorted("code")
        departments = Contract.search([("loket_payroll_number", ">", 0)]).department_id
        integration.cost_center_ids = [
            (0, 0, {"department_id": d.id, "distribution_unit_id": units[i % len(units)].id})
            for i, d in enumerate(departments)
        ]
        worked = env["hr.work.entry.type"].create({"name": "Gewerkt", "code": "MIG_WRK"})
        overtime = env["hr.work.entry.type"].create({"name": "Overwerk", "code": "MIG_OVR"})
        integration.write(
            {
                "default_hour_code_id": worked.id,
                "hour_code_ids": [
                    (0, 0, {"work_entry_type_id": worked.id, "component_number": "1"}),
                    (0, 0, {"work_entry_type_id": overtime.id, "component_number": "28"}),
                ],
            }
        )
        project = env["project.project"].create({"name": "Bakkerij"})
        lines = []
        for n, employee in enumerate(employees.sorted("id"), start=1):
            for month, day, hours, code in ((3, 3, 8, worked), (3, 17, 6.5 + n, worked), (3, 20, 1.25, overtime)):
                lines.append(
                    {
                        "name": "werk",
                        "project_id": project.id,
                        "employee_id": employee.id,
                        "unit_amount": hours,
                        "date": datetime.date(year, month, day),
                        "loket_hour_code_id": code.id,
                    }
                )
            lines.append(dict(lines[-1], date=datetime.date(year, 2, 10), unit_amount=4 + n))
        env["account.analytic.line"].create(lines)
        periods = env["loket.payroll.period"]._ensure_for(integration, year)
        march, february = (periods.filtered(lambda p, n=n: p.number == n) for n in (3, 2))
        Export = env["loket.export"]
        file_export = Export._generate(integration, march, employees, None)
        integration.delivery = "api"
        sent_export = Export._generate(integration, february, employees, None)
        outcome = sent_export._loket_send()
        assert outcome.get("sent"), outcome
        facts = {
            "march": export_facts(env, integration, march, employees),
            "february": export_facts(env, integration, february, employees),
        }
        contracts = Contract.with_context(active_test=False).search(
            ["|", ("loket_employment_id", "!=", False), ("loket_payroll_number", ">", 0)], order="id"
        )
        assert len(contracts) >= 8 and "draft" in contracts.mapped("state"), contracts.mapped("state")
        state = {
            "integration": integration.id,
            "employees": employees.ids,
            "periods": {"march": march.id, "february": february.id},
            "contracts": [
                {
                    "id": c.id,
                    "employee_id": c.employee_id.id,
                    "loket_id": c.loket_employment_id,
                    "payroll_number": c.loket_payroll_number,
                    "shift_number": c.loket_shift_number,
                    "date_start": str(c.date_start),
                    "date_end": str(c.date_end or ""),
                    "department_id": c.department_id.id,
                    "job_id": c.job_id.id,
                    "state": c.state,
                    "kanban_state": c.kanban_state,
                }
                for c in contracts
            ],
            "exports": {
                str(e.id): base64.b64encode(e.attachment_id.raw or b"").decode() for e in (file_export | sent_export)
            },
            "rows": rows_of(env),
            "facts": facts,
            "overwrites": sorted(f"{f.model}.{f.name}" for f in integration.overwrite_field_ids),
        }
        with open(snapshot, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1)
        env.cr.commit()
    print(f"   {len(state['contracts'])} contracts, {len(state['rows'])} export rows sent, 2 exports")


def rows_of(env):
    rows = env["loket.export.row"].search([], order="id")
    assert rows and set(rows.mapped("state")) == {"sent"}, rows.mapped("state")
    return [
        [r.id, r.export_id.id, r.employment_id, r.payroll_number, r.employee_id.id, r.state, r.values] for r in rows
    ]


# -- step 4: with this code ------------------------------------------------------------------


def check(db, snapshot):
    with open(snapshot, encoding="utf-8") as handle:
        before = json.load(handle)
    failures = []
    configure_odoo()

    def expect(condition, what):
        if not condition:
            failures.append(what)

    with odoo_env(db) as env:
        module = env["ir.module.module"].search([("name", "=", "loket_integration_hr_contract")])
        expect(module.state == "installed", f"the version part is {module.state or 'absent'}, not installed")
        main = env["ir.module.module"].search([("name", "=", "loket_integration")])
        expect(main.latest_version.endswith("1.1.0"), f"loket_integration is at {main.latest_version}")
        Employment = env["loket.employment"].with_context(active_test=False)
        for contract in before["contracts"]:
            binding = Employment.search([("mirror_model", "=", "hr.contract"), ("mirror_res_id", "=", contract["id"])])
            if len(binding) != 1:
                failures.append(f"contract {contract['id']}: {len(binding)} binding(s)")
                continue
            got = {
                "id": binding.mirror_res_id,
                "employee_id": binding.employee_id.id,
                "loket_id": binding.loket_id,
                "payroll_number": binding.payroll_number,
                "shift_number": binding.shift_number,
                "date_start": str(binding.date_start),
                "date_end": str(binding.date_end or ""),
                "department_id": binding.department_id.id,
                "job_id": binding.job_id.id,
            }
            wanted = {k: v for k, v in contract.items() if k in got}
            expect(got == wanted, f"contract {contract['id']}: binding {got} != {wanted}")
            expect(binding.active == (contract["state"] != "cancel"), f"contract {contract['id']}: active")
            expect(binding.integration_id.id == before["integration"], f"contract {contract['id']}: integration")
            expect(bool(binding.loket_employee_id), f"contract {contract['id']}: no Loket employee row")
            mirror = env["hr.contract"].browse(contract["id"])
            expect(
                (mirror.state, mirror.kanban_state) == (contract["state"], contract["kanban_state"]),
                f"contract {contract['id']}: state {mirror.state}/{mirror.kanban_state}",
            )
            expect(mirror.loket_employment_binding_id == binding, f"contract {contract['id']}: shows no binding")
        expect(Employment.search_count([]) == len(before["contracts"]), "bindings that were no contract")
        env.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'hr_contract'"
            " AND column_name IN ('loket_employment_id', 'loket_payroll_number', 'loket_shift_number')"
        )
        expect(not env.cr.fetchall(), "the contract's former columns are still there")
        for export_id, data in before["exports"].items():
            export = env["loket.export"].browse(int(export_id))
            expect(base64.b64encode(export.attachment_id.raw or b"").decode() == data, f"export {export_id} changed")
        expect(rows_of(env) == before["rows"], "the export rows changed")
        integration = env["loket.integration"].browse(before["integration"])
        employees = env["hr.employee"].browse(before["employees"])
        Export = env["loket.export"]
        for name, period_id in before["periods"].items():
            period = env["loket.payroll.period"].browse(period_id)
            again = Export._generate(integration, period, employees, None)
            old = next(
                e for e in Export.browse([int(i) for i in before["exports"]]) if e.period_id == period
            ).attachment_id.raw
            expect(again.attachment_id.raw == old, f"{name}: the file made again differs")
            facts = export_facts(env, integration, period, employees)
            for key, value in facts.items():
                expect(value == before["facts"][name][key], f"{name}: {key} {value} != {before['facts'][name][key]}")
        overwrites = sorted(f"{f.model}.{f.name}" for f in integration.overwrite_field_ids)
        wanted = sorted(o.replace("hr.contract.", "loket.employment.") for o in before["overwrites"])
        expect("loket.employment.department_id" in wanted, "the test set no contract field to overwrite")
        expect(overwrites == wanted, f"overwrites {overwrites} != {wanted}")
        # The daily run changes nothing of the contracts it now mirrors, and notes the Draft one.
        states = {c.id: (c.state, c.kanban_state) for c in env["hr.contract"].search([])}
        integration._loket_follow_dates()
        env["hr.contract"].invalidate_model()
        expect(states == {c.id: (c.state, c.kanban_state) for c in env["hr.contract"].search([])}, "date run moved")
        expect(Employment.search_count([("note", "!=", False)]) >= 1, "no note on the employment beside another")
        env.cr.rollback()
    for failure in failures:
        print(f"   FAILED: {failure}")
    print(f"   {len(before['contracts'])} contracts checked, {len(before['rows'])} rows, {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("--populate", "--check"):
        (populate if sys.argv[1] == "--populate" else check)(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
