"""Straight to Loket: an export's hours sent as payroll period data, every row accounted for."""

import datetime
import json
from unittest.mock import patch

import requests

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..loket import LoketServerError
from ..loket.transport import Transport
from .test_export import ExportCase

SEND_LOGGER = "odoo.addons.loket_integration.models.loket_export_send"


class WorkerKilled(BaseException):
    """The worker dies between two batches (not an error the send could handle)."""


class SendMixin:
    """Of an ExportMixin case: delivery straight to Loket, hours of the four employees logged."""

    def setUp(self):
        super().setUp()
        self.integration.delivery = "api"
        self.numbers = sorted(self.employees)
        for hours, number in zip((8, 7.5, 6, 4), self.numbers, strict=True):
            self._log(self.employees[number], hours)
        self._log(self.employees[self.numbers[0]], 2, code=self.overtime)

    def _employment(self, number):
        return self._current_employment(self.employees[number]).loket_id

    def _patches(self):
        return [r for r in self.fake.requests if r[0] == "PATCH"]

    def _held(self, number):
        """What the fake Loket holds for this employee's employment in the period (unit 10)."""
        unit = self.units["10"].loket_id
        return self.fake.period_data_held.get((self._employment(number), unit, self.year, 3), {})

    def _only_item_sent(self, number):
        """``[(component, value)]`` of the one PATCH item sent, which must be this employee's."""
        [item] = self.fake.payroll_period_data
        self.assertEqual(item["employmentId"], self._employment(number))
        return [(c["payrollComponent"]["key"], c["value"]) for c in item["payrollComponents"]]


@tagged("post_install", "-at_install")
class TestSendToLoket(SendMixin, ExportCase):
    # -- helpers ------------------------------------------------------------------------

    def _send(self, export):
        return export._loket_send()

    # -- tests --------------------------------------------------------------------------

    def test_send_delivers_every_row_as_the_document_describes(self):
        export = self._export()
        outcome = self._send(export)
        self.assertEqual(outcome, {"sent": 4})
        self.assertEqual(len(self._patches()), 1)
        self.assertEqual(export.rows_sent, 4)
        item = next(i for i in self.fake.payroll_period_data if i["employmentId"] == self._employment(self.numbers[0]))
        self.assertEqual(item["payrollPeriod"], {"year": self.year, "periodNumber": 3})
        self.assertEqual(item["distributionUnit"], {"key": self.units["10"].loket_id})
        self.assertEqual(
            item["payrollComponents"],
            [
                {"payrollComponent": {"key": 1}, "value": 8.0, "isSupplement": False},
                {"payrollComponent": {"key": 28}, "value": 2.0, "isSupplement": False},
            ],
        )
        # Loket holds what the file says.
        self.assertEqual(self._held(self.numbers[1]), {1: 7.5})
        self.assertIn("4 row(s) sent, 0 refused, 0 not sent", export.message_ids[0].body)

    def test_file_and_api_never_disagree(self):
        export = self._export()
        self._send(export)
        api_totals = {}
        for item in self.fake.payroll_period_data:
            for component in item["payrollComponents"]:
                key = str(component["payrollComponent"]["key"])
                api_totals[key] = api_totals.get(key, 0) + component["value"]
        self.assertEqual({k: float(v) for k, v in export.totals.items()}, api_totals)

    def test_partial_refusal_keeps_what_loket_accepted_and_resends_only_the_rest(self):
        refused = self._employment(self.numbers[2])
        self.fake.refused_employments[refused] = "Dienstverband is uit dienst in deze periode"
        export = self._export()
        outcome = self._send(export)
        self.assertEqual(outcome, {"sent": 3, "refused": 1})
        row = export.row_ids.filtered(lambda r: r.state == "refused")
        self.assertEqual(row.employment_id, refused)
        self.assertEqual(row.message, "Dienstverband is uit dienst in deze periode")
        self.assertEqual(export.rows_failed, 1)
        self.assertIn("Dienstverband is uit dienst", export.message_ids[0].body)
        # Loket fixed it: "Send failed rows again" sends that one row only.
        del self.fake.refused_employments[refused]
        self.fake.reset_logs()
        self.assertEqual(self._send(export), {"sent": 1})
        self.assertEqual([i["employmentId"] for i in self.fake.payroll_period_data], [refused])
        self.assertEqual(export.rows_failed, 0)
        self.assertEqual(export.rows_sent, 4)

    def test_a_component_gone_since_the_last_send_is_corrected_to_zero(self):
        first = self._export()
        self._send(first)
        overtime = self.env["account.analytic.line"].search([("loket_hour_code_id", "=", self.overtime.id)])
        overtime.unlink()
        second = self._export()
        self.fake.reset_logs()
        self.assertEqual(self._send(second), {"sent": 1})
        self.assertEqual(self._only_item_sent(self.numbers[0]), [(1, 8.0), (28, 0.0)])

    def test_an_employee_whose_lines_were_deleted_is_corrected_to_zero(self):
        """A correction that deletes all of an employee's lines of a sent period reaches
        Loket as 0 for every component it had, like the file's Overwrite."""
        self._send(self._export())
        gone = self.employees[self.numbers[0]]
        payroll_number = self._current_employment(gone).payroll_number
        self.env["account.analytic.line"].search([("employee_id", "=", gone.id)]).unlink()
        second = self._export()
        self.fake.reset_logs()
        self.assertEqual(self._send(second), {"sent": 1})
        self.assertEqual(self._only_item_sent(self.numbers[0]), [(1, 0.0), (28, 0.0)])
        self.assertEqual(self._held(self.numbers[0]), {1: 0.0, 28: 0.0})
        [row] = second.row_ids
        self.assertEqual(
            (row.employee_id, row.payroll_number, row.distribution_unit_code), (gone, payroll_number, "10")
        )
        # Loket holds the correction: the same export sent again sends nothing.
        self.fake.reset_logs()
        self.assertEqual(self._send(self._export()), {})
        self.assertEqual(self._patches(), [])

    def test_a_period_whose_lines_were_all_deleted_is_corrected_to_zero(self):
        """Nothing left to export, but Loket holds the hours an earlier send delivered: the
        wizard says so and offers the send, which sets every one of them to 0."""
        self._send(self._export())
        self.env["account.analytic.line"].search(
            [("employee_id", "in", [e.id for e in self.employees.values()])]
        ).unlink()
        wizard = self.env["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
        )
        self.assertFalse(wizard.has_entries)
        self.assertIn("Loket holds values of this period from an earlier send", wizard.preview_html)
        self.assertEqual(
            self._visible_footer_buttons(wizard), [("action_generate_and_send", "Generate and send to Loket")]
        )
        self.fake.reset_logs()
        export = self.env["loket.export"].browse(wizard.action_generate_and_send()["params"]["next"]["res_id"])
        self.assertEqual((export.row_count, export.rows_sent), (0, 4))
        self.assertEqual(
            {self._employment(n) for n in self.numbers}, {i["employmentId"] for i in self.fake.payroll_period_data}
        )
        self.assertEqual({v for n in self.numbers for v in self._held(n).values()}, {0.0})
        # Loket holds nothing any more: the next wizard has nothing to offer.
        wizard.invalidate_recordset()
        self.assertEqual(self._visible_footer_buttons(wizard), [])
        self.assertNotIn("earlier send", wizard.preview_html)

    def test_an_export_of_selected_employees_leaves_the_others_in_loket_alone(self):
        self._send(self._export())
        chosen = self.employees[self.numbers[1]]
        self._log(chosen, 1, day=11)
        selected = self._export(employees=chosen)
        self.fake.reset_logs()
        self.assertEqual(self._send(selected), {"sent": 1})
        self.assertEqual(
            [i["employmentId"] for i in self.fake.payroll_period_data], [self._employment(self.numbers[1])]
        )
        self.assertEqual(self._held(self.numbers[1]), {1: 8.5})  # the others: nothing sent, Loket keeps theirs

    def test_each_version_says_what_it_sent_and_what_loket_holds_for_the_period(self):
        first = self._export()
        self._send(first)
        self._log(self.employees[self.numbers[1]], 1, day=11)
        second = self._export()
        self._send(second)
        self.assertEqual((first.rows_sent, second.rows_sent), (4, 1))  # what each version changed
        for export in (first, second):  # what Loket holds for the period, whichever version is read
            export.invalidate_recordset()
            self.assertEqual(export.loket_held_rows, 4)
            self.assertEqual(
                export.loket_held_totals_text,
                f"1 {self._component_name(1)}: 26.50\n28 {self._component_name(28)}: 2.00",
            )
        # "Sent" was about the mailed file: it says so.
        self.assertEqual(dict(self.env["loket.export"]._fields["state"].selection)["sent"], "Mailed")

    def test_sending_an_unchanged_export_again_sends_nothing_and_says_so(self):
        export = self._export()
        self._send(export)
        self.fake.reset_logs()
        action = export.action_send_to_loket()
        self.assertEqual(self._patches(), [])
        self.assertIn("nothing sent", action["params"]["message"])
        self.assertIn("nothing sent", export.message_ids[0].body)

    def test_a_500_on_the_middle_batch_is_recorded_and_completed_by_the_next_send(self):
        export = self._export()
        middle = sorted(self._employment(n) for n in self.numbers)[1]
        failing = {middle}
        original = self.fake._providers_employers_employerId_payrollperioddata

        def middle_batch_fails(request, employerId):
            if {item["employmentId"] for item in json.loads(request.body)} & failing:
                return 500, {"Content-Type": "application/json"}, '{"messages": []}'  # every retry too
            return original(request, employerId)

        with (
            patch.object(type(export), "_loket_batch_size", lambda self: 1),
            patch.object(self.fake, "_providers_employers_employerId_payrollperioddata", middle_batch_fails),
            patch("odoo.addons.loket_integration.loket.transport.time.sleep"),  # the retries' back-off
        ):
            with self.assertLogs(SEND_LOGGER, "WARNING"):
                self.assertEqual(self._send(export), {"sent": 3, "not_sent": 1})
            failed = export.row_ids.filtered(lambda r: r.state == "not_sent")
            self.assertEqual(failed.employment_id, middle)
            self.assertIn("Loket request failed", failed.message)
            # 4 batches; the middle one tried again by the client, as often as it retries
            self.assertEqual(len(self._patches()), 4 + Transport().max_retries)
            failing.clear()
            self.fake.reset_logs()
            self.assertEqual(self._send(export), {"sent": 1})
        self.assertEqual([i["employmentId"] for i in self.fake.payroll_period_data], [middle])

    def test_an_interrupted_send_is_completed_without_sending_a_row_twice(self):
        export = self._export()
        sent_batches = []
        original = type(export)._loket_send_batch

        def die_after_first_batch(self, client, batch, records):
            if sent_batches:
                raise WorkerKilled()
            sent_batches.append(batch)
            return original(self, client, batch, records)

        with (
            patch.object(type(export), "_loket_batch_size", lambda self: 2),
            patch.object(type(export), "_loket_send_batch", die_after_first_batch),
        ):
            self.assertRaisesKeepingCommits(WorkerKilled, lambda: self._send(export))
        self.assertEqual(sorted(export.row_ids.mapped("state")), ["pending", "pending", "sent", "sent"])
        first = {i["employmentId"] for i in self.fake.payroll_period_data}
        self.fake.reset_logs()
        self.assertEqual(self._send(export), {"sent": 2})
        second = {i["employmentId"] for i in self.fake.payroll_period_data}
        self.assertFalse(first & second, "a row confirmed before the interruption was sent again")
        self.assertEqual(len(first | second), 4)
        self.assertEqual(export.rows_sent, 4)

    def test_an_expired_access_token_is_refreshed_during_the_send(self):
        export = self._export()
        self.fake.expire_access_tokens()
        self.fake.reset_logs()
        self.assertEqual(self._send(export), {"sent": 4})
        self.assertEqual(self.fake.token_requests, ["refresh_token"])

    def test_checks_run_before_anything_is_sent(self):
        export = self._export()
        component = self.integration.payroll_component_ids.filtered(lambda c: c.number == 28 and c.year == self.year)
        component.collective_mutation_possible = False
        employment = self._current_employment(self.employees[self.numbers[1]])
        payroll_number = employment.payroll_number
        self._write_employment(employment, loket_id=False)
        message = str(self.assertRaisesKeepingCommits(UserError, lambda: self._send(export)))
        self.assertIn("Nothing was sent to Loket", message)
        self.assertIn(str(payroll_number), message)
        self.assertIn("28 ", message)
        self.assertIn("collective mutation", message)
        self.assertEqual(self._patches(), [])
        self.assertFalse(export.row_ids)

    def test_a_period_loket_does_not_know_is_refused(self):
        period = self.period
        period.from_loket = False
        self.fake.data["payroll_periods"] = [p for p in self.fake.data["payroll_periods"] if p["periodNumber"] != 3]
        export = self._export()
        message = str(self.assertRaisesKeepingCommits(UserError, lambda: self._send(export)))
        self.assertIn("does not know payroll period 3", message)
        self.assertEqual(self._patches(), [])

    def test_a_disconnected_integration_sends_nothing(self):
        export = self._export()
        self.integration.action_disconnect()
        message = str(self.assertRaisesKeepingCommits(UserError, lambda: self._send(export)))
        self.assertIn("not connected", message)
        self.assertEqual(self._patches(), [])

    def test_an_outdated_export_is_not_sent(self):
        export = self._export()
        self._log(self.employees[self.numbers[3]], 1, day=11)
        message = str(self.assertRaisesKeepingCommits(UserError, lambda: self._send(export)))
        self.assertIn("generate it again", message)

    def test_the_wizard_generates_and_sends(self):
        wizard = self.env["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
        )
        action = wizard.action_generate_and_send()
        export = self.env["loket.export"].browse(action["params"]["next"]["res_id"])
        self.assertEqual(export.rows_sent, 4)
        self.assertFalse(export.mailed)  # "Straight to Loket": no file mailed

    def test_the_wizard_offers_the_send_only_while_connected(self):
        wizard = self.env["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
        )
        send, file_only = (
            ("action_generate_and_send", "Generate and send to Loket"),
            ("action_generate", "Generate file only"),
        )
        self.assertEqual(self._visible_footer_buttons(wizard), [send, file_only])
        self.integration.action_disconnect()
        wizard.invalidate_recordset()
        self.assertEqual(self._visible_footer_buttons(wizard), [file_only])
        # Called all the same (RPC): refused before an export is made.
        with self.assertRaisesRegex(UserError, "not connected to Loket"):
            wizard.action_generate_and_send()
        self.assertFalse(self.integration.export_ids)
        self.assertEqual(self._patches(), [])

    def test_the_scheduled_export_sends_and_reports_to_the_recipients(self):
        recipient = self.env["res.partner"].create({"name": "Salarisadministratie", "email": "loon@example.nl"})
        refused = self._employment(self.numbers[3])
        self.fake.refused_employments[refused] = "Looncomponent 1 niet toegestaan"
        self.integration.write({"export_schedule": True, "export_recipient_ids": [(6, 0, recipient.ids)]})
        today = datetime.date(self.year, 4, 3)
        self.env["loket.integration"]._cron_generate_exports(today=today)
        export = self.integration.export_ids.filtered(lambda e: e.period_id == self.period)
        self.assertEqual(export.rows_sent, 3)
        self.assertEqual(export.rows_failed, 1)
        self.assertFalse(export.mailed)
        report = export.message_ids.filtered(lambda m: recipient in m.partner_ids)
        self.assertIn("3 row(s) sent, 1 refused", report.body)
        self.assertIn("Looncomponent 1 niet toegestaan", report.body)
        self.assertTrue(export.activity_ids.filtered(lambda a: a.summary == "Loket send needs attention"))
        # The next run completes nothing refused on its own, and exports the period once.
        self.env["loket.integration"]._cron_generate_exports(today=today)
        self.assertEqual(len(self.integration.export_ids.filtered(lambda e: e.period_id == self.period)), 1)

    def test_the_scheduled_run_completes_an_interrupted_send(self):
        self.integration.write({"export_schedule": True})
        today = datetime.date(self.year, 4, 3)
        with patch.object(type(self.env["loket.export"]), "_loket_send_scheduled", lambda self, recipients: None):
            self.env["loket.integration"]._cron_generate_exports(today=today)
        export = self.integration.export_ids.filtered(lambda e: e.period_id == self.period)
        self.assertFalse(export.row_ids)
        # An interruption left every row recorded but unsent.
        with patch.object(type(export), "_loket_send_batch", side_effect=WorkerKilled, autospec=True):
            self.assertRaisesKeepingCommits(WorkerKilled, export._loket_send)
        self.assertEqual(set(export.row_ids.mapped("state")), {"pending"})
        self.env["loket.integration"]._cron_generate_exports(today=today)
        self.assertEqual(export.rows_sent, 4)

    def test_loket_unreachable_stops_the_send_and_says_so_in_plain_words(self):
        """The first batch that cannot reach Loket ends the send (no retrying every other
        batch for nothing); the person reads why, and the rows wait for the next send."""
        wizard = self.env["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
        )
        self.fake.fail(
            "/providers/employers/{employerId}/payrollperioddata",
            exception=requests.ConnectionError("Connection refused"),
            times=Transport().max_retries + 1,
        )
        with (
            patch.object(type(self.env["loket.export"]), "_loket_batch_size", lambda self: 1),
            patch.object(Transport, "_backoff", return_value=0),
            self.assertLogs("odoo.addons.loket_integration.loket.transport", "WARNING"),
            self.assertLogs(SEND_LOGGER, "WARNING"),
        ):
            exc = self.assertRaisesKeepingCommits(UserError, wizard.action_generate_and_send)
        self.assertIn("Loket could not be reached. Check the internet connection or try again later.", str(exc))
        self.assertIn("Send failed rows again", str(exc))
        self.assertNotIn("Loket said", str(exc))
        self.assertEqual(len(self._patches()), Transport().max_retries + 1, "one batch tried, not four")
        export = self.integration.export_ids
        self.assertEqual(export.rows_failed, 4)
        self.assertEqual(
            set(export.row_ids.mapped("message")),
            {"Loket could not be reached. Check the internet connection or try again later."},
        )
        self.assertIn("0 row(s) sent, 0 refused, 4 not sent", export.message_ids[0].body)
        self.fake.reset_logs()
        self.assertEqual(self._send(export), {"sent": 4})

    def test_the_wizard_says_what_the_send_did_then_opens_the_export(self):
        refused = self._employment(self.numbers[2])
        self.fake.refused_employments[refused] = "Dienstverband is uit dienst in deze periode"
        wizard = self.env["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
        )
        action = wizard.action_generate_and_send()
        self.assertEqual((action["tag"], action["params"]["type"]), ("display_notification", "warning"))
        self.assertIn("3 row(s) sent, 1 refused, 0 not sent", action["params"]["message"])
        opened = action["params"]["next"]
        self.assertEqual((opened["res_model"], opened["res_id"]), ("loket.export", self.integration.export_ids.id))

    def test_a_transport_failure_is_not_sent_not_lost(self):
        export = self._export()
        with patch(
            "odoo.addons.loket_integration.loket.client.LoketClient.patch_payroll_period_data",
            side_effect=LoketServerError("Loket is down", status=503),
        ):
            with self.assertLogs(SEND_LOGGER, "WARNING"):
                self.assertEqual(self._send(export), {"not_sent": 4})
        self.assertEqual(export.rows_failed, 4)
        self.assertEqual(self._send(export), {"sent": 4})
