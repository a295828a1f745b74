"""Loket's and the transport's failures reach a Dutch reader in Dutch: the client (loket/)
speaks English and knows no Odoo, the models say each kind of failure in the reader's
language (activities per administrator, a background run's error in the asker's)."""

from unittest.mock import patch

import polib
import requests

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from ..loket.transport import Transport
from .common import LoketCase
from .test_export import ExportCase
from .test_send import SendMixin

UNREACHABLE = "Loket could not be reached. Check the internet connection or try again later."
REFRESH_REJECTED = "Loket rejected the refresh token; the integration must be connected again."


class DutchAdministratorMixin:
    """Dutch loaded, and a Loket administrator who reads Dutch (``beheerder``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_NL")
        cls.env["ir.module.module"]._load_module_terms(["loket_integration"], ["nl_NL"], overwrite=True)
        cls.dutch = {e.msgid: e.msgstr for e in polib.pofile(file_path("loket_integration/i18n/nl.po")) if e.msgstr}
        cls.beheerder = new_test_user(
            cls.env, "loket_nl_beheerder", groups="loket_integration.group_loket_manager,base.group_user", lang="nl_NL"
        )


@tagged("post_install", "-at_install")
class TestLoketMessagesInDutch(DutchAdministratorMixin, LoketCase):
    n_employees = 3

    def _in_dutch(self, msgid):
        self.assertTrue(msgid in self.dutch, f"nl.po translates {msgid!r}")
        return self.dutch[msgid]

    def test_a_rejected_login_is_said_in_the_dutch_administrators_activity(self):
        self._connect()
        self.fake.revoke_refresh_tokens()
        self.fake.expire_access_tokens()
        self.assertRaisesKeepingCommits(UserError, self.integration.action_test_connection)  # asked in English
        self.integration.invalidate_recordset()
        activity = self.integration.activity_ids.filtered(lambda a: a.user_id == self.beheerder)
        self.assertEqual(len(activity), 1)
        note = str(activity.note)
        self.assertIn(self._in_dutch(REFRESH_REJECTED), note)
        self.assertNotIn("Loket rejected", note, "no English inside the Dutch activity")

    def test_a_background_run_that_cannot_reach_loket_fails_in_the_askers_language(self):
        """The run is asked by a Dutch administrator and run by the cron: its error and its
        chatter line are Dutch ("…Loket could not be reached (ConnectionError) after 5 attempt(s)" before)."""
        self._connect()
        self.fake.fail(
            "/providers/employers/{employerId}/employees",
            exception=requests.ConnectionError("Connection refused"),
            times=Transport().max_retries + 1,
        )
        integration = self.integration.with_user(self.beheerder).with_context(lang="nl_NL")
        job = integration._loket_start_job("fetch_employees", inline=False)
        with (
            patch.object(Transport, "_backoff", return_value=0),
            self.assertLogs("odoo.addons.loket_integration.loket.transport", "WARNING"),
        ):
            self._run_loket_jobs()
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.error, self._in_dutch(UNREACHABLE))
        line = self.integration.message_ids.filtered(lambda m: job.error in (m.body or ""))
        self.assertTrue(line, "the run's chatter line carries the Dutch error")
        self.assertNotIn("could not be reached", str(line[:1].body))


@tagged("post_install", "-at_install")
class TestSendRefusedLoginInDutch(DutchAdministratorMixin, SendMixin, ExportCase):
    """Loket refuses the login in the middle of a send: the Dutch administrator's "Connect
    Loket again" activity is Dutch (the send passed the client's English text on)."""

    def test_a_login_refused_during_a_send_is_said_in_dutch(self):
        export = self._export()
        self.fake.revoke_refresh_tokens()
        self.fake.expire_access_tokens()
        self.assertRaisesKeepingCommits(UserError, export._loket_send)
        self.assertEqual(self.integration.state, "disconnected")
        activity = self.integration.activity_ids.filtered(lambda a: a.user_id == self.beheerder)
        self.assertEqual(len(activity), 1)
        note = str(activity.note)
        self.assertIn(self.dutch[REFRESH_REJECTED], note)
        self.assertNotIn("Loket rejected", note, "no English inside the Dutch activity")
