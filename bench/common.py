"""Shared plumbing of the benchmarks: a throwaway database with the addon installed,
an Odoo environment on it, and a FakeLoket behind ``responses``."""

import contextlib
import datetime
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from run_tests import addons_path, pg_args  # noqa: E402


@contextlib.contextmanager
def throwaway_database(prefix, modules="loket_integration"):
    """Create a database with ``modules`` (loket_integration) installed; drop it afterwards."""
    os.environ.setdefault("PGPASSWORD", "odoo")
    db = f"{prefix}_{os.getpid()}"
    base = [sys.executable, "-m", "odoo", *pg_args(), "--addons-path", addons_path()]
    install = [*base, "-d", db, "-i", modules, "--stop-after-init", "--without-demo", "all",
               "--log-level", "warn", "--max-cron-threads", "0"]  # fmt: skip
    started = time.monotonic()
    subprocess.run(install, check=True, cwd=ROOT)
    print(f"# database {db} ready in {time.monotonic() - started:.0f} s", flush=True)
    try:
        yield db
    finally:
        if "odoo.sql_db" in sys.modules:  # this process's pooled connections would block the drop
            import odoo

            odoo.modules.registry.Registry.delete(db)
            odoo.sql_db.close_db(db)
        subprocess.run([*base, "db", "drop", db], cwd=ROOT, capture_output=True, check=False)
        subprocess.run(["dropdb", "--if-exists", "-h", os.environ.get("PGHOST", "localhost"),
                        "-U", os.environ.get("PGUSER", "odoo"), db], capture_output=True, check=False)  # fmt: skip


def configure_odoo():
    """Odoo's configuration for this process (PostgreSQL, this working copy's addons path):
    once, as Odoo parses it once. Returns the addon's package, imported from this copy."""
    # Each submodule by name: 19.0's ``odoo`` is a namespace package that imports none of them.
    import odoo.modules.registry
    import odoo.sql_db
    import odoo.tools

    if not getattr(configure_odoo, "done", False):
        odoo.tools.config.parse_config([*pg_args(), "--addons-path", addons_path(), "--log-level", "warn"])
        configure_odoo.done = True
    import odoo.addons.loket_integration as addon

    return addon


@contextlib.contextmanager
def odoo_env(db):
    import odoo
    from odoo import api

    configure_odoo()
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        yield api.Environment(cr, odoo.SUPERUSER_ID, {})


@contextlib.contextmanager
def fake_loket(n_employees, **options):
    import responses

    from odoo.addons.loket_integration.loket.testing import FakeLoket

    fake = FakeLoket(n_employees=n_employees, **options)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        fake.http_mock = rsps  # its log of calls keeps every response: see CallPeaks
        yield fake


def connect(env, fake):
    params = env["ir.config_parameter"].sudo()
    params.set_param("loket_integration.client_id", fake.client_id)
    params.set_param("loket_integration.client_secret", fake.client_secret)
    integration = env["loket.integration"].create(
        {
            "name": "Bench",
            "environment": "custom",
            "api_url": fake.environment.api_url,
            "oauth_url": fake.environment.oauth_url,
        }
    )
    env.cr.commit()
    integration._loket_exchange_code(fake.issue_code(integration._loket_redirect_uri()))
    integration.administration_option_id = env["loket.administration.option"].search(
        [("integration_id", "=", integration.id)], limit=1
    )
    env.cr.commit()
    return integration


def add_all_employees(integration):
    """Fetch the Loket employees and Add them all (the mapping screen's bulk action);
    what goes to the background is run to the end (see run_jobs)."""
    integration.action_fetch_employees()
    run_jobs(integration.env)
    rows = integration.loket_employee_ids
    rows.write({"decision": "add"})
    rows.action_apply()
    run_jobs(integration.env)
    integration.action_refresh_payroll_components()


def month_of_hours(env, integration):
    """Period 3 of this year with hours on three Loket components (worked, overtime, leave)
    for every employee of the integration, delivered straight to Loket (the distribution
    units and payroll components fetched first). Returns ``(period, employees)``."""
    from bench_export import insert_lines

    integration.action_refresh_distribution_units()
    integration.action_refresh_payroll_components()  # the components the hour codes are mapped to
    Type = env["hr.work.entry.type"]
    codes = [
        (env.ref("hr_work_entry.work_entry_type_attendance"), "1"),
        (Type.create({"name": "Overwerk", "code": "BENCH_OVR"}), "28"),
        (Type.create({"name": "Verlof", "code": "BENCH_LVE"}), "30"),
    ]
    integration.write(
        {
            "delivery": "api",
            "hour_code_ids": [(0, 0, {"work_entry_type_id": c.id, "component_number": n}) for c, n in codes],
        }
    )
    env.cr.commit()
    year = datetime.date.today().year
    period = env["loket.payroll.period"]._ensure_for(integration, year).filtered(lambda p: p.number == 3)
    project = env["project.project"].create({"name": "Bench"})
    employees = env["hr.employee"].search([("loket_integration_id", "=", integration.id)])
    for code, _number in codes:
        insert_lines(env, project, employees, code, period.date_from, period.date_to, 1)
    env.cr.execute("ANALYZE account_analytic_line")
    return period, employees


def run_jobs(env, after_call=None):
    """What Odoo's cron worker does with the background runs (loket.job): call the jobs
    cron, commit, again, until no run is queued or running. Returns the number of calls."""
    Job = env["loket.job"]
    calls = 0
    while Job.search_count([("state", "in", ("queued", "running"))]):
        Job._cron_process_jobs()
        env.cr.commit()
        calls += 1
        if after_call:
            after_call()
    return calls


class Measure:
    """HTTP requests (to the fake Loket), SQL queries (on the main cursor) and wall time of a block."""

    def __init__(self, env, fake, label):
        self.env, self.fake, self.label = env, fake, label

    def __enter__(self):
        self.requests = len(self.fake.requests) + len(self.fake.token_requests)
        self.queries = self.env.cr.sql_log_count
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = seconds = time.perf_counter() - self.started
        requests = len(self.fake.requests) + len(self.fake.token_requests) - self.requests
        queries = self.env.cr.sql_log_count - self.queries
        print(f"{self.label:<40} requests={requests:>6}  sql_queries={queries:>8}  wall={seconds:8.2f} s", flush=True)
