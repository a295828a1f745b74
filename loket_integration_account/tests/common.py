"""Shared set-up: the main addon's fake Loket, a Dutch company in euros with a salary chart of
accounts, and its integration's payroll journal."""

import datetime
from collections import defaultdict
from decimal import Decimal

from odoo import Command

from odoo.addons.loket_integration.tests.common import LoketCase, LoketHttpCase

# Loket's ledger accounts in the fake's journal (code: Odoo account type); 4005 (overtime) is
# left out of the chart so that a test can see an account without counterpart.
CHART = {
    "4000": ("Bruto lonen", "expense"),
    "4100": ("Sociale lasten", "expense"),
    "4150": ("Pensioenlasten", "expense"),
    "1620": ("Af te dragen loonheffing", "liability_current"),
    "1630": ("Af te dragen pensioenpremie", "liability_current"),
    "1650": ("Netto lonen te betalen", "liability_current"),
}
YEAR = datetime.date.today().year


def loket_sums(rows):
    """Independent of the addon: Loket's lines summed per ledger account code, ``(debit, credit)``."""
    sums = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        code = row["generalLedgerAccount"]["code"]
        sums[code][0] += Decimal(str(row["debetAmount"]))
        sums[code][1] += Decimal(str(row["creditAmount"]))
    return {code: tuple(value) for code, value in sums.items()}


class JournalSetUp:
    """The company, chart, journal and analytic accounts of the payroll journal's tests."""

    n_employees = 6

    @classmethod
    def _setup_journal(cls):
        cls.company = cls._make_company("Krakeling B.V.")
        cls.integration.company_id = cls.company
        cls._connect()
        cls.settings = cls.env["loket.journal.settings"].search([("integration_id", "=", cls.integration.id)])
        cls.accounts = cls._make_chart(cls.company)
        cls.settings.action_create_journal()
        plan = cls.env["account.analytic.plan"].create({"name": "Kostenplaatsen"})
        units_plan = cls.env["account.analytic.plan"].create({"name": "Kostendragers"})
        cls.analytic = {
            name: cls.env["account.analytic.account"].create(
                {"name": name, "plan_id": plan.id, "company_id": cls.company.id}
            )
            for name in ("Kantoor Utrecht", "Werkplaats Zwolle", "Buitendienst")
        }
        cls.bread = cls.env["account.analytic.account"].create(
            {"name": "Broodlijn", "code": "BRD", "plan_id": units_plan.id, "company_id": cls.company.id}
        )

    @classmethod
    def _make_company(cls, name):
        euro = cls.env.ref("base.EUR")
        euro.active = True
        company = cls.env["res.company"].create({"name": name, "currency_id": euro.id})
        cls.env.user.company_ids |= company
        return company

    @classmethod
    def _make_chart(cls, company):
        Account = cls.env["account.account"].with_company(company)
        return {
            code: Account.create(
                {"code": code, "name": name, "account_type": kind, "company_ids": [Command.set(company.ids)]}
            )
            for code, (name, kind) in CHART.items()
        }

    def _fetch(self):
        self.settings.action_fetch_runs()
        return self.settings.run_ids

    def _run(self, period=3):
        """A payroll run in Loket and its journal run read into Odoo."""
        loket_run = self.fake.run_payroll(YEAR, period)
        self._fetch()
        return self.settings.run_ids.filtered(lambda run: run.loket_id == loket_run["id"]), loket_run

    def _odoo_sums(self, move):
        """The entry's amounts per account code, ``(debit, credit)``, as PostgreSQL holds them."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT account_id, sum(debit)::text, sum(credit)::text FROM account_move_line WHERE move_id = %s "
            "GROUP BY account_id",
            [move.id],
        )  # as text: Odoo reads numeric columns as floats
        codes = {account.id: code for code, account in self.accounts.items()}
        return {
            codes.get(account_id, account_id): (Decimal(debit), Decimal(credit))
            for account_id, debit, credit in self.env.cr.fetchall()
        }

    def _run_postcommit(self):
        """What happens once the request's transaction commits (Loket is told then)."""
        self.env.flush_all()
        self.env.cr.postcommit.run()
        self.env.invalidate_all()


class JournalCase(JournalSetUp, LoketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_journal()


class JournalHttpCase(JournalSetUp, LoketHttpCase):
    """The same in a real browser (tours): the fake Loket answers the server's requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rsps.add_passthru("http://127.0.0.1:")  # the browser's debugger, as well as Odoo itself
        cls._setup_journal()
