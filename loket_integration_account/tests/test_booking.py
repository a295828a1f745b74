from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import YEAR, JournalCase, loket_sums


@tagged("post_install", "-at_install")
class TestBooking(JournalCase):
    def test_book_makes_one_entry_with_loket_s_amounts_exactly(self):
        run, loket_run = self._run(3)
        self.assertEqual(run.state, "to_book")
        expected = loket_sums(self.fake.journal_results(loket_run["id"]))
        self.assertEqual(Decimal(str(run.total_debit)), sum(d for d, _c in expected.values()))
        run.action_book()
        move = run.move_id
        self.assertEqual(len(move), 1)
        self.assertEqual(run.state, "booked")
        self.assertEqual(move.state, "draft", "drafts by default")
        self.assertEqual(move.journal_id.name, "Lonen en salarissen")
        self.assertEqual(str(move.date), loket_run["payrollRun"]["payrollPeriod"]["periodEndDate"])
        self.assertIn(f"Loket journal run {loket_run['sequenceNumber']}", move.ref)
        self.assertIn(f"{YEAR}/03", move.ref)
        self.assertEqual(self._odoo_sums(move), expected)

    def test_debit_and_credit_stay_apart_per_account_cost_center_and_cost_unit(self):
        run, loket_run = self._run(4)
        rows = self.fake.journal_results(loket_run["id"])
        # A correction on one account and cost center: 12.34 credit beside its debit, balanced by 12.34 more debit.
        first = next(row for row in rows if row["debetAmount"] and row["costCenter"])
        first["creditAmount"] = Decimal("12.34")
        rows.append(dict(first, debetAmount=Decimal("12.34"), creditAmount=Decimal(0)))
        run.action_book()
        lines = run.move_id.line_ids
        self.assertFalse(lines.filtered(lambda line: line.debit and line.credit))
        unit = first["costUnit"]

        def same_key(line):
            return (
                line.account_id == self.accounts[first["generalLedgerAccount"]["code"]]
                and first["costCenter"]["description"] in line.name
                and (unit["description"] in line.name if unit else "Broodlijn" not in line.name)
            )

        same = lines.filtered(same_key)
        self.assertEqual(sorted(same.mapped("credit")), [0.0, 12.34])
        keys = {
            (
                row["generalLedgerAccount"]["key"],
                (row["costCenter"] or {}).get("key"),
                (row["costUnit"] or {}).get("key"),
                side,
            )
            for row in rows
            for side in ("debetAmount", "creditAmount")
            if row[side]
        }
        self.assertEqual(len(lines), len(keys), "one line per ledger account x cost center x cost unit x side")
        self.assertEqual(self._odoo_sums(run.move_id), loket_sums(rows))

    def test_lines_carry_the_mapped_analytic_accounts_and_no_employee(self):
        run, _loket_run = self._run(5)
        run.action_book()
        lines = run.move_id.line_ids
        utrecht = lines.filtered(lambda line: "Kantoor Utrecht" in line.name)
        self.assertTrue(utrecht)
        for line in utrecht:
            accounts = {int(i) for key in line.analytic_distribution for i in key.split(",")}
            self.assertIn(self.analytic["Kantoor Utrecht"].id, accounts)
        bread = lines.filtered(lambda line: "Broodlijn" in line.name)
        for line in bread:
            self.assertIn(f"{self.bread.id}", ",".join(line.analytic_distribution))
            self.assertEqual(list(line.analytic_distribution.values()), [100])
        self.assertFalse(
            lines.filtered(lambda line: line.account_id.account_type != "expense" and line.analytic_distribution)
        )
        names = " ".join(lines.mapped("name"))
        for employee in self.fake.data["employees"]:
            self.assertNotIn(employee["personalDetails"]["lastName"], names)

    def test_booking_again_says_where_it_was_booked(self):
        run, _loket_run = self._run(3)
        run.action_book()
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("booked already", str(err.exception))
        # A draft entry has no number: "/" on 18.0, none on 19.0; the message names it by id then.
        move = run.move_id
        name = move.name if move.name and move.name != "/" else f"draft (id {move.id})"
        self.assertIn(f"entry {name} of", str(err.exception))
        self.assertEqual(self.env["account.move"].search_count([("loket_journal_run_id", "=", run.id)]), 1)

    def test_post_and_booking_day_options(self):
        self.settings.write({"post_entries": True, "date_choice": "booking_day"})
        run, _loket_run = self._run(6)
        run.action_book()
        self.assertEqual(run.move_id.state, "posted")
        self.assertNotEqual(run.move_id.name, "/")
        self.assertEqual(run.move_id.date, run.move_id.create_date.date())

    def test_an_unmapped_account_blocks_booking_naming_it(self):
        run, _loket_run = self._run(3)
        self.settings.account_ids.filtered(lambda row: row.code == "4150").account_id = False
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("4150 Pensioenlasten", str(err.exception))
        self.assertFalse(run.move_id)

    def test_an_unbalanced_run_is_refused_unless_a_rounding_account_takes_the_difference(self):
        run, loket_run = self._run(7)
        self.fake.unbalance_journal_run(loket_run["id"], cents=2)
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("does not balance", str(err.exception))
        self.assertFalse(run.move_id)
        rounding = (
            self.env["account.account"]
            .with_company(self.company)
            .create(
                {
                    "code": "8990",
                    "name": "Afrondingsverschillen",
                    "account_type": "expense",
                    "company_ids": [(6, 0, self.company.ids)],
                }
            )
        )
        self.settings.rounding_account_id = rounding
        run.action_book()
        line = run.move_id.line_ids.filtered(lambda line: line.account_id == rounding)
        self.assertEqual((line.debit, line.credit), (0.0, 0.02))
        self.assertIn("does not balance", run.warning)
        self.assertIn("8990", run.warning)
        sums = self._odoo_sums(run.move_id)
        self.assertEqual(sum(d for d, _c in sums.values()), sum(c for _d, c in sums.values()))

    def test_loket_is_told_once_the_booking_is_committed(self):
        run, loket_run = self._run(3)
        run.action_book()
        self.assertEqual(self.fake.journal_status_patches, [], "not before the booking is committed")
        self._run_postcommit()
        self.assertEqual(self.fake.journal_status_patches[-1]["action"], "MarkAsProcessed")
        move = run.move_id  # a draft has no number: "/" on 18.0, none on 19.0; its reference names it then
        entry = move.name if move.name and move.name != "/" else move.ref
        self.assertEqual(self.fake.journal_status_patches[-1]["message"], f"Booked in Odoo: {entry}")
        self.assertEqual(self.fake.journal_run(loket_run["id"])["journalRunStatus"]["key"], 7)
        self.assertEqual(run.mark_state, "marked")

    def test_a_failure_to_tell_loket_is_shown_and_keeps_the_booking(self):
        run, _loket_run = self._run(3)
        run.action_book()
        self.fake.fail(  # the PATCH after the commit is refused
            self.fake_resources().JOURNAL_RUN_STATUS.path,
            status=400,
            body={"messages": [{"code": 5, "type": "BrokenBusinessRule", "description": "Tijdelijk niet mogelijk"}]},
        )
        self._run_postcommit()
        self.assertEqual(run.mark_state, "failed")
        self.assertIn("Tijdelijk niet mogelijk", run.mark_error)
        self.assertTrue(run.move_id, "the booking stays")
        run.action_mark_processed()
        self.assertEqual(run.mark_state, "marked")

    def test_not_telling_loket_when_the_integration_says_so(self):
        self.settings.mark_processed = False
        run, _loket_run = self._run(3)
        run.action_book()
        self._run_postcommit()
        self.assertEqual(self.fake.journal_status_patches, [])
        self.assertFalse(run.mark_state)

    @staticmethod
    def fake_resources():
        from odoo.addons.loket_integration.loket import resources

        return resources


@tagged("post_install", "-at_install")
class TestBookingCurrencyAndLanguage(JournalCase):
    """Loket's amounts are euros whatever the company keeps its books in; the entry's
    reference is the company's, whoever books it."""

    def test_a_company_in_dollars_sees_euros_and_booking_is_refused_clearly(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        self.company.currency_id = usd
        run, _loket_run = self._run(3)
        self.assertEqual(run.currency_id.name, "EUR", "Loket's totals are euros")
        list_arch = self.env["loket.journal.run"].get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="currency_id"', list_arch)
        with self.assertRaises(UserError) as err:
            run.action_book()
        self.assertIn("euros", str(err.exception))
        self.assertIn("USD", str(err.exception))
        self.assertFalse(run.move_id)

    def test_the_reference_is_in_the_company_s_language_whoever_books(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(["loket_integration_account"], ["nl_NL"], overwrite=True)
        self.company.partner_id.lang = "nl_NL"
        run, loket_run = self._run(3)
        self.assertEqual(self.env.user.lang, "en_US")
        run.with_context(lang="en_US").action_book()
        number = loket_run["sequenceNumber"]
        self.assertTrue(run.move_id.ref.startswith(f"Loket-journaalrun {number}, verloningsperiode"), run.move_id.ref)
        self.assertIn(f"{YEAR}/03", run.move_id.ref)
        self.assertIn(f"(01-03-{YEAR} t/m 31-03-{YEAR})", run.move_id.ref, "Dutch dates")
