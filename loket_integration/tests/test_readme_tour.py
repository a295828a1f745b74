"""The README's quick start is a test: a browser tour (static/tests/tours/loket_readme_tour.js)
follows its steps literally, in English, from "Add Loket integration" to "Generate and send
to Loket", against the Loket sandbox over real HTTP, and the sandbox then holds the file's
numbers. Every label the quick start quotes (**bold** or *italic*) is one the tour finds by its
text, or, off the tour's path, one the screens show: a label changed on either side fails here.
"""

import csv
import datetime
import io
import json
import logging
import os
import re
from decimal import Decimal
from urllib.parse import quote

import requests

from odoo.tests import common, tagged
from odoo.tools.misc import file_path

from ..loket.payroll_csv import sum_entries
from ..loket.testing.dutch_data import DEPARTMENT_UNITS
from ..loket.testing.sandbox import CLIENT_ID, CLIENT_SECRET, LoketSandbox
from .test_tours import COOKIE, _PreconnectTimeout

README = os.path.join(os.path.dirname(file_path("loket_integration/__manifest__.py")), os.pardir, "README.md")
TOUR = file_path("loket_integration/static/tests/tours/loket_readme_tour.js")
# The quick start's labels that are not on the tour's path, and where the test finds them instead.
OFF_THE_PATH = {
    "Grant access": "the sandbox's login page (the tour's browser is granted at once)",
    "Generate and mail": "the export wizard's buttons (Delivery: File by e-mail)",
    "Generate": "the export wizard's buttons (Delivery: File by e-mail, no recipient)",
    "Send to Loket": "the export's buttons",
    "File by e-mail": "the Delivery choices",
    "File by e-mail and straight to Loket": "the Delivery choices",
}
REDIRECT_URI = "http://odoo.example/loket/oauth/callback"
# Values the README gives as an example, handed to the tour from the README itself.
EXAMPLE = re.compile(r"\(e\.g\. \*(?P<department>[^*]+)\* → \*(?P<unit>[^*]+)\*")
COMPONENT = re.compile(r"component\* `(?P<number>\d+)` \(\*(?P<name>[^*]+)\*\)")


def quick_start():
    """The README's quick start: its numbered steps, up to the line that removes the containers."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    start = text.index("Then, in Odoo:")
    return text[start : text.index("`docker compose -f docker/docker-compose.yml down -v`", start)]


def quoted_labels(text):
    """The labels the text quotes: **bold** ones (menu paths split on →), then *italic* ones."""
    bold = re.findall(r"\*\*(.+?)\*\*", text)
    italic = re.findall(r"(?<!\*)\*([^*\n]+?)\*(?!\*)", re.sub(r"\*\*(.+?)\*\*", "", text))
    labels = [part.strip() for label in bold for part in label.split("→")]
    return [label for label in labels + italic if label]


@tagged("post_install", "-at_install")
class TestReadmeQuickStart(common.HttpCase):
    n_employees = 25  # the README's sandbox: --employees 25

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        werkzeug, preconnect = logging.getLogger("werkzeug"), _PreconnectTimeout()
        werkzeug.addFilter(preconnect)
        cls.addClassCleanup(werkzeug.removeFilter, preconnect)
        cls.sandbox = LoketSandbox(n_employees=cls.n_employees, port=0, auto_grant=True).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.text = quick_start()
        with open(TOUR, encoding="utf-8") as f:
            cls.tour = f.read()

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if r.url.startswith(cls.sandbox.base_url + "/"):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def _start_tour(self, tour, params):
        self.start_tour("/odoo", tour, login="admin", cookies={COOKIE: quote(json.dumps(params))}, watch=False)
        self.env.invalidate_all()

    # -- the README against the tour and the screens ------------------------------------------

    def test_every_label_of_the_quick_start_is_on_the_screens(self):
        labels = quoted_labels(self.text)
        self.assertGreater(len(labels), 30, "the quick start quotes its buttons, tabs, menus and fields")
        examples = EXAMPLE.search(self.text).groupdict() | COMPONENT.search(self.text).groupdict()
        self.assertEqual(
            (CLIENT_ID, CLIENT_SECRET),
            tuple(re.search(r"\*Client id\* `([^`]+)`, \*Client secret\* `([^`]+)`", self.text).groups()),
        )
        wizard = self.env["loket.export.wizard"].get_views([(False, "form")])["views"]["form"]["arch"]
        export = self.env["loket.export"].get_views([(False, "form")])["views"]["form"]["arch"]
        deliveries = dict(self.env["loket.integration"]._fields["delivery"].selection).values()
        elsewhere = {
            "Grant access": self._sandbox_grant_button(),
            "Generate and mail": 'string="Generate and mail"' in wizard,
            "Generate": 'string="Generate"' in wizard,
            "Send to Loket": 'string="Send to Loket"' in export,
            "File by e-mail": "File by e-mail" in deliveries,
            "File by e-mail and straight to Loket": "File by e-mail and straight to Loket" in deliveries,
        }
        missing = []
        for label in labels:
            if label in examples.values():
                continue  # an example value: the tour takes it from the README
            if label in OFF_THE_PATH:
                if not elsewhere[label]:
                    missing.append(f"{label!r} is not on {OFF_THE_PATH[label]}")
            elif json.dumps(label) not in self.tour:
                missing.append(f"{label!r} is not a step of the README tour")
        self.assertFalse(missing, "\n".join(missing))

    def _sandbox_grant_button(self):
        """The sandbox's login page as a browser gets it: its one button."""
        query = f"response_type=code&client_id={CLIENT_ID}&redirect_uri={quote(REDIRECT_URI)}&state=x"
        self.sandbox.httpd.auto_grant = False
        try:
            page = requests.get(f"{self.sandbox.custom_urls()['oauth_url']}/authorize?{query}", timeout=10)
        finally:
            self.sandbox.httpd.auto_grant = True
        return ">Grant access</button>" in page.text

    # -- the walk -----------------------------------------------------------------------------

    def test_the_quick_start_followed_literally_ends_in_the_sandbox(self):
        data = self.sandbox.fake.data
        urls = self.sandbox.custom_urls()
        example = EXAMPLE.search(self.text).groupdict()
        component = COMPONENT.search(self.text).groupdict()
        self.assertEqual(DEPARTMENT_UNITS[example["department"]], example["unit"])
        units = {u["description"]: str(u["code"]) for u in data["distribution_units"]}
        # "per department": the README's example first, then the others the sandbox gives
        current = {  # the departments Odoo's employees are in
            r["organizationalEntity"]["department"]["description"]
            for r in data["organizational_entities"]
            if not r["organizationalEntity"]["endDate"]
        }
        departments = [example["department"], *sorted(current - {example["department"]})]
        company = self.env.company
        self.assertEqual(self.env.ref("base.user_admin").lang, "en_US")
        self._start_tour(
            "loket_readme_setup_tour",
            {
                "client_id": urls["client_id"],
                "client_secret": urls["client_secret"],
                "api_url": urls["api_url"],
                "oauth_url": urls["oauth_url"],
                "administration": data["administration"]["name"],
                "employee_count": self.n_employees,
                "integration": company.name,
                "cost_centers": [
                    [d, DEPARTMENT_UNITS[d], f"{units[DEPARTMENT_UNITS[d]]} {DEPARTMENT_UNITS[d]}"] for d in departments
                ],
                "component_number": component["number"],
                "component_name": component["name"],
            },
        )
        integration = self.env["loket.integration"].search([("company_id", "=", company.id)])
        self.assertEqual(len(integration), 1, "the tour added one integration")
        self.assertEqual((integration.state, integration.delivery), ("connected", "api"))
        self.assertEqual(
            {c.department_id.name: c.distribution_unit_id.name for c in integration.cost_center_ids},
            {d: DEPARTMENT_UNITS[d] for d in departments},
        )
        rows = integration.loket_employee_ids
        self.assertEqual((len(rows), set(rows.mapped("status"))), (self.n_employees, {"added"}))

        # "Log some hours on them (Timesheets)": in the period the export proposes.
        period = integration._loket_last_closed_period()
        project = self.env["project.project"].create({"name": "Bakkerij"})
        for row in rows:
            self.env["account.analytic.line"].create(
                {
                    "name": "bakken",
                    "project_id": project.id,
                    "employee_id": row.employee_id.id,
                    "unit_amount": 7.25 + row.employee_number / 3,  # thirds: the file rounds each row
                    "date": period.date_from + datetime.timedelta(days=1),
                }
            )
        data_rows = sum_entries(
            integration._loket_export_data(period.date_from, period.date_to, rows.employee_id).entries
        )
        self._start_tour(
            "loket_readme_export_tour",
            {"period": f"{period.year}-{period.number:02d}", "row_count": len(data_rows)},
        )
        export = self.env["loket.export"].search([("integration_id", "=", integration.id)])
        self.assertEqual((len(export), export.period_id), (1, period))
        lines = list(csv.reader(io.StringIO(export.attachment_id.raw.decode()), delimiter=";"))
        header, body = lines[0], lines[1:]
        self.assertEqual(header, ["aanslnr", "persnr", "ploeg", "verdelingseenheid", component["number"]])
        in_file = {(line[1], line[3], Decimal(line[4].replace(",", "."))) for line in body}
        self.assertEqual(len(in_file), len(data_rows))

        # The sandbox holds the file's numbers: its page of received payroll period data.
        received = requests.get(self.sandbox.base_url + "/sandbox/payrollperioddata.json", timeout=10).json()
        held = {
            (str(row["payrollId"]), str(row["distributionUnit"]["code"]), Decimal(str(row["payrollComponents"]["1"])))
            for row in received["held"]
            if (row["year"], row["periodNumber"]) == (period.year, period.number)
        }
        self.assertEqual(held, in_file)
