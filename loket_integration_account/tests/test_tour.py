"""A real browser (headless Chromium) books a run: the integration's payroll journal, an
Odoo account chosen for the Loket ledger account that had none, the journal runs, "Book in
Odoo", the entry; then the entry is compared with Loket's journal, amount by amount. Once
in English, once for a Dutch user (column headers must fit in both languages).

Without Chrome/Chromium Odoo skips these tests; ``scripts/run_tests.py`` says so loudly."""

import json
import logging
from urllib.parse import quote

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.loket_integration.tests.test_tours import _PreconnectTimeout

from .common import YEAR, JournalHttpCase, loket_sums

COOKIE = "loket_journal_tour"  # read by static/tests/tours/loket_journal_tour.js
UNMAPPED = "4150"  # the ledger account the tour maps


@tagged("post_install", "-at_install")
class TestJournalTour(JournalHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        werkzeug, preconnect = logging.getLogger("werkzeug"), _PreconnectTimeout()
        werkzeug.addFilter(preconnect)
        cls.addClassCleanup(werkzeug.removeFilter, preconnect)
        cls.env["res.lang"]._activate_lang("nl_NL")
        modules = ["base", "web", "mail", "account", "loket_integration", "loket_integration_account"]
        cls.env["ir.module.module"]._load_module_terms(modules, ["nl_NL"], overwrite=True)

        def manager(login, lang):
            return new_test_user(
                cls.env,
                login=login,
                lang=lang,
                # Full accounting features: the entry's lines (Odoo shows them to its accountants only).
                groups="base.group_user,account.group_account_manager,account.group_account_user",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )

        cls.english = manager("journal_tour_en", "en_US")
        cls.dutch = manager("journal_tour_nl", "nl_NL")

    def _walk(self, login, period):
        loket_run = self.fake.run_payroll(YEAR, period)
        self.settings.action_fetch_runs()
        run = self.settings.run_ids.filtered(lambda r: r.loket_id == loket_run["id"])
        self.settings.account_ids.filtered(lambda row: row.code == UNMAPPED).account_id = False
        account = self.accounts[UNMAPPED]
        params = {
            "integration": self.integration.name,
            "code": UNMAPPED,
            "account": f"{account.code} {account.name}",
            "sequence": run.sequence_number,
            "ref": run._move_ref(),
        }
        self.start_tour(
            "/odoo/action-loket_integration_account.action_loket_journal_settings",
            "loket_journal_book_tour",
            login=login,
            cookies={COOKIE: quote(json.dumps(params))},
        )
        self.env.invalidate_all()
        move = run.move_id
        self.assertTrue(move, "the tour booked the run")
        self.assertEqual(move.create_uid.login, login)
        self.assertEqual(self.settings.account_ids.filtered(lambda row: row.code == UNMAPPED).account_id, account)
        self.assertEqual(move.currency_id.name, "EUR")
        # Loket's journal, summed independently per ledger account: exactly the entry's.
        self.assertEqual(self._odoo_sums(move), loket_sums(self.fake.journal_results(loket_run["id"])))
        self.assertEqual(len(move.line_ids), len(run._entry(self.fake.journal_results(loket_run["id"])).lines))

    def test_a_manager_books_a_run_in_the_browser(self):
        self._walk(self.english.login, 3)

    def test_a_dutch_manager_books_a_run_in_the_browser(self):
        self._walk(self.dutch.login, 4)
