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
