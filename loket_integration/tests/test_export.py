import datetime
from unittest.mock import patch

import lxml.html
from lxml import etree
from markupsafe import escape

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..loket.payroll_csv import PayrollCsvError
from .common import LoketCase

HEADER = "aanslnr;persnr;ploeg;verdelingseenheid"


class ExportMixin:
    """Four Loket employees added to Odoo, hour codes mapped, period 3 of this year."""

    n_employees = 4

    def setUp(self):
        super().setUp()
        self._connect()
        integration = self.integration
        integration.action_refresh_payroll_components()
        integration.action_refresh_distribution_units()
        integration.action_fetch_employees()
        rows = integration.loket_employee_ids
        rows.write({"decision": "add"})
        rows.action_apply()
        self.employees = {r.employee_number: r.employee_id for r in rows}
        Type = self.env["hr.work.entry.type"]
        self.worked = Type.create({"name": "Gewerkt", "code": "LKT_WRK"})
        self.overtime = Type.create({"name": "Overwerk", "code": "LKT_OVR"})
        self.unmapped = Type.create({"name": "Cursus", "code": "LKT_CRS"})
        integration.write(
            {
                "default_hour_code_id": self.worked.id,
                "hour_code_ids": [
                    (0, 0, {"work_entry_type_id": self.worked.id, "component_number": "1"}),
                    (0, 0, {"work_entry_type_id": self.overtime.id, "component_number": "28"}),
                    (0, 0, {"work_entry_type_id": self.unmapped.id, "component_number": ""}),
                ],
            }
        )
        self.units = {u.code: u for u in integration.distribution_unit_ids}
        self.project = self.env["project.project"].create({"name": "Bakkerij"})
        self.year = datetime.date.today().year
        self.period = (
            self.env["loket.payroll.period"]._ensure_for(integration, self.year).filtered(lambda p: p.number == 3)
        )
        # Every employee's department books on distribution unit 10, unless a test says otherwise.
        for employee in self.employees.values():
            self._write_employment(self._employments(employee), department_id=self._department("Bakkerij").id)
        self._map_department("Bakkerij", "10")

    # -- helpers ------------------------------------------------------------------------------

    def _department(self, name):
        return self.env["hr.department"].search([("name", "=", name)], limit=1) or self.env["hr.department"].create(
            {"name": name}
        )

    def _map_department(self, name, unit_code):
        self.integration.cost_center_ids = [
            (0, 0, {"department_id": self._department(name).id, "distribution_unit_id": self.units[unit_code].id})
        ]

    def _second_employment(self, employee):
        """``(first, second)``: the current employment ends on 15 March, a second one
        (payroll number 901, shift 2) starts the next day."""
        first = self._current_employment(employee)
        self._write_employment(first, date_end=datetime.date(self.year, 3, 15))
        second = self._create_employment(
            employee,
            date_start=datetime.date(self.year, 3, 16),
            payroll_number=901,
            shift_number=2,
            loket_id="second-employment",
            department_id=first.department_id.id,
        )
        return first, second

    def _log(self, employee, hours, day=10, code=None):
        return self.env["account.analytic.line"].create(
            {
                "name": "werk",
                "project_id": self.project.id,
                "employee_id": employee.id,
                "unit_amount": hours,
                "date": datetime.date(self.year, 3, day),
                "loket_hour_code_id": (code or self.worked).id,
            }
        )

    def _export(self, employees=None, recipients=None):
        employees = employees or self.env["hr.employee"].browse([e.id for e in self.employees.values()])
        return self.env["loket.export"]._generate(self.integration, self.period, employees, recipients)

    def _component_name(self, number):
        components = self.integration.payroll_component_ids.filtered(lambda c: c.number == number)
        return components.sorted(lambda c: c.year == self.year)[-1:].name

    @staticmethod
    def _text(export):
        return export.attachment_id.raw.decode()

    @staticmethod
    def _visible_footer_buttons(wizard):
        """``[(method, label)]`` of the wizard's footer buttons its form shows, their
        ``invisible`` evaluated on the wizard's values as the web client does."""
        arch = etree.fromstring(wizard.get_view(view_type="form")["arch"])
        values = {}
        for name in set(arch.xpath("//field/@name")):
            value = wizard[name]
            values[name] = (
                value.ids
                if wizard._fields[name].type.endswith("2many")
                else value.id
                if wizard._fields[name].type == "many2one"
                else value
            )
        return [
            (button.get("name"), button.get("string"))
            for button in arch.xpath("//footer/button[@type='object']")
            if not safe_eval(button.get("invisible", "False"), values)
        ]


class ExportCase(ExportMixin, LoketCase):
    pass


@tagged("post_install", "-at_install")
class TestExport(ExportCase):
    def test_one_employee_two_hour_codes(self):
        employee = self.employees[1]
        persnr = self._current_employment(employee).payroll_number
        self._log(employee, 8, day=2)
        self._log(employee, 7.5, day=3)
        self._log(employee, 2, day=3, code=self.overtime)
        export = self._export()
        self.assertEqual(self._text(export), f"{HEADER};1;28\r\n5555;{persnr};1;10;15,50;2,00\r\n")
        self.assertEqual(export.row_count, 1)
        self.assertEqual(export.totals, {"1": "15.50", "28": "2.00"})
        self.assertEqual(len(export.sha256), 64)
        self.assertTrue(export.name.endswith(f"_{self.year}_03.csv"))

    def test_employee_with_two_employments_in_the_period(self):
        employee = self.employees[2]
        first, second = self._second_employment(employee)
        self._log(employee, 8, day=10)
        self._log(employee, 6, day=20)
        text = self._text(self._export())
        self.assertEqual(
            text,
            f"{HEADER};1\r\n5555;{first.payroll_number};1;10;8,00\r\n5555;{second.payroll_number};2;10;6,00\r\n",
        )

    def test_two_distribution_units(self):
        self._map_department("Winkel", "20")
        shop = self._current_employment(self.employees[3])
        self._write_employment(shop, department_id=self._department("Winkel").id)
        bakery = self._current_employment(self.employees[1])
        self._log(self.employees[1], 8)
        self._log(self.employees[3], 4)
        lines = self._text(self._export()).split("\r\n")
        self.assertIn(f"5555;{bakery.payroll_number};1;10;8,00", lines)
        self.assertIn(f"5555;{shop.payroll_number};1;20;4,00", lines)

    def test_rounding_once(self):
        employee = self.employees[1]
        for day in (2, 3, 4):
            self._log(employee, 0.333, day=day)
        self.assertIn(";1,00\r\n", self._text(self._export()))

    def test_unmapped_hour_code_is_a_warning_and_no_column(self):
        self._log(self.employees[1], 8)
        self._log(self.employees[1], 3, code=self.unmapped)
        export = self._export()
        self.assertTrue(self._text(export).startswith(f"{HEADER};1\r\n"))
        self.assertIn("Cursus — 1 line(s), 3.0 h not exported", export.warnings)

    def test_employee_without_payroll_number_is_a_warning_and_no_row(self):
        stranger = self.env["hr.employee"].create({"name": "Zonder Loket"})
        no_contract = self.employees[4]
        self._write_employment(self._employments(no_contract), payroll_number=0)
        self._log(self.employees[1], 8)
        self._log(stranger, 5)
        self._log(no_contract, 6)
        export = self._export(employees=stranger | no_contract | self.employees[1])
        self.assertEqual(export.row_count, 1)
        self.assertIn("not bound to Loket: Zonder Loket — 1 line(s), 5.0 h", export.warnings)
        self.assertIn(
            f"without a contract carrying a payroll number in the period: {no_contract.name}", export.warnings
        )

    def test_hours_outside_every_employment_are_counted(self):
        employee = self.employees[1]
        self._write_employment(self._employments(employee), date_end=datetime.date(self.year, 3, 5))
        self._log(employee, 4, day=3)
        self._log(employee, 6, day=20)
        export = self._export()
        self.assertIn("Hours outside every employment", export.warnings)
        self.assertIn(";4,00\r\n", self._text(export))

    def test_mail_carries_the_csv(self):
        self._log(self.employees[1], 8)
        recipient = self.env["res.partner"].create({"name": "Salarisadministratie", "email": "loon@example.nl"})
        export = self._export(recipients=recipient)
        mail = self.env["mail.mail"].search([("model", "=", "loket.export"), ("res_id", "=", export.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.attachment_ids, export.attachment_id)
        self.assertEqual(mail.recipient_ids, recipient)
        self.assertEqual(mail.state, "outgoing")  # through the mail queue
        self.assertIn("Overwrite", mail.body_html)
        self.assertTrue(export.mailed)

    def test_mail_body_carries_the_warnings(self):
        self._log(self.employees[1], 8)
        self._log(self.employees[1], 2, code=self.unmapped)
        recipient = self.env["res.partner"].create({"name": "Loon", "email": "loon@example.nl"})
        export = self._export(recipients=recipient)
        mail = self.env["mail.mail"].search([("model", "=", "loket.export"), ("res_id", "=", export.id)])
        self.assertIn("Cursus", mail.body_html)

    def test_outdated_detection_and_new_version(self):
        line = self._log(self.employees[1], 8)
        export = self._export()
        self.assertFalse(export.is_outdated)
        line.unit_amount = 9
        export.invalidate_recordset(["is_outdated"])
        self.assertTrue(export.is_outdated)
        again = self._export()
        self.assertEqual(again.version, 2)
        self.assertFalse(again.is_outdated)
        self.assertEqual(self.env["loket.export"].search_count([("period_id", "=", self.period.id)]), 2)

    def test_a_value_that_is_not_a_plain_number_stops_the_export(self):
        self._log(self.employees[1], 8)
        with patch(
            "odoo.addons.loket_integration.models.loket_export.build_payroll_csv",
            side_effect=PayrollCsvError("Value 'x' is not a plain number"),
        ):
            wizard = self.env["loket.export.wizard"].create(
                {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id}
            )
            with self.assertRaises(UserError):
                wizard.action_generate()
        self.assertFalse(self.env["loket.export"].search([("integration_id", "=", self.integration.id)]))

    def test_wizard_preview_and_warnings(self):
        self._log(self.employees[1], 8)
        self._log(self.employees[1], 1, code=self.unmapped)
        self.env["res.lang"]._activate_lang("nl_NL")  # the preview writes numbers as its reader does
        wizard = (
            self.env["loket.export.wizard"]
            .with_context(lang="nl_NL")
            .create({"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id})
        )
        self.assertIn("8,00", wizard.preview_html)
        self.assertIn(escape(self.employees[1].name), wizard.preview_html)
        self.assertIn("Cursus", wizard.warnings)

    def test_schedule_exports_the_last_closed_month_once(self):
        recipient = self.env["res.partner"].create({"name": "Accountant", "email": "acc@example.nl"})
        self.integration.write(
            {"export_schedule": True, "export_days_after": 3, "export_recipient_ids": [(6, 0, recipient.ids)]}
        )
        self._log(self.employees[1], 8)
        self._log(self.employees[1], 4).date = datetime.date(self.year, 2, 10)  # an empty period makes no file
        Integration = self.env["loket.integration"]
        Integration._cron_generate_exports(today=datetime.date(self.year, 4, 2))  # March + 3 days not reached
        exports = self.env["loket.export"].search([("integration_id", "=", self.integration.id)])
        self.assertEqual(exports.mapped("period_number"), [2])
        Integration._cron_generate_exports(today=datetime.date(self.year, 4, 3))
        Integration._cron_generate_exports(today=datetime.date(self.year, 4, 4))
        exports = self.env["loket.export"].search([("integration_id", "=", self.integration.id)], order="id")
        self.assertEqual(exports.mapped("period_number"), [2, 3])
        self.assertIn("8,00", self._text(exports[1]))

    def test_schedule_with_computed_weekly_periods(self):
        self.integration.action_disconnect()  # Loket's periods unreachable: computed from the period type
        self.integration.write({"payroll_period_type": "week", "export_schedule": True, "export_days_after": 1})
        self.integration.state = "connected"
        self.env["loket.payroll.period"].search([("integration_id", "=", self.integration.id)]).unlink()
        today = datetime.date(self.year, 3, 11)
        period = self.integration._loket_last_closed_period(today)
        # The last Sunday with one day passed since: the week before today's ISO week.
        self.assertEqual(period.date_to, today - datetime.timedelta(days=today.isoweekday()))
        self.assertEqual((period.date_to - period.date_from).days, 6)
        self.assertFalse(period.from_loket)

    def test_hour_codes_in_use_are_added(self):
        self._log(self.employees[1], 8)
        self.integration.hour_code_ids.unlink()
        self.integration.action_add_used_hour_codes()
        self.assertEqual(self.integration.hour_code_ids.work_entry_type_id, self.worked)

    def test_a_loket_user_without_hr_rights_can_export(self):
        self._log(self.employees[1], 8)
        self._log(self.employees[2], 4)
        user = new_test_user(self.env, "loket_exporter", groups="loket_integration.group_loket_user,base.group_user")
        self.assertFalse(user.has_group("hr.group_hr_user"))
        wizard = (
            self.env["loket.export.wizard"]
            .with_user(user)
            .create({"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id})
        )
        wizard._onchange_period_list()
        self.assertEqual(len(wizard.employee_ids), len(self.employees))
        action = wizard.action_generate()
        export = self.env["loket.export"].browse(action["res_id"])
        self.assertEqual(export.row_count, 2)
        self.assertEqual(export.user_id, user)

    def test_periods_are_computed_when_loket_cannot_answer(self):
        self.env["loket.payroll.period"].search([("integration_id", "=", self.integration.id)]).unlink()
        self.fake.fail(
            "/providers/employers/payrolladministrations/{payrollAdministrationId}/payrollperiods",
            status=403,
            body={"message": "Geen rechten"},
        )
        with self.assertLogs("odoo.addons.loket_integration.models.loket_payroll_period", "WARNING") as logged:
            periods = self.env["loket.payroll.period"]._ensure_for(self.integration, self.year)
        self.assertIn("Geen rechten", logged.output[0])
        self.assertEqual(len(periods), 12)
        self.assertFalse(any(periods.mapped("from_loket")))
        self.env["ir.config_parameter"].sudo().set_param("loket_integration.client_secret", False)
        self.assertFalse(self.integration._loket_can_call())

    def test_lines_without_hour_code_fall_back_to_the_worked_hours_code(self):
        line = self._log(self.employees[1], 5)
        line.loket_hour_code_id = False  # as lines written before the integration existed
        persnr = self._current_employment(self.employees[1]).payroll_number
        self.assertEqual(self._text(self._export()), f"{HEADER};1\r\n5555;{persnr};1;10;5,00\r\n")


@tagged("post_install", "-at_install")
class TestExportScreens(ExportCase):
    """What the payroll administrator sees: the wizard, the export form, the mail."""

    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("nl_NL")

    def _wizard(self, env=None, **values):
        return (env or self.env)["loket.export.wizard"].create(
            {"integration_id": self.integration.id, "year": self.year, "period_id": self.period.id, **values}
        )

    def _form(self, period=None):
        """The wizard as the screen fills it; on ``period`` (default: March, where the hours are)."""
        form = Form(self.env["loket.export.wizard"])
        form.integration_id = self.integration
        if period is not False:
            form.period_id = period or self.period
        return form

    @staticmethod
    def _table(html):
        """The preview as ``(head cells, body rows, foot cells)``, each cell's text."""
        table = lxml.html.fromstring(str(html)).xpath("//table")[0]
        for br in table.iter("br"):
            br.tail = " " + (br.tail or "")

        def texts(row):
            return [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]

        return (
            texts(table.xpath("./thead/tr")[0]),
            [texts(row) for row in table.xpath("./tbody/tr")],
            texts(table.xpath("./tfoot/tr")[0]),
        )

    def _visible_generate_buttons(self, wizard):
        return [string for name, string in self._visible_footer_buttons(wizard) if name == "action_generate"]

    # -- the period --------------------------------------------------------------------------------

    def test_period_is_found_by_number_and_shown_in_the_users_date_format(self):
        Period = self.env["loket.payroll.period"]
        of_the_year = [("integration_id", "=", self.integration.id), ("year", "=", self.year)]
        self.assertEqual([i for i, _name in Period.name_search("3", of_the_year)], self.period.ids)
        self.assertEqual([i for i, _name in Period.name_search(f"{self.year}-03")], self.period.ids)
        self.assertEqual(len(Period.name_search("", of_the_year)), 12)
        self.assertFalse(Period.name_search("maart", of_the_year))
        day = self.period.date_from + datetime.timedelta(days=5)
        self.assertEqual(
            [i for i, _name in Period.with_context(lang="nl_NL").name_search(day.strftime("%d-%m-%Y"), of_the_year)],
            self.period.ids,
        )

        def shown(lang):
            return self.period.with_context(lang=lang).display_name

        start, end = self.period.date_from, self.period.date_to
        self.assertEqual(shown("nl_NL"), f"{self.year}-03 ({start:%d-%m-%Y} – {end:%d-%m-%Y})")
        self.assertEqual(shown("en_US"), f"{self.year}-03 ({start:%m/%d/%Y} – {end:%m/%d/%Y})")
        self.env["res.lang"]._lang_get("en_US").date_format = "%Y.%m.%d"  # the user's setting, whatever it is
        self.period.invalidate_recordset(["display_name"])
        self.assertEqual(shown("en_US"), f"{self.year}-03 ({start:%Y.%m.%d} – {end:%Y.%m.%d})")

    def test_changing_the_year_offers_that_years_periods(self):
        form = self._form(period=False)
        self.assertEqual(form.period_id.integration_id, self.integration)
        form.year = self.year - 1
        self.assertEqual(form.period_id.year, self.year - 1)
        self.assertEqual(form.period_id.date_to.year, self.year - 1)
        domain = [("integration_id", "=", self.integration.id), ("year", "=", self.year - 1)]
        offered = self.env["loket.payroll.period"].browse(
            [i for i, _name in self.env["loket.payroll.period"].name_search("", domain)]
        )
        self.assertEqual(len(offered), 12)
        self.assertEqual(set(offered.mapped("year")), {self.year - 1})
        self.assertEqual(offered.filtered(lambda p: p.number == 12), form.period_id)  # the year's last ended one
        form.year = self.year + 1
        self.assertEqual((form.period_id.year, form.period_id.number), (self.year + 1, 1))

    # -- the employees -----------------------------------------------------------------------------

    def test_all_bound_employees_by_default_without_filling_the_selection(self):
        stranger = self.env["hr.employee"].create({"name": "Niet in Loket"})
        self._log(self.employees[1], 8)
        self._log(self.employees[4], 3)
        self._log(stranger, 5)
        form = self._form()
        self.assertEqual(form.employee_scope, "all")
        self.assertFalse(form.selected_employee_ids)
        wizard = form.save()
        bound = self.env["hr.employee"].browse([e.id for e in self.employees.values()])
        self.assertEqual(wizard.employee_ids, bound)
        self.assertEqual(wizard.bound_employee_ids, bound)  # what the selection may choose from
        self.assertNotIn(stranger, wizard.bound_employee_ids)
        rows = self._table(wizard.preview_html)[1]
        self.assertEqual({row[2] for row in rows}, {self.employees[1].name, self.employees[4].name})
        export = self.env["loket.export"].browse(wizard.action_generate()["res_id"])
        self.assertEqual(export.employee_scope, "all")
        self.assertEqual(export.employee_ids, bound)
        self.assertEqual(export.row_count, 2)

    def test_restricting_to_selected_employees(self):
        self._log(self.employees[1], 8)
        self._log(self.employees[2], 4)
        form = self._form()
        form.employee_scope = "selected"
        form.selected_employee_ids.add(self.employees[2])
        wizard = form.save()
        self.assertEqual(wizard.employee_ids, self.employees[2])
        rows = self._table(wizard.preview_html)[1]
        self.assertEqual([row[2] for row in rows], [self.employees[2].name])
        export = self.env["loket.export"].browse(wizard.action_generate()["res_id"])
        persnr = self._current_employment(self.employees[2]).payroll_number
        self.assertEqual(self._text(export), f"{HEADER};1\r\n5555;{persnr};1;10;4,00\r\n")
        self.assertEqual((export.employee_scope, export.employee_ids), ("selected", self.employees[2]))
        again = self.env["loket.export.wizard"].with_context(**export.action_generate_again()["context"]).create({})
        self.assertEqual((again.period_id, again.employee_ids), (self.period, self.employees[2]))

    def test_selected_scope_without_employees_exports_nothing(self):
        self._log(self.employees[1], 8)
        wizard = self._wizard(employee_scope="selected")
        self.assertFalse(wizard.employee_ids)
        self.assertFalse(wizard.has_entries)
        self.assertIn("Choose the employees to export", wizard.preview_html)
        with self.assertRaisesRegex(UserError, "at least one employee"):
            wizard.action_generate()

    # -- the preview -------------------------------------------------------------------------------

    def test_preview_rows_carry_payroll_and_employee_numbers_and_a_totals_row(self):
        first, second = self.employees[1], self.employees[2]
        second.name = first.name  # namesakes
        self._log(first, 8)
        self._log(first, 2, code=self.overtime)
        self._log(second, 4.5)
        head, rows, foot = self._table(self._wizard().preview_html)
        self.assertEqual(head[:4], ["Payroll no.", "Employee no.", "Employee", "Distribution unit"])
        self.assertEqual(head[4:], [f"1 {self._component_name(1)}", f"28 {self._component_name(28)}"])
        expected = {
            (str(self._current_employment(e).payroll_number), str(e.loket_employee_number), e.name)
            for e in (first, second)
        }
        self.assertEqual({tuple(row[:3]) for row in rows}, expected)
        self.assertEqual(len(expected), 2)  # the numbers tell the namesakes apart
        unit = f"10 {self.units['10'].name}"
        self.assertEqual(
            sorted(row[3:] for row in rows),
            sorted([[unit, "8.00", "2.00"], [unit, "4.50", ""]]),
        )
        self.assertEqual(foot, ["Total (2 employee(s))", "12.50", "2.00"])

    def test_preview_shows_the_files_rows_and_their_sums(self):
        """One rule everywhere: each file row rounded once, every total a sum of rounded rows.
        Four rows of 1.334 h are 1.33 each in the file: the total is 5.32, not 5.34."""
        two_jobs = self.employees[2]
        first, second = self._second_employment(two_jobs)
        for employee in (self.employees[1], self.employees[3]):
            self._log(employee, 1.334)
        self._log(two_jobs, 1.334, day=10)
        self._log(two_jobs, 1.334, day=20)
        wizard = self._wizard()
        head, rows, foot = self._table(wizard.preview_html)
        export = self.env["loket.export"].browse(wizard.action_generate()["res_id"])
        self.assertEqual(export.totals, {"1": "5.32"})
        self.assertIn(f";{first.payroll_number};1;10;1,33\r\n", self._text(export))
        self.assertIn(f";{second.payroll_number};2;10;1,33\r\n", self._text(export))
        self.assertEqual(foot[-1], "5.32", "the preview's total is not the file's")
        # The preview: the file's rows (the two employments apart, each with its unit), the file's total.
        self.assertEqual(head[:4], ["Payroll no.", "Employee no.", "Employee", "Distribution unit"])
        self.assertEqual([row[3:] for row in rows], [[f"10 {self.units['10'].name}", "1.33"]] * 4)
        self.assertEqual(
            sorted(row[0] for row in rows if row[2] == two_jobs.name),
            sorted([str(first.payroll_number), str(second.payroll_number)]),
        )
        self.assertEqual(foot, ["Total (3 employee(s))", "5.32"])

    def test_nothing_to_export_is_said_and_cannot_be_generated(self):
        self._log(self.employees[1], 3, code=self.unmapped)  # only hours Loket does not receive
        wizard = self._wizard(
            recipient_ids=self.env["res.partner"].create({"name": "Loon", "email": "l@example.nl"}).ids
        )
        self.assertFalse(wizard.has_entries)
        self.assertIn("Nothing to export", wizard.preview_html)
        self.assertIn("Cursus", wizard.warnings_html)
        self.assertEqual(self._visible_generate_buttons(wizard), [])
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_generate()
        self.assertFalse(self.env["loket.export"].search([("integration_id", "=", self.integration.id)]))
        self._log(self.employees[1], 8)
        wizard.invalidate_recordset()
        self.assertEqual(self._visible_generate_buttons(wizard), ["Generate and mail"])
        wizard.recipient_ids = False
        self.assertEqual(self._visible_generate_buttons(wizard), ["Generate"])

    # -- numbers as people read them -----------------------------------------------------------------

    def test_totals_warnings_and_preview_in_the_readers_number_format(self):
        self._log(self.employees[1], 1234.5)
        self._log(self.employees[1], 1500.25, code=self.unmapped)
        dutch = new_test_user(self.env, "loket_nl", groups="loket_integration.group_loket_user,base.group_user")
        dutch.lang = "nl_NL"
        wizard = self._wizard(env=self.env(user=dutch))
        self.assertIn("1.500,25 h", wizard.warnings)
        self.assertEqual(self._table(wizard.preview_html)[2][1:], ["1.234,50"])
        export = self.env["loket.export"].with_user(dutch).browse(wizard.action_generate()["res_id"])
        self.assertIn("1.500,25 h not exported", export.warnings)
        worked = f"1 {self._component_name(1)}"
        self.assertEqual(export.totals_text, f"{worked}: 1.234,50")
        self.assertEqual(export.with_user(self.env.user).totals_text, f"{worked}: 1,234.50")
        self.assertIn(";1234,50\r\n", self._text(export))  # Loket's file keeps its own format

    def test_mail_written_in_each_recipients_language(self):
        self._log(self.employees[1], 8)
        dutch = self.env["res.partner"].create({"name": "Loonbureau", "email": "loon@example.nl", "lang": "nl_NL"})
        english = self.env["res.partner"].create({"name": "Auditor", "email": "audit@example.com", "lang": "en_US"})
        export = self._export(recipients=dutch | english)
        mails = self.env["mail.mail"].search([("model", "=", "loket.export"), ("res_id", "=", export.id)])
        by_recipient = {mail.recipient_ids: mail for mail in mails}
        self.assertEqual(set(by_recipient), {dutch, english})
        start = self.period.date_from
        self.assertIn(f"{start:%d-%m-%Y}", by_recipient[dutch].body_html)
        self.assertIn("8,00", by_recipient[dutch].body_html)
        self.assertIn(f"{start:%m/%d/%Y}", by_recipient[english].body_html)
        self.assertIn("8.00", by_recipient[english].body_html)
        for mail in mails:
            self.assertEqual(mail.attachment_ids, export.attachment_id)

    # -- the export record -------------------------------------------------------------------------

    def test_a_version_made_outdated_by_a_newer_one_points_to_it(self):
        line = self._log(self.employees[1], 8)
        first = self._export()
        line.unit_amount = 9
        second = self._export()
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertTrue(first.name.endswith(f"_{self.year}_03.csv"))
        self.assertTrue(second.name.endswith(f"_{self.year}_03_v2.csv"))  # two versions, two file names
        self.assertEqual(second.attachment_id.name, second.name)
        first.invalidate_recordset()
        self.assertTrue(first.is_outdated)
        self.assertEqual((first.newer_export_id, second.newer_export_id), (second, second.browse()))
        # Version 1 sends the reader to version 2 instead of asking to generate it again.
        arch = etree.fromstring(first.get_view(view_type="form")["arch"])
        values = {"is_outdated": True, "newer_export_id": second.id}
        [again] = arch.xpath("//header/button[@name='action_generate_again']")
        self.assertTrue(safe_eval(again.get("invisible"), values))
        [pointer] = arch.xpath("//div[field[@name='newer_export_id']]")
        self.assertFalse(safe_eval(pointer.get("invisible"), values))
        self.integration.delivery = "api"
        message = str(self.assertRaisesKeepingCommits(UserError, first._loket_send))
        self.assertIn(f"version 2 ({second.name})", message)

    def test_outdated_is_a_badge_not_a_step(self):
        line = self._log(self.employees[1], 8)
        export = self._export(recipients=self.env.user.partner_id)
        self.assertEqual((export.state, export.outdated_badge), ("sent", False))
        line.unit_amount = 9
        export.invalidate_recordset(["is_outdated", "outdated_badge"])
        self.assertEqual((export.state, export.is_outdated, export.outdated_badge), ("sent", True, "outdated"))
        self.assertNotIn("outdated", dict(self.env["loket.export"]._fields["state"].selection))
