"""Bad input on the export side: component numbers Loket has not, negative hours, empty periods."""

import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_export import HEADER, ExportCase

SCHEDULE_LOGGER = "odoo.addons.loket_integration.models.loket_export_schedule"


@tagged("post_install", "-at_install")
class TestExportBadInput(ExportCase):
    def _hour_code(self, work_entry_type):
        return self.integration.hour_code_ids.filtered(lambda c: c.work_entry_type_id == work_entry_type)

    def _wizard(self):
        return self.env["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
        )

    def _exports(self):
        return self.env["loket.export"].search([("integration_id", "=", self.integration.id)], order="id")

    # -- component numbers --------------------------------------------------------------

    def test_a_component_number_with_letters_or_four_digits_is_refused_naming_the_mapping(self):
        code = self._hour_code(self.overtime)
        self.integration.wage_component_ids = [(0, 0, {"code": "days_worked", "component_number": "45"})]
        wage = self.integration.wage_component_ids
        for bad in ("28a", "1234", "0028", "²", "٣"):
            with self.subTest(bad=bad):
                with self.assertRaisesRegex(ValidationError, f"Overwerk: “{bad}” is not a Loket payroll component"):
                    with self.env.cr.savepoint():
                        code.component_number = bad
                self.assertEqual(code.component_number, "28")  # nothing lost
                with self.assertRaisesRegex(ValidationError, f"Days worked: “{bad}” is not a Loket payroll"):
                    with self.env.cr.savepoint():
                        wage.component_number = bad
                self.assertEqual(wage.component_number, "45")
        new_type = self.env["hr.work.entry.type"].create({"name": "Reisuren", "code": "LKT_RSU"})
        with self.assertRaisesRegex(ValidationError, "Reisuren: “12x”"):
            with self.env.cr.savepoint():
                self.integration.hour_code_ids = [
                    (0, 0, {"work_entry_type_id": new_type.id, "component_number": "12x"})
                ]
        self.assertFalse(self._hour_code(new_type))
        code.component_number = " 28 "  # spaces around a good number are fine
        self.assertEqual(code.component_id.number, 28)

    def test_a_bad_component_number_stored_earlier_stops_the_export_with_its_name(self):
        """A number stored before it was checked (imported, an older version): the export says
        which hour code to fix instead of failing or dropping its hours."""
        self._log(self.employees[1], 8)
        self._log(self.employees[1], 2, code=self.overtime)
        code = self._hour_code(self.overtime)
        self.env.cr.execute("UPDATE loket_hour_code SET component_number = '28a' WHERE id = %s", [code.id])
        code.invalidate_recordset(["component_number"])
        wizard = self._wizard()
        self.assertIn("Overwerk: “28a” is not a Loket payroll component number", wizard.preview_html)
        self.assertFalse(wizard.has_entries)
        with self.assertRaisesRegex(UserError, "Overwerk: “28a”"):
            wizard.action_generate()
        with self.assertRaisesRegex(UserError, "Overwerk: “28a”"):
            self._export()
        self.assertFalse(self._exports())
        # The scheduled export says it on the integration and tries again on its next run.
        self.integration.write({"export_schedule": True, "export_days_after": 1})
        with self.assertLogs(SCHEDULE_LOGGER, "WARNING") as logged:
            self.env["loket.integration"]._cron_generate_exports(today=datetime.date(self.year, 4, 2))
        self.assertIn("28a", logged.output[-1])
        self.assertIn("Overwerk: “28a”", self.integration.message_ids[0].body)
        self.assertNotIn(3, self._exports().mapped("period_number"))
        self.env.cr.execute("UPDATE loket_hour_code SET component_number = '28' WHERE id = %s", [code.id])
        code.invalidate_recordset(["component_number"])
        self.assertEqual(self._text(self._export()).splitlines()[0], f"{HEADER};1;28")

    # -- negative hours -----------------------------------------------------------------

    def test_corrections_are_netted_and_a_negative_total_is_written_negative(self):
        first, second = self.employees[1], self.employees[2]
        self._log(first, 8, day=10)
        self._log(first, -3, day=10)  # a correction the same day
        self._log(first, -1, day=12)  # and another day
        self._log(second, 2, day=10)
        self._log(second, -5.25, day=11)  # corrects more than this period holds
        export = self._export()
        rows = {row.split(";")[1]: row for row in self._text(export).splitlines()[1:]}
        first_no = str(self._current_employment(first).payroll_number)
        second_no = str(self._current_employment(second).payroll_number)
        self.assertEqual(rows[first_no], f"5555;{first_no};1;10;4,00")
        self.assertEqual(rows[second_no], f"5555;{second_no};1;10;-3,25")
        self.assertEqual(export.totals, {"1": "0.75"})
        # Said before anyone uploads it: Loket refuses negative hours.
        self.assertIn(f"Negative total for {second.name} (payroll number {second_no}), component 1", export.warnings)
        self.assertIn("does not accept negative hours", export.warnings)
        self.assertNotIn(first.name, export.warnings)
        # Straight to Loket: the same negative number.
        self.integration.delivery = "api"
        export._loket_send()
        employment = self._current_employment(second).loket_id
        item = next(i for i in self.fake.payroll_period_data if i["employmentId"] == employment)
        self.assertEqual(
            item["payrollComponents"], [{"payrollComponent": {"key": 1}, "value": -3.25, "isSupplement": False}]
        )

    def test_a_negative_amount_is_not_called_hours(self):
        self.integration.hour_code_ids.filtered(lambda c: c.work_entry_type_id == self.overtime).component_number = "86"
        self._log(self.employees[1], -2, code=self.overtime)
        warnings = self.integration._loket_export_data(self.period.date_from, self.period.date_to).warnings
        self.assertEqual(len(warnings), 1)
        self.assertIn("component 86", warnings[0])
        self.assertIn("written as a negative number", warnings[0])

    # -- a period with no hours at all ---------------------------------------------------

    def test_the_scheduled_export_makes_no_empty_file_and_says_so_once(self):
        recipient = self.env["res.partner"].create({"name": "Accountant", "email": "acc@example.nl"})
        self.integration.write(
            {"export_schedule": True, "export_days_after": 1, "export_recipient_ids": [(6, 0, recipient.ids)]}
        )
        self._log(self.employees[1], 3, code=self.unmapped)  # hours Loket does not receive: still nothing
        Integration = self.env["loket.integration"]
        messages = self.integration.message_ids
        for day in (2, 3):
            Integration._cron_generate_exports(today=datetime.date(self.year, 4, day))
        self.assertFalse(self._exports().filtered(lambda e: e.period_number == 3))
        said = self.integration.message_ids - messages
        self.assertEqual(len(said), 1)  # once, not on every run
        self.assertIn("nothing to export for", said.body)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "loket.export")]))
        # Hours logged late go with the next run.
        self._log(self.employees[1], 8)
        Integration._cron_generate_exports(today=datetime.date(self.year, 4, 4))
        export = self._exports().filtered(lambda e: e.period_number == 3)
        self.assertIn("8,00", self._text(export))

    def test_the_scheduled_send_to_loket_sends_nothing_for_an_empty_period(self):
        self.integration.write({"export_schedule": True, "export_days_after": 1, "delivery": "api"})
        self.env["loket.integration"]._cron_generate_exports(today=datetime.date(self.year, 4, 2))
        self.assertFalse(self._exports().filtered(lambda e: e.period_number == 3))
        self.assertFalse([r for r in self.fake.requests if r[0] == "PATCH"])
        self.assertIn("nothing to export for", self.integration.message_ids[0].body)

    def test_sending_an_empty_export_says_there_is_nothing_to_export(self):
        self.integration.delivery = "api"
        export = self._export()  # an empty export made before empty periods were refused
        self.assertEqual(self._text(export), f"{HEADER}\r\n")
        export._loket_send()
        self.assertFalse([r for r in self.fake.requests if r[0] == "PATCH"])
        self.assertIn("Nothing to export", export.message_ids[0].body)

    def test_the_wizard_refuses_an_empty_period(self):
        wizard = self._wizard()
        self.assertIn("Nothing to export", wizard.preview_html)
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_generate()
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_generate_and_send()
        self.assertFalse(self._exports())

    # -- text from Loket in the file --------------------------------------------------------

    def test_a_distribution_unit_code_a_spreadsheet_would_run_is_refused_on_its_row(self):
        """Loket lists a distribution unit whose code is a formula holding the separator: the
        rows booked on it are not written (no formula, no shifted column), the export says
        whose and why, the other rows are written — a negative number among them."""
        bad = '=HYPERLINK("http://x.example/u");1'
        unit = next(u for u in self.fake.data["distribution_units"] if str(u["code"]) == "20")
        unit["code"] = bad
        self.integration.action_refresh_distribution_units()
        self.assertEqual(self.units["20"].code, bad)
        self._map_department("Winkel", "20")
        shop_employee, bakery_employee = self.employees[3], self.employees[1]
        self._write_employment(self._current_employment(shop_employee), department_id=self._department("Winkel").id)
        self._log(shop_employee, 12)
        self._log(bakery_employee, 2)
        self._log(bakery_employee, -4, day=11)  # a correction larger than the period: -2,00, a value
        shop_no = self._current_employment(shop_employee).payroll_number
        bakery_no = self._current_employment(bakery_employee).payroll_number
        export = self._export()
        text = self._text(export)
        self.assertEqual(text, f"{HEADER};1\r\n5555;{bakery_no};1;10;-2,00\r\n")
        self.assertNotIn("HYPERLINK", text)
        self.assertEqual((export.row_count, export.totals), (1, {"1": "-2.00"}))
        refusal = f"{shop_employee.name} (payroll number {shop_no}) not exported"
        self.assertIn(refusal, export.warnings)
        self.assertIn("formula", export.warnings)
        self.assertIn("=HYPERLINK(", export.warnings)
        # The wizard says it before the file is made.
        wizard = self._wizard()
        self.assertIn(refusal, wizard.warnings)
        self.assertIn("Total (1 employee(s))", wizard.preview_html)  # the refused row is not in the preview
