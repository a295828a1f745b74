"""Rights and companies: every public method of the journal addon, as every role, on its own
company's records and on another company's. A refused call raises AccessError and leaves no
trace: no row written, nothing asked of or sent to Loket. A public method without a row fails
``test_every_public_method_has_a_row``."""

from dataclasses import dataclass

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.loket_integration.tests.attack_harness import AttackSuite, attempt, table_state, users_per_role

from .common import YEAR, JournalCase

ADDON_MODULE = "odoo.addons.loket_integration_account."
ROLES = {
    "system admin": "base.group_user,base.group_system,loket_integration.group_loket_manager",
    "accounting manager": "base.group_user,account.group_account_manager",
    "accountant": "base.group_user,account.group_account_user",
    "invoicing user": "base.group_user,account.group_account_invoice",
    "Loket administrator": "base.group_user,loket_integration.group_loket_manager",
    "internal user": "base.group_user",
    "portal user": "base.group_portal",
}
MANAGERS = ("system admin", "accounting manager")
READERS = (*MANAGERS, "accountant")
WATCHED_TABLES = ("account_move", "account_move_line", "account_journal", "mail_message", "mail_activity")


@dataclass
class Attack:
    model: str
    method: str
    allowed: tuple
    call: object = None
    model_level: bool = False

    def run(self, test, record):
        return (self.call or (lambda t, r: getattr(r, self.method)()))(test, record)


def _write_mapping(test, row):
    return row.write({"account_id": test.accounts["4000"].id})


ATTACKS = [
    # The payroll journal's settings: made by the addon with each integration, changed by managers.
    Attack(
        "loket.journal.settings",
        "create",
        (),
        lambda t, r: r.browse().create({"integration_id": t.integration.id}),
        model_level=True,
    ),
    Attack("loket.journal.settings", "write", MANAGERS, lambda t, r: r.write({"post_entries": True})),
    Attack("loket.journal.settings", "unlink", ()),
    Attack("loket.journal.settings", "action_create_journal", MANAGERS),
    Attack("loket.journal.settings", "action_fetch_runs", MANAGERS),
    Attack("loket.journal.settings", "action_propose_mappings", MANAGERS),
    Attack("loket.journal.settings", "action_open_runs", READERS),
    # Mappings: listed by the addon from Loket's lines; managers choose the Odoo side.
    Attack(
        "loket.journal.account",
        "create",
        (),
        lambda t, r: r.browse().create({"settings_id": t.settings.id, "loket_key": 99}),
        model_level=True,
    ),
    Attack(
        "loket.journal.analytic",
        "create",
        (),
        lambda t, r: r.browse().create({"settings_id": t.settings.id, "kind": "cost_unit", "loket_key": 99}),
        model_level=True,
    ),
    Attack("loket.journal.account", "write", MANAGERS, _write_mapping),
    Attack("loket.journal.analytic", "write", MANAGERS, lambda t, r: r.write({"analytic_account_id": False})),
    # Runs: managers book, undo and tell Loket; accountants read.
    Attack("loket.journal.run", "action_book", MANAGERS),
    Attack(
        "loket.journal.run",
        "action_mark_processed",
        MANAGERS,
        lambda t, r: t.booked.with_env(r.env).action_mark_processed(),
    ),
    Attack(
        "loket.journal.run",
        "action_undo_booking",
        MANAGERS,
        lambda t, r: t.removed.with_env(r.env).action_undo_booking(),
    ),
    Attack("loket.journal.run", "action_open_move", READERS, lambda t, r: t.booked.with_env(r.env).action_open_move()),
    # The integration: its create makes the payroll journal (Loket administrators create integrations).
    Attack(
        "loket.integration",
        "create",
        ("system admin", "Loket administrator"),
        lambda t, r: r.browse().create({"name": "Nieuw"}),
        model_level=True,
    ),
    Attack(
        "loket.integration",
        "action_open_journal_settings",
        ("system admin",),
        lambda t, r: t.integration.with_env(r.env).action_open_journal_settings(),
    ),
]


@tagged("post_install", "-at_install")
class TestRights(AttackSuite, JournalCase):
    attacks = ATTACKS
    module_prefix = ADDON_MODULE
    n_employees = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for month in (1, 2, 3):
            cls.fake.run_payroll(YEAR, month)
        cls.settings.action_fetch_runs()
        first, second, third = cls.settings.run_ids.sorted("sequence_number")
        first.action_book()
        second.action_book()
        cls.fake.remove_journal_run(second.loket_id)
        cls.settings.action_fetch_runs()
        cls.booked, cls.removed, cls.to_book = first, second, third
        cls.records = {
            "loket.journal.settings": cls.settings,
            "loket.journal.account": cls.settings.account_ids[:1],
            "loket.journal.analytic": cls.settings.analytic_ids[:1],
            "loket.journal.run": cls.to_book,
            "loket.integration": cls.integration,
        }
        other = cls._make_company("Andere Bakkerij B.V.")
        cls.users = users_per_role(cls.env, ROLES, {"own company": cls.company, "other company": other}, "journal")

    def _trace(self):
        state = table_state(self.env, WATCHED_TABLES, "loket_journal%")
        state["loket requests"] = (len(self.fake.requests), len(self.fake.token_requests))
        state["told loket"] = len(self.fake.journal_status_patches)
        return state

    def _attempt(self, attack, user):
        def call():
            record = self.records[attack.model].with_user(user)
            attack.run(self, record.with_context(allowed_company_ids=user.company_ids.ids))

        return attempt(self.env, call, self._trace)

    def test_a_manager_books_and_an_accountant_reads_in_their_company_only(self):
        manager = self.users[("accounting manager", "own company")]
        self.to_book.with_user(manager).action_book()
        self.assertTrue(self.to_book.move_id)
        accountant = self.users[("accountant", "own company")]
        runs = self.env["loket.journal.run"].with_user(accountant).search([])
        self.assertEqual(runs, self.settings.run_ids)
        outsider = self.users[("accounting manager", "other company")]
        self.assertFalse(self.env["loket.journal.run"].with_user(outsider).search([]))
        self.assertFalse(self.env["loket.journal.settings"].with_user(outsider).search([]))
        self.assertFalse(self.env["loket.journal.account"].with_user(outsider).search([]))

    def test_runs_are_read_only_for_users_and_the_addon_s_fields_protected(self):
        manager = self.users[("accounting manager", "own company")]
        with self.assertRaises(AccessError):
            self.to_book.with_user(manager).write({"total_debit": 1})
        with self.assertRaises(AccessError):
            self.settings.with_user(manager).write({"last_error": "x"})
        with self.assertRaises(AccessError):
            self.settings.account_ids[:1].with_user(manager).write({"code": "1"})
