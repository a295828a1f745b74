"""The demo path against the Loket sandbox (``scripts/loket_sandbox.py``), over real HTTP.

The sandbox runs on a loopback port as a user starts it; the integration gets the
"Custom URLs" the sandbox prints, connects through the real OAuth redirect (Odoo's
authorize URL → the sandbox's login page, one click → Odoo's callback controller),
fetches and adds the sandbox's employees, exports a period's timesheets and sends
them straight to Loket; the sandbox's own page of received payroll period data must
show the file's rows. So the sandbox cannot drift from what the addon expects.
"""

import csv
import datetime
import io
import re
from urllib.parse import parse_qs, urlsplit

import requests

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, common, new_test_user, tagged

from ..loket.testing.http_server import SANDBOX_NOTICE
from ..loket.testing.sandbox import PERIOD_DATA_JSON, LoketSandbox


@tagged("post_install", "-at_install")
class TestSandboxDemoPath(common.HttpCase):
    n_employees = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = LoketSandbox(n_employees=cls.n_employees, port=0).start()
        cls.addClassCleanup(cls.sandbox.stop)

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's tests refuse outgoing requests (BlockedRequest); the sandbox's loopback address is let through.
        if r.url.startswith(cls.sandbox.base_url + "/"):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def _get(self, path_or_url, **kwargs):
        url = path_or_url if "://" in path_or_url else self.sandbox.base_url + path_or_url
        return requests.get(url, timeout=10, **kwargs)

    def _connect(self, admin, urls):
        """Settings → Loket.nl → Add Loket integration, Custom URLs → Connect → Grant."""
        settings = Form(self.env["res.config.settings"].with_user(admin))
        settings.loket_client_id = urls["client_id"]
        settings.loket_client_secret = urls["client_secret"]
        settings.save().execute()
        action = self.env["res.config.settings"].with_user(admin).action_add_loket_integration()
        form = Form(self.env[action["res_model"]].with_user(admin).with_context(**action.get("context", {})))
        form.environment = "custom"
        form.api_url = urls["api_url"]
        form.oauth_url = urls["oauth_url"]
        integration = form.save()

        authorize_url = integration.action_connect()["url"]
        self.assertTrue(authorize_url.startswith(urls["oauth_url"] + "/authorize?"))
        page = self._get(authorize_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(SANDBOX_NOTICE, page.text)
        grant = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        back = requests.post(urls["oauth_url"] + "/authorize", data=grant, allow_redirects=False, timeout=10)
        self.assertEqual(back.status_code, 302)
        callback = back.headers["Location"]
        self.assertTrue(callback.startswith(integration._loket_redirect_uri() + "?"))
        self.assertTrue(parse_qs(urlsplit(callback).query)["code"])

        self.authenticate("admin", "admin")
        answer = self.url_open(callback, allow_redirects=False)
        self.assertIn(answer.status_code, (302, 303), answer.text[:500])
        self.assertIn(
            f"/odoo/action-loket_integration.action_loket_integration/{integration.id}", answer.headers["Location"]
        )
        self.env.invalidate_all()
        return integration

    def test_connect_add_employees_export_and_send(self):
        admin = self.env.ref("base.user_admin")
        fake, urls = self.sandbox.fake, self.sandbox.custom_urls()
        data = fake.data
        integration = self._connect(admin, urls)
        self.assertEqual(integration.state, "connected")
        self.assertTrue(integration.has_refresh_token)
        self.assertEqual(fake.token_requests, ["authorization_code"])

        option = self.env["loket.administration.option"].search([("integration_id", "=", integration.id)])
        self.assertEqual(option.mapped("name"), [data["administration"]["name"]])
        integration.administration_option_id = option
        self.assertEqual(integration.loket_administration_id, data["administration"]["id"])
        self.assertEqual(integration.client_number, str(data["administration"]["clientNumber"]))
        integration.action_refresh_payroll_components()
        integration.action_refresh_distribution_units()
        self.assertEqual(
            sorted(integration.distribution_unit_ids.mapped("code")),
            sorted(str(u["code"]) for u in data["distribution_units"]),
        )
        integration.action_fetch_employees()
        rows = integration.loket_employee_ids
        self.assertEqual(sorted(rows.mapped("employee_number")), sorted(e["employeeNumber"] for e in data["employees"]))
        rows.write({"decision": "add"})
        rows.action_apply()
        self.assertEqual(set(rows.mapped("status")), {"added"})

        # Each Loket department books on the distribution unit the sandbox gives its first employee.
        entity = {r["employmentId"]: r["organizationalEntity"] for r in data["organizational_entities"]}
        unit_of_department = {}
        for employment in data["employments"]:
            e = entity[employment["id"]]
            unit_of_department.setdefault(e["department"]["description"], str(e["distributionUnit"]["code"]))
        units = {u.code: u for u in integration.distribution_unit_ids}
        departments = self.env["hr.department"].search([("name", "in", list(unit_of_department))])
        self.assertEqual(sorted(departments.mapped("name")), sorted(unit_of_department))
        integration.write(
            {
                "delivery": "both",
                "cost_center_ids": [
                    Command.create(
                        {"department_id": d.id, "distribution_unit_id": units[unit_of_department[d.name]].id}
                    )
                    for d in departments
                ],
                "hour_code_ids": [
                    Command.create({"work_entry_type_id": integration.default_hour_code_id.id, "component_number": "1"})
                ],
            }
        )

        period = integration._loket_last_closed_period()
        self.assertTrue(period)
        project = self.env["project.project"].create({"name": "Bakkerij"})
        by_number = {row.employee_number: row.employee_id for row in rows}
        for number, employee in by_number.items():
            self.env["account.analytic.line"].create(
                {
                    "name": "bakken",
                    "project_id": project.id,
                    "employee_id": employee.id,
                    "unit_amount": 10 + number,
                    "date": period.date_from + datetime.timedelta(days=1),
                }
            )
        wizard = (
            self.env["loket.export.wizard"]
            .with_user(admin)
            .create({"integration_id": integration.id, "year": period.year, "period_id": period.id})
        )
        wizard._onchange_period_list()
        export = self.env["loket.export"].browse(wizard.action_generate()["res_id"])

        # The file: one row per sandbox employment, its payroll number, its department's unit, its hours.
        lines = list(csv.reader(io.StringIO(export.attachment_id.raw.decode()), delimiter=";"))
        self.assertEqual(lines[0], ["aanslnr", "persnr", "ploeg", "verdelingseenheid", "1"])
        expected = {
            (
                str(data["administration"]["clientNumber"]),
                str(employment["payrollId"]),
                "1",
                unit_of_department[entity[employment["id"]]["department"]["description"]],
                f"{10 + employment['employee']['employeeNumber']:.2f}".replace(".", ","),
            )
            for employment in data["employments"]
        }
        self.assertEqual({tuple(line) for line in lines[1:]}, expected)
        self.assertEqual(len(lines) - 1, len(data["employments"]))

        # Straight to Loket: the sandbox's page of received data shows the same rows.
        export.with_user(admin).action_send_to_loket()
        received = self._get(PERIOD_DATA_JSON).json()
        self.assertEqual(len(received["patches"]), 1)
        self.assertEqual(received["patches"][0]["accepted"], len(expected))
        self.assertEqual(received["patches"][0]["messages"], [])
        held = {
            (
                str(data["administration"]["clientNumber"]),
                str(row["payrollId"]),
                "1",
                str(row["distributionUnit"]["code"]),
                f"{row['payrollComponents']['1']:.2f}".replace(".", ","),
            )
            for row in received["held"]
            if (row["year"], row["periodNumber"]) == (period.year, period.number)
        }
        self.assertEqual(held, expected)
        self.assertEqual(export.rows_sent, len(expected))

    def test_custom_urls_are_for_system_administrators_only(self):
        """A Loket administrator who is no system administrator can neither read nor set the URLs
        Odoo sends the Loket login and data to."""
        integration = self.env["loket.integration"].create(
            {
                "name": "Sandbox",
                "environment": "custom",
                **{k: v for k, v in self.sandbox.custom_urls().items() if k.endswith("_url")},
            }
        )
        manager = new_test_user(
            self.env, "loket_sb_mgr", groups="loket_integration.group_loket_manager,base.group_user"
        )
        self.assertEqual(integration.with_user(manager).name, "Sandbox")
        with self.assertRaises(AccessError):
            integration.with_user(manager).read(["api_url"])
        with self.assertRaises(AccessError):
            integration.with_user(manager).write({"oauth_url": "http://evil.example/oauth"})
        with self.assertRaises(AccessError):
            self.env["loket.integration"].with_user(manager).create(
                {"name": "Other", "environment": "custom", "api_url": "http://evil.example/v2"}
            )
        self.assertEqual(integration.oauth_url, self.sandbox.custom_urls()["oauth_url"])
