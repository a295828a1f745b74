"""Issue 18's findings 1-4, 9 and 10, each reproduced as the user who found it.

Each test names its finding. What a refused call must leave behind is checked on the
test's own transaction without a savepoint (``assertRaisesKeepingCommits``): the
addon erased tokens on a cursor of its own, which in test mode is the test's.
"""

import base64
import logging

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LoketCase

ROLE_GROUPS = {
    "portal": "base.group_portal",
    "internal": "base.group_user",
    "loket_user": "base.group_user,loket_integration.group_loket_user",
    "hr_officer": "base.group_user,hr.group_hr_user",
    "loket_admin": "base.group_user,loket_integration.group_loket_manager",
}


@tagged("post_install", "-at_install")
class TestSecurityFindings(LoketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._connect()
        cls.users = {role: new_test_user(cls.env, f"finding_{role}", groups=g) for role, g in ROLE_GROUPS.items()}

    def _token(self):
        return self.env["loket.token"].sudo().search([("integration_id", "=", self.integration.id)])

    # -- finding 1 --------------------------------------------------------------------------

    def test_finding_1_disconnect_is_refused_before_the_login_is_erased(self):
        for role in ("portal", "internal", "loket_user", "hr_officer"):
            with self.subTest(role=role):
                integration = self.integration.with_user(self.users[role])
                self.assertRaisesKeepingCommits(AccessError, integration.action_disconnect)
                self.assertTrue(self._token().refresh_token, f"{role} erased the Loket login")
                self.assertEqual(self.integration.state, "connected")

    # -- finding 2 --------------------------------------------------------------------------

    def test_finding_2_client_secret_is_read_by_nobody_through_the_settings(self):
        secret = self.fake.client_secret
        users = dict(self.users, system=self.env.ref("base.user_admin"))
        for role, user in users.items():
            with self.subTest(role=role):
                Settings = self.env["res.config.settings"].with_user(user)
                try:
                    defaults = Settings.default_get(["loket_client_secret", "loket_client_id"])
                except AccessError:
                    defaults = {}
                self.assertNotIn(secret, str(defaults), f"{role} read the client secret through default_get")
                try:
                    result = Settings.onchange({}, [], {"loket_client_secret": {}, "loket_client_secret_set": {}})
                except AccessError:
                    result = {}
                self.assertNotIn(secret, str(result), f"{role} read the client secret through onchange")

    def test_finding_2_settings_say_a_secret_is_set_and_a_system_admin_replaces_it(self):
        admin = self.env.ref("base.user_admin")
        params = self.env["ir.config_parameter"].sudo()
        settings = self.env["res.config.settings"].with_user(admin).create({})
        self.assertTrue(settings.loket_client_secret_set)
        self.assertFalse(settings.loket_client_secret)
        settings.execute()  # saving the settings without typing a secret keeps it
        self.assertEqual(params.get_param("loket_integration.client_secret"), self.fake.client_secret)
        self.env["res.config.settings"].with_user(admin).create({"loket_client_secret": "nieuw-geheim"}).execute()
        self.assertEqual(params.get_param("loket_integration.client_secret"), "nieuw-geheim")

    # -- finding 3 --------------------------------------------------------------------------

    def test_finding_3_custom_urls_cannot_be_set_by_a_loket_administrator(self):
        Integration = self.env["loket.integration"].with_user(self.users["loket_admin"])
        evil = {"default_api_url": "https://evil.example/v2", "default_oauth_url": "https://evil.example/oauth"}
        attempts = {
            "create with context defaults": lambda: Integration.with_context(**evil).create(
                {"name": "x", "environment": "custom"}
            ),
            "web_save with context defaults": lambda: Integration.with_context(**evil).web_save(
                {"name": "x", "environment": "custom"}, {}
            ),
            "create with values": lambda: Integration.create(
                {"name": "x", "environment": "custom", "api_url": "https://evil.example/v2"}
            ),
            "copy with values": lambda: self.integration.with_user(self.users["loket_admin"]).copy(
                {"name": "x", "oauth_url": "https://evil.example/oauth"}
            ),
        }
        for name, attempt in attempts.items():
            with self.subTest(path=name):
                with self.assertRaises(AccessError):
                    attempt()
        self.assertFalse(self.env["loket.integration"].sudo().search([("api_url", "like", "evil")]))
        self.assertFalse(self.env["loket.integration"].sudo().search([("oauth_url", "like", "evil")]))

    # -- finding 4 --------------------------------------------------------------------------

    def test_finding_4_no_user_points_an_export_at_another_attachment(self):
        private = self.env["ir.attachment"].create(
            {"name": "medisch.pdf", "datas": base64.b64encode(b"prive"), "res_model": "hr.employee", "res_id": 1}
        )
        export = self.env["loket.export"].sudo().create({"name": "Export", "integration_id": self.integration.id})
        for role in ("loket_user", "loket_admin"):
            with self.subTest(role=role):
                user = self.users[role]
                with self.assertRaises(AccessError):
                    export.with_user(user).write({"attachment_id": private.id})
                with self.assertRaises(AccessError):
                    self.env["loket.export"].with_user(user).create(
                        {"name": "x", "integration_id": self.integration.id, "attachment_id": private.id}
                    )
                self.assertFalse(export.attachment_id)

    # -- finding 5 (the rights part; companies: test_company_isolation) -----------------------

    def test_finding_5_lokets_side_of_a_mapping_row_is_the_addons(self):
        self.integration.action_fetch_employees()
        row = self.env["loket.employee"].search([("integration_id", "=", self.integration.id)], limit=1)
        Rows = self.env["loket.employee"].with_user(self.users["loket_admin"])
        for values in ({"pending_sync": True}, {"loket_id": "iemand-anders"}, {"data": {}}, {"sync_error": False}):
            with self.subTest(values=values):
                with self.assertRaises(AccessError):
                    row.with_user(self.users["loket_admin"]).write(values)
        with self.assertRaises(AccessError):
            Rows.with_context(default_loket_id="x", default_pending_sync=True).create(
                {"integration_id": self.integration.id, "name": "Nieuw"}
            )
        row.with_user(self.users["loket_admin"]).write({"decision": "skip"})  # the administrator decides
        self.assertEqual(row.decision, "skip")
        self.assertFalse(row.pending_sync)

    # -- finding 9 --------------------------------------------------------------------------

    def test_finding_9_a_loket_user_makes_no_loket_request(self):
        integration = self.integration.with_user(self.users["loket_user"])
        actions = (
            "action_test_connection",
            "action_fetch_employees",
            "action_sync_employees",
            "action_refresh_administrations",
            "action_refresh_distribution_units",
            "action_refresh_payroll_components",
            "action_connect",
        )
        for name in actions:
            with self.subTest(action=name):
                self.fake.reset_logs()
                self.assertRaisesKeepingCommits(AccessError, getattr(integration, name))
                self.assertEqual(self.fake.requests, [], f"{name} asked Loket before refusing")
                self.assertEqual(self.fake.token_requests, [], f"{name} refreshed a token before refusing")

    def test_finding_9_sent_rows_cannot_be_rewritten_by_a_loket_user(self):
        export = self.env["loket.export"].sudo().create({"name": "Export", "integration_id": self.integration.id})
        row = (
            self.env["loket.export.row"]
            .sudo()
            .create(
                {
                    "export_id": export.id,
                    "integration_id": self.integration.id,
                    "company_id": self.integration.company_id.id,
                    "year": 2026,
                    "period_number": 3,
                    "employment_id": "emp-1",
                    "values": {"1": 8.0},
                    "state": "sent",
                }
            )
        )
        for values in ({"values": {"1": 0.0}}, {"employment_id": "emp-2"}, {"state": "pending"}):
            with self.subTest(values=values):
                with self.assertRaises(AccessError):
                    row.with_user(self.users["loket_user"]).write(values)
        self.assertEqual((row.values, row.employment_id, row.state), ({"1": 8.0}, "emp-1", "sent"))

    # -- finding 10 -------------------------------------------------------------------------

    def test_finding_10_oauth_code_and_state_are_kept_out_of_the_access_log(self):
        # The request line as werkzeug's request handler logs it (format and arguments).
        message = '127.0.0.1 - - [02/Dec/2026 07:00:00] "%s" %s %s'
        request_line = "GET /loket/oauth/callback?code=SECRET-CODE&state=ab.STATE-VALUE HTTP/1.1"
        with self.assertLogs("werkzeug", logging.INFO) as logs:  # a number: Odoo renames level 25 "INFO"
            logging.getLogger("werkzeug").info(message, request_line, "303", "-")
        (text,) = logs.output
        self.assertNotIn("SECRET-CODE", text)
        self.assertNotIn("STATE-VALUE", text)
        self.assertIn("/loket/oauth/callback?code=[hidden]&state=[hidden]", text)
