"""Real-browser tours (headless Chromium): Settings → Add Loket integration → Connect →
administration, cost center, hour code → Loket employees, all added → the employee's
Loket binding; then Timesheets → Reporting → Loket → another period, two employees,
preview → Generate → the export and its file. Once in English, once for a Dutch user.

The fake Loket runs over real HTTP on a loopback port (``FakeLoketServer``): the
browser is sent to its OAuth authorize address and straight back (``auto_grant``),
Odoo calls its token endpoint and API like Loket's. Timesheets are written between
the two tours, on the employees the first one added.

Without Chrome/Chromium Odoo skips these tests; ``scripts/run_tests.py`` says so loudly.
"""

import csv
import datetime
import io
import json
import logging
from urllib.parse import quote

from odoo.tests import common, new_test_user, tagged

from ..loket.employee_mapper import dutch_name
from ..loket.testing import FakeLoketServer

COOKIE = "loket_tour"  # read by static/tests/tours/loket_tours.js


class _PreconnectTimeout(logging.Filter):
    """In test mode Odoo's HTTP server closes a connection idle for 5 s, "to avoid chrome
    headless preconnect" (odoo/service/server.py); Python's http.server then logs
    "Request timed out" at ERROR, for a socket Chrome opened ahead and never sent a
    request on. That line, and only it, is logged at INFO here."""

    def filter(self, record):
        if record.levelno == logging.ERROR and str(record.msg).rstrip().endswith("] Request timed out: %r"):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


@tagged("post_install", "-at_install")
class TestLoketTours(common.HttpCase):
    n_employees = 6

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        werkzeug, preconnect = logging.getLogger("werkzeug"), _PreconnectTimeout()
        werkzeug.addFilter(preconnect)
        cls.addClassCleanup(werkzeug.removeFilter, preconnect)
        cls.loket = FakeLoketServer(n_employees=cls.n_employees, auto_grant=True).start()
        cls.addClassCleanup(cls.loket.stop)
        fake = cls.loket.fake
        cls._add_weekly_administration(fake)
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("loket_integration.client_id", fake.client_id)
        params.set_param("loket_integration.client_secret", fake.client_secret)
        # The company's own departments: adding the Loket employees finds them by name.
        for name in ("Productie", "Verkoop"):
            cls.env["hr.department"].create({"name": name})
        cls.project = cls.env["project.project"].create({"name": "Bakkerij"})
        cls.env["res.lang"]._activate_lang("nl_NL")
        installed = cls.env["ir.module.module"].search([("state", "=", "installed")])
        cls.env["ir.module.module"]._load_module_terms(installed.mapped("name"), ["nl_NL"], overwrite=True)
        cls.dutch_user = new_test_user(
            cls.env,
            login="loket_nl",
            name="Joke de Boer",
            lang="nl_NL",
            groups="base.group_user,base.group_system,hr.group_hr_manager,loket_integration.group_loket_manager",
        )

    @staticmethod
    def _add_weekly_administration(fake):
        """A second payroll administration of the employer (weekly pay, no employees): the login
        reaches two, so the integration form asks which one."""
        weekly = dict(
            fake.data["administration"],
            id="00000000-0000-4000-8000-00000000beef",
            name="Bakkerij De Gouden Krakeling Weekloon",
            description="Weekverloning",
            clientNumber=5556,
            payrollPeriodType={"key": 3, "value": "Week"},
        )
        listed = fake._providers_employers_employerId_payrolladministrations

        def administrations(request, employerId):
            rows = listed(request, employerId)
            return [*rows, weekly] if isinstance(rows, list) else rows

        fake._providers_employers_employerId_payrolladministrations = administrations

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo 18 lets requests to 127.0.0.1 through whatever the port; the fake Loket's
        # address is allowed explicitly, so that a stricter check (on the port) keeps it.
        if r.url.startswith(cls.loket.base_url + "/"):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    # -- the walk --------------------------------------------------------------------------

    def _start_tour(self, tour, login, params):
        self.start_tour("/odoo", tour, login=login, cookies={COOKIE: quote(json.dumps(params))}, watch=False)
        self.env.invalidate_all()

    def _walk(self, login):
        fake = self.loket.fake
        company = self.env.company
        first = fake.data["employees"][0]
        self._start_tour(
            "loket_connect_configure_tour",
            login,
            {
                "client_id": fake.client_id,
                "company": company.name,
                "api_url": fake.environment.api_url,
                "oauth_url": fake.environment.oauth_url,
                "administration": fake.data["administration"]["name"],
                "client_number": fake.data["administration"]["clientNumber"],
                "department": "Verkoop",
                "distribution_unit": "Werkplaats Zwolle",
                "component_number": "1",
                "component_name": "Uren gewerkt",
                "employee_name": dutch_name(first["personalDetails"]),
                "employee_number": first["employeeNumber"],
                "employee_count": self.n_employees,
            },
        )
        integration = self.env["loket.integration"].search([("company_id", "=", company.id)])
        self.assertEqual(len(integration), 1, "the tour added one integration")
        self.assertEqual(integration.state, "connected")
        self.assertTrue(integration.has_refresh_token)
        self.assertEqual(integration.loket_administration_id, fake.administration_id)
        self.assertEqual(integration.client_number, str(fake.data["administration"]["clientNumber"]))
        self.assertEqual(
            [(c.department_id.name, c.distribution_unit_id.code) for c in integration.cost_center_ids],
            [("Verkoop", "20")],
        )
        self.assertEqual(
            [(h.work_entry_type_id, h.component_number) for h in integration.hour_code_ids],
            [(integration.default_hour_code_id, "1")],
        )
        rows = integration.loket_employee_ids
        self.assertEqual(len(rows), self.n_employees)
        self.assertEqual(set(rows.mapped("status")), {"added"})
        employees = rows.employee_id
        self.assertEqual(len(employees), self.n_employees)
        self.assertEqual(
            {e.loket_employee_number for e in employees}, {e["employeeNumber"] for e in fake.data["employees"]}
        )
        self.assertTrue(all(e.loket_integration_id == integration for e in employees))
        return integration, {row.employee_number: row.employee_id for row in rows}

    def _export_walk(self, login, integration, employees):
        """Hours in the period due (the wizard's default) and in the one before it; the tour
        exports the one before, for two employees."""
        Period = self.env["loket.payroll.period"]
        default = integration._loket_last_closed_period()
        self.assertTrue(default)
        periods = Period._ensure_for(integration, default.year - 1) | Period._ensure_for(integration, default.year)
        chosen = periods.filtered(lambda p: p.date_to < default.date_from).sorted("date_from")[-1]
        hours = {}
        for number, employee in employees.items():
            hours[employee] = 7 + number
            for period, amount in ((default, 40), (chosen, hours[employee])):
                self.env["account.analytic.line"].create(
                    {
                        "name": "bakken",
                        "project_id": self.project.id,
                        "employee_id": employee.id,
                        "unit_amount": amount,
                        "date": period.date_from + datetime.timedelta(days=1),
                    }
                )
        picked = employees[2] | employees[4]
        self._start_tour(
            "loket_export_tour",
            login,
            {
                "year": chosen.year,
                "period": f"{chosen.year}-{chosen.number:02d}",
                "default_period": f"{default.year}-{default.number:02d}",
                "employees": picked.mapped("name"),
                "others": (self.env["hr.employee"].browse([e.id for e in employees.values()]) - picked).mapped("name"),
            },
        )
        export = self.env["loket.export"].search([("integration_id", "=", integration.id)])
        self.assertEqual(len(export), 1, "the tour generated one export")
        self.assertEqual(export.period_id, chosen)
        self.assertNotEqual(export.period_id, default)
        self.assertEqual(export.employee_scope, "selected")
        self.assertEqual(export.employee_ids, picked)
        self.assertTrue(export.attachment_id)
        rows = list(csv.reader(io.StringIO(export.attachment_id.raw.decode()), delimiter=";"))
        header, lines = rows[0], rows[1:]
        self.assertEqual(header[:4], ["aanslnr", "persnr", "ploeg", "verdelingseenheid"])
        self.assertEqual(header[4:], ["1"])
        employments = self.env["loket.employment"].search([("employee_id", "in", picked.ids)])
        expected = {(str(e.payroll_number), f"{hours[e.employee_id]:.2f}".replace(".", ",")) for e in employments}
        self.assertEqual({(line[1], line[4]) for line in lines}, expected)
        self.assertEqual(len(lines), len(picked))
        return export

    # -- the tests -------------------------------------------------------------------------

    def test_tour_english(self):
        integration, employees = self._walk("admin")
        self._export_walk("admin", integration, employees)

    def test_tour_dutch(self):
        self.assertEqual(self.dutch_user.lang, "nl_NL")
        integration, employees = self._walk(self.dutch_user.login)
        self._export_walk(self.dutch_user.login, integration, employees)
