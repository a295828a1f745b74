"""The test command's log check (scripts/run_tests.py): which lines of Odoo's log fail the run."""

import importlib.util
import os

import pytest

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "run_tests.py")


@pytest.fixture(scope="module")
def run_tests():
    spec = importlib.util.spec_from_file_location("run_tests", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def line(level, logger, message, db="loket_test_1_2"):
    return f"2026-11-26 00:12:34,560 4242 {level} {db} {logger}: {message} "


STARTING = line("INFO", "odoo.addons.loket_integration.tests.test_export", "Starting TestExport.test_x ...")


@pytest.mark.parametrize(
    "logged",
    [
        line("WARNING", "odoo.addons.loket_integration.models.loket_payroll_period", "Loket payroll periods ..."),
        line("WARNING", "odoo.addons.loket_integration.controllers.oauth_callback", "Refused a Loket OAuth callback"),
        line(
            "WARNING",
            "odoo.addons.base.models.ir_model",
            "Two fields (totals_text, totals) of loket.export() have the same label: Totals. "
            "[Modules: loket_integration and loket_integration]",
        ),
        line("WARNING", "odoo.addons.loket_integration.tests.test_tours.TestLoketTours.test_x.browser", "warn"),
        # The journal addon beside it: its WARNINGs count like the main addon's.
        line("WARNING", "odoo.addons.loket_integration_account.models.loket_journal_run", "A run could not be marked"),
    ],
)
def test_a_warning_of_the_addon_fails_the_run(run_tests, logged):
    problems, warnings, others = run_tests.check_log("\n".join([STARTING, logged]))
    assert (problems, warnings, others) == ([], [logged], [])


def test_warnings_of_odoo_itself_are_listed_apart_and_errors_are_problems(run_tests):
    core = line("WARNING", "odoo.osv.expression", "Unexpected domain [('id', 'child_of', False)]")
    error = line("ERROR", "odoo.sql_db", "bad query")
    info = line("INFO", "odoo.addons.loket_integration.models.loket_export", "warning: not a WARNING line")
    problems, warnings, others = run_tests.check_log("\n".join([STARTING, core, error, info]))
    assert (problems, warnings, others) == ([error], [], [core])


def test_the_database_name_does_not_make_a_warning_the_addons(run_tests):
    core = line("WARNING", "odoo.modules.registry", "something", db="loket_test_9_9")
    assert run_tests.check_log("\n".join([STARTING, core]))[1] == []


def test_a_log_level_hiding_the_addons_lines_fails_the_run(run_tests):
    problems, _warnings, _others = run_tests.check_log(line("INFO", "odoo.tests.result", "0 failed"), tests_ran=True)
    assert len(problems) == 1 and "hides" in problems[0]
    assert run_tests.ODOO_LOG_LEVEL in ("info", "debug")


def test_the_journal_addon_is_installed_and_tested_in_the_same_run(run_tests):
    assert run_tests.ADDONS == ("loket_integration", "loket_integration_account")
    assert "account" in run_tests.OPTIONAL_MODULES
    assert run_tests.default_test_tags().split(",") == ["/loket_integration", "/loket_integration_account"]
    assert "loket_integration_account/tests/test_" in " ".join(run_tests.odoo_test_modules())


def test_each_odoo_version_gets_its_own_log_and_its_part_of_the_repository(run_tests, monkeypatch, tmp_path):
    monkeypatch.setenv("LOKET_ODOO_LOG", str(tmp_path / "me.log"))
    assert run_tests.log_path_for("19.0") == str(tmp_path / "me-19.0.log")
    assert run_tests.log_path_for("18.0") != run_tests.log_path_for("19.0")
    part = run_tests.version_addons("19.0")
    assert "loket_integration_hr_version" in part
    assert run_tests.default_test_tags("19.0").endswith(",/loket_integration_hr_version")
    assert "odoo_versions/19.0" in run_tests.addons_path([str(tmp_path)], "19.0")


def test_a_python_without_odoo_is_not_a_version(run_tests, monkeypatch):
    monkeypatch.setenv("LOKET_ODOO_PYTHONS", "/nonexistent/python")
    versions, without = run_tests.odoo_versions()
    assert versions == {} and without == ["/nonexistent/python"]


def test_the_version_part_of_each_odoo_is_installed_and_tested(run_tests):
    """odoo_versions/<series>/: on that series' addons path, installed and tested with the addon."""
    assert run_tests.version_addons("18.0") == ("loket_integration_hr_contract",)
    assert run_tests.addons_path(["/nowhere/odoo"], "18.0").split(",")[-1].endswith("odoo_versions/18.0")
    assert "/loket_integration_hr_contract" in run_tests.default_test_tags("18.0").split(",")
    assert "odoo_versions/18.0/loket_integration_hr_contract/tests/test_" in " ".join(
        run_tests.odoo_test_modules("18.0")
    )
    assert "loket_integration_hr_contract" not in run_tests.default_test_tags("19.0")
    assert run_tests.version_addons("17.0") == ()  # no part for it: nothing added


def test_the_version_parts_loggers_are_the_addons(run_tests):
    assert run_tests.is_addon_logger("odoo.addons.loket_integration_hr_version.models.x")
    assert run_tests.is_addon_logger("odoo.addons.loket_integration_account")
    assert not run_tests.is_addon_logger("odoo.addons.loket_integrationx")
