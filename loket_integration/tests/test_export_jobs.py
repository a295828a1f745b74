"""Generating a large export and sending to Loket as background runs (loket.job kinds
``export`` and ``send``); small ones stay in the request."""

from collections import Counter
from unittest.mock import patch

from odoo.tests import tagged

from .test_send import TestSendToLoket

EXPORT_JOBS = "odoo.addons.loket_integration.models.loket_export_jobs"
EXPORT_SEND = "odoo.addons.loket_integration.models.loket_export_send"


@tagged("post_install", "-at_install")
class TestExportJobs(TestSendToLoket):
    def _small_limits(self, inline_limit=2, batch_size=1):
        """More than ``inline_limit`` rows or employees go to the background; PATCHes of ``batch_size`` rows."""
        for target in (
            patch(f"{EXPORT_JOBS}.INLINE_LIMIT", inline_limit),
            patch(f"{EXPORT_SEND}.INLINE_LIMIT", inline_limit),
            patch.object(type(self.env["loket.export"]), "_loket_batch_size", lambda self: batch_size),
        ):
            target.start()
            self.addCleanup(target.stop)

    def _jobs(self, kind):
        return self.env["loket.job"].search([("integration_id", "=", self.integration.id), ("kind", "=", kind)])

    def _wizard(self):
        return self.env["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
        )

    def _exports(self):
        return self.env["loket.export"].search([("integration_id", "=", self.integration.id)])

    # -- send -----------------------------------------------------------------------------

    def test_a_small_send_stays_in_the_request(self):
        export = self._export()
        action = export.action_send_to_loket()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(export.rows_sent, 4)
        self.assertFalse(self._jobs("send"))

    def test_a_large_send_runs_in_the_background_batch_by_batch(self):
        self._small_limits()
        export = self._export()
        action = export.action_send_to_loket()
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("Sending to Loket: 0 / 4. This runs in the background", action["params"]["message"])
        self.assertFalse(self._patches())  # the request sent nothing
        self.assertEqual(set(export.row_ids.mapped("state")), {"pending"})
        job = self._jobs("send")
        self.assertEqual((job.state, job.background, job.res_id, job.total_count), ("queued", True, export.id, 4))
        export.invalidate_recordset()
        self.assertEqual(export.loket_send_progress, "Sending to Loket: 0 / 4")

        self._cron_process_jobs_once()
        self.assertEqual(len(self._patches()), 1)
        self.assertEqual(export.rows_sent, 1)
        export.invalidate_recordset()
        self.assertEqual(export.loket_send_progress, "Sending to Loket: 1 / 4")

        self.assertEqual(self._run_loket_jobs(), 3)
        self.assertEqual(len(self._patches()), 4)
        self.assertEqual(export.rows_sent, 4)
        self.assertEqual((job.state, job.done_count, job.updated_count, job.request_count), ("done", 4, 4, 4))
        self.assertFalse(export.loket_send_progress)
        self.assertIn("4 row(s) sent, 0 refused", export.message_ids[0].body)
        for number in self.numbers:
            self.assertTrue(self._held(number))

    def test_a_refused_row_is_counted_and_reported_by_the_background_send(self):
        self._small_limits()
        refused = self._employment(self.numbers[1])
        self.fake.refused_employments[refused] = "Looncomponent 1 niet toegestaan"
        export = self._export()
        export.action_send_to_loket()
        self._run_loket_jobs()
        job = self._jobs("send")
        self.assertEqual((job.updated_count, job.failed_count), (3, 1))
        self.assertEqual(export.rows_failed, 1)
        self.assertIn("Looncomponent 1 niet toegestaan", export.message_ids[0].body)

    def test_a_second_send_joins_the_running_one(self):
        self._small_limits()
        export = self._export()
        export.action_send_to_loket()
        self._cron_process_jobs_once()
        rows = export.row_ids
        action = export.action_send_to_loket()
        self.assertIn("Sending to Loket: 1 / 4", action["params"]["message"])
        self.assertEqual(len(self._jobs("send")), 1)
        self.assertEqual(export.row_ids, rows)
        self.assertEqual(Counter(rows.mapped("state")), Counter({"pending": 3, "sent": 1}))
        self._run_loket_jobs()
        self.assertEqual(export.rows_sent, 4)
        self.assertEqual(len(self._patches()), 4)

    def test_an_interrupted_background_send_resumes_without_gaps_or_doubles(self):
        self._small_limits()
        export = self._export()
        export.action_send_to_loket()
        job = self._jobs("send")
        self._cron_process_jobs_once()
        first = export.row_ids.filtered(lambda r: r.state == "sent")
        Export = type(export)
        original = Export._loket_send_batch

        def killed_after_sending(export, client, batch, records):
            original(export, client, batch, records)  # Loket has the batch, then the worker dies
            raise MemoryError("worker killed")

        with patch.object(Export, "_loket_send_batch", killed_after_sending), self.assertRaises(MemoryError):
            self._cron_process_jobs_once()
        self.assertEqual(export.row_ids.filtered(lambda r: r.state == "sent"), first)  # the batch went whole
        self.assertEqual((job.state, job.done_count, len(job.payload["batches"])), ("running", 1, 3))
        self._run_loket_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(export.rows_sent, 4)
        # The interrupted batch was sent again (Loket's data is overwritten), the others once each.
        sent = Counter(item["employmentId"] for item in self.fake.payroll_period_data)
        self.assertEqual(sorted(sent.values()), [1, 1, 1, 2])
        self.assertEqual(job.updated_count, 4)
        self.assertEqual(set(export.row_ids.mapped("state")), {"sent"})

    # -- export ---------------------------------------------------------------------------

    def test_a_small_export_is_made_in_the_request(self):
        action = self._wizard().action_generate()
        self.assertEqual(action["res_model"], "loket.export")
        self.assertEqual(self._exports().id, action["res_id"])
        self.assertFalse(self._jobs("export"))

    def test_a_large_export_is_made_in_the_background(self):
        self._small_limits()
        recipient = self.env["res.partner"].create({"name": "Loon", "email": "loon@example.nl"})
        wizard = self._wizard()
        wizard.recipient_ids = recipient
        action = wizard.action_generate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Generating an export: 0 / 4", action["params"]["message"])
        self.assertFalse(self._exports())
        job = self._jobs("export")
        self.assertEqual((job.state, job.background, job.res_id, job.total_count), ("queued", True, self.period.id, 4))
        self.assertIn("export", self.integration.loket_running_job_kinds)
        self.assertEqual(self._wizard().action_generate()["tag"], "display_notification")
        self.assertEqual(len(self._jobs("export")), 1)  # the second request joined the first
        self._run_loket_jobs()
        export = self._exports()
        self.assertEqual((job.state, job.done_count), ("done", 4))
        self.assertEqual((export.row_count, export.employee_scope, export.mailed), (4, "all", True))
        self.assertFalse(export.is_outdated)
        self.assertEqual(export.attachment_id.raw, self._export().attachment_id.raw)  # the same file as inline
        self.assertIn(export.name, self.integration.message_ids[0].body)

    def test_a_large_generate_and_send_makes_the_file_then_sends_it(self):
        self._small_limits()
        self._wizard().action_generate_and_send()
        self.assertFalse(self._exports())
        self._run_loket_jobs()
        export = self._exports()
        self.assertEqual(self._jobs("send").res_id, export.id)
        self.assertEqual(export.rows_sent, 4)
        self.assertEqual(len(self._patches()), 4)
        self.assertFalse(export.mailed)  # "Straight to Loket": no file mailed

    def test_an_export_with_nothing_in_it_fails_its_run_with_the_reason(self):
        self._small_limits()
        self.env["account.analytic.line"].search([("project_id", "=", self.project.id)]).unlink()
        self._wizard().action_generate()
        self._run_loket_jobs()
        job = self._jobs("export")
        self.assertEqual(job.state, "failed")
        self.assertIn("Nothing to export", job.error)
        self.assertFalse(self._exports())
