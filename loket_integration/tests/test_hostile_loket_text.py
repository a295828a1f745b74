"""Loket's text as Loket sends it, hostile: shown as text wherever it becomes HTML (activity
notes, chatter, the mails Odoo sends of them). Odoo's sanitizer strips scripts, but a link
"log in again" or an image of Loket's would render."""

import lxml.html

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..loket import resources as R
from .common import LoketCase
from .test_export import ExportCase

HOSTILE = '<a href="https://evil.example/login">log in again</a><img src=x>'


class HtmlChecks:
    def assertShownAsText(self, html, text):
        """``html`` (an Html field's value) holds ``text`` as text: no link, no image of Loket's."""
        tree = lxml.html.fragment_fromstring(str(html), create_parent="div")
        self.assertFalse(tree.xpath("//a | //img"), f"Loket's markup became HTML: {html}")
        self.assertIn(text, tree.text_content())


@tagged("post_install", "-at_install")
class TestLoketTextInHtml(HtmlChecks, LoketCase):
    n_employees = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "loket_html_manager", groups="loket_integration.group_loket_manager,base.group_user"
        )

    def setUp(self):
        super().setUp()
        self._connect()

    def _activities(self, record, summary):
        return self.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("summary", "=", summary)]
        )

    def test_a_new_employees_name_is_text_in_the_activity(self):
        self.fake.employee(1)["personalDetails"]["firstName"] = HOSTILE
        self.integration._loket_sync_employees()  # every Loket employee is new: the administrators are asked
        activities = self._activities(self.integration, "New Loket employees to decide")
        self.assertIn(self.manager, activities.user_id)
        for activity in activities:
            self.assertShownAsText(activity.note, HOSTILE)
        for message in self.integration.message_ids:
            self.assertShownAsText(message.body, "")

    def test_lokets_refusal_of_the_login_is_text_in_the_activity(self):
        self.fake.expire_access_tokens()
        self.fake.fail("token", status=400, body={"error": "invalid_grant", "error_description": HOSTILE})
        self.assertRaisesKeepingCommits(UserError, self.integration.action_test_connection)
        activities = self._activities(self.integration, "Connect Loket again")
        self.assertIn(self.manager, activities.user_id)
        for activity in activities:
            self.assertShownAsText(activity.note, HOSTILE)


@tagged("post_install", "-at_install")
class TestLoketTextInSendActivity(HtmlChecks, ExportCase):
    def test_lokets_answer_to_a_scheduled_send_is_text_in_the_activity_and_the_chatter(self):
        self.integration.delivery = "api"
        self._log(self.employees[1], 8)
        self.period.from_loket = False  # the send asks Loket whether it knows the period
        self.fake.fail(R.PAYROLL_PERIODS.path, status=403, body={"message": HOSTILE})
        export = self._export()
        recipient = self.env["res.partner"].create({"name": "Salarisadministratie", "email": "loon@example.nl"})
        export._loket_send_scheduled(recipient)
        activities = self._activities(export)
        self.assertTrue(activities)
        for activity in activities:
            self.assertShownAsText(activity.note, HOSTILE)
        posted = export.message_ids.filtered(lambda m: recipient in m.partner_ids)
        self.assertTrue(posted)
        for message in posted:
            self.assertShownAsText(message.body, HOSTILE)

    def _activities(self, export):
        return export.activity_ids.filtered(lambda a: a.summary == "Loket send needs attention")
