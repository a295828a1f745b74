"""The README's demo against the Loket sandbox over real HTTP: hours sent to Loket, payroll run
in the sandbox, the journal run read and booked in Odoo, equal to Loket's journal."""

from decimal import ROUND_HALF_UP, Decimal

import requests

from odoo.tests import tagged

from odoo.addons.loket_integration.loket.testing import payroll_journal
from odoo.addons.loket_integration.loket.testing.sandbox import JOURNAL_RUN_PATH, LoketSandbox

from .common import YEAR, JournalCase, loket_sums


@tagged("post_install", "-at_install")
class TestSandboxDemo(JournalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = LoketSandbox(n_employees=4, port=0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.rsps.add_passthru(cls.sandbox.base_url)  # the sandbox answers over real HTTP, not the mock
        urls = cls.sandbox.custom_urls()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("loket_integration.client_id", urls["client_id"])
        params.set_param("loket_integration.client_secret", urls["client_secret"])
        cls.integration.write({"api_url": urls["api_url"], "oauth_url": urls["oauth_url"]})
        cls.integration._loket_exchange_code(cls.sandbox.fake.issue_code(cls.integration._loket_redirect_uri()))
        option = cls.env["loket.administration.option"].search(
            [
                ("integration_id", "=", cls.integration.id),
                ("loket_administration_id", "=", cls.sandbox.fake.administration_id),
            ]
        )
        cls.integration.administration_option_id = option

    def test_hours_sent_to_loket_come_back_as_a_journal_entry_equal_to_loket_s_journal(self):
        fake = self.sandbox.fake
        employment = next(e for e in fake.data["employments"] if not e["endDate"])
        item = {
            "employmentId": employment["id"],
            "payrollPeriod": {"year": YEAR, "periodNumber": 3},
            "payrollComponents": [{"payrollComponent": {"key": 1}, "value": 200, "isSupplement": False}],
        }
        sent = self.integration._loket_client().patch_payroll_period_data(fake.employer_id, [item])
        self.assertEqual(sent.succeeded, [employment["id"]])
        for period in (3, 4):  # period 4: no hours sent, the contract's hours are paid
            answer = requests.post(
                self.sandbox.base_url + JOURNAL_RUN_PATH,
                data={"period": f"{YEAR}-{period}"},
                allow_redirects=False,
                timeout=10,
            )
            self.assertEqual(answer.status_code, 303)
        self.settings.action_fetch_runs()
        march, april = self.settings.run_ids.sorted("period_number")
        self.assertEqual((march.year, march.period_number, march.state), (YEAR, 3, "to_book"))
        (march | april).action_book()
        for run in (march, april):
            rows = fake.journal_results(run.loket_id)
            self.assertEqual(self._odoo_sums(run.move_id), loket_sums(rows), "the entry equals Loket's journal exactly")
        # The 200 hours sent are paid instead of the contract's monthly hours (cents, as a payslip rounds).
        wage = payroll_journal.hourly_wage(employment)
        weekly = next(w for w in fake.data["working_hours"] if w["employmentId"] == employment["id"])
        cents = {"exp": Decimal("0.01"), "rounding": ROUND_HALF_UP}
        monthly = (Decimal(str(weekly["workingHours"]["averageHoursPerWeek"])) * 52 / 12).quantize(**cents)
        expected = (200 * wage).quantize(**cents) - (monthly * wage).quantize(**cents)
        gross = {run: self._odoo_sums(run.move_id)["4000"][0] for run in (march, april)}
        self.assertEqual(gross[march] - gross[april], expected)
