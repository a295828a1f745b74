import requests

from odoo.tests import common, tagged

from .common import LoketCase


@tagged("post_install", "-at_install")
class TestInstall(LoketCase):
    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "loket_integration")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(self.env.ref("loket_integration.group_loket_manager"))

    def test_fake_loket_answers_and_real_hosts_stay_blocked(self):
        # Through the fake: a token grant works.
        response = requests.post(
            self.fake.environment.token_url,
            data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
            timeout=5,
        )
        self.assertEqual(response.status_code, 401)
        # Anything else is refused by responses (no real network).
        with self.assertRaises(requests.ConnectionError):
            requests.get("https://api.loket.nl/v2/providers/employers", timeout=5)
        self.assertTrue(issubclass(common.BlockedRequest, requests.ConnectionError))


@tagged("post_install", "-at_install")
class TestViewsLoadPerRole(LoketCase):
    """Every screen opens for the role that uses it (fields with groups, access rights)."""

    def test_views_per_role(self):
        from odoo.tests import new_test_user

        manager = new_test_user(self.env, "loket_v_mgr", groups="loket_integration.group_loket_manager,base.group_user")
        user = new_test_user(self.env, "loket_v_user", groups="loket_integration.group_loket_user,base.group_user")
        for who, model in (
            (manager, "loket.integration"),
            (manager, "loket.employee"),
            (user, "loket.export"),
            (user, "loket.export.wizard"),
            (user, "account.analytic.line"),
        ):
            views = self.env[model].with_user(who).get_views([(False, "form"), (False, "list")])
            self.assertTrue(views["views"], model)
        form = self.env["loket.integration"].with_user(manager).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="api_url"', form)  # custom URLs: system admins only
        form = self.env["loket.integration"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="api_url"', form)
        self.assertTrue(self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"])


@tagged("post_install", "-at_install")
class TestSettings(LoketCase):
    def test_settings_form_counts_integrations_and_shows_redirect_uri(self):
        spec = {"company_id": {}, "loket_integration_count": {}, "loket_redirect_uri": {}}  # as the form has them
        values = self.env["res.config.settings"].onchange({}, [], spec)["value"]
        self.assertEqual(values["loket_integration_count"], self.env["loket.integration"].search_count([]))
        self.assertTrue(values["loket_redirect_uri"].endswith("/loket/oauth/callback"))
