"""Straight to Loket through the export wizard, over HTTP as the web client calls it:
a Loket user (no administrator) saves the wizard and clicks "Generate and send to
Loket" (``/web/dataset/call_button``); the fake Loket behind ``responses`` answers."""

from odoo.tests import new_test_user, tagged

from .common import LoketHttpCase
from .test_export import ExportMixin
from .test_send import SendMixin


@tagged("post_install", "-at_install")
class TestSendThroughTheWizard(SendMixin, ExportMixin, LoketHttpCase):
    def setUp(self):
        super().setUp()
        self.clerk = new_test_user(
            self.env, login="loket_clerk", groups="base.group_user,loket_integration.group_loket_user"
        )
        self.authenticate(self.clerk.login, self.clerk.login)

    def _generate_and_send(self):
        """The wizard saved and its button clicked, as the browser does; the export it opens."""
        model = "loket.export.wizard"
        [wizard] = self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/web_save",
            {
                "model": model,
                "method": "web_save",
                "args": [[], {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}],
                "kwargs": {"specification": {}},
            },
        )
        action = self.make_jsonrpc_request(
            f"/web/dataset/call_button/{model}/action_generate_and_send",
            {"model": model, "method": "action_generate_and_send", "args": [[wizard["id"]]], "kwargs": {}},
        )
        self.assertEqual(action["tag"], "display_notification")  # what the send did, then the export
        opened = action["params"]["next"]
        self.assertEqual(opened["res_model"], "loket.export")
        # The web client opens ``next`` as it is (the server completes only the returned
        # action): without its views it fails on ``action.views.map`` ("Oops!", browser walk).
        self.assertEqual(opened.get("views"), [[False, "form"]])
        # In the exports' own action (its URL and breadcrumb), not in the timesheets' action the
        # wizard was opened from, whose URL took the export's id for a timesheet's (point 9).
        self.assertEqual(opened.get("xml_id"), "loket_integration.action_loket_export")
        self.assertEqual(opened.get("target"), "main")
        return self.env["loket.export"].browse(opened["res_id"])

    def test_deleted_lines_reach_loket_as_zero(self):
        first = self._generate_and_send()
        self.assertEqual(first.rows_sent, 4)
        # A correction: the first employee's lines of the period are deleted.
        gone = self.employees[self.numbers[0]]
        self.env["account.analytic.line"].search([("employee_id", "=", gone.id)]).unlink()
        self.fake.reset_logs()
        second = self._generate_and_send()
        self.assertEqual(second.rows_sent, 1)
        self.assertEqual(self._only_item_sent(self.numbers[0]), [(1, 0.0), (28, 0.0)])
        self.assertEqual(self._held(self.numbers[0]), {1: 0.0, 28: 0.0})
