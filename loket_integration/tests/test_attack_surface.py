"""The attacker's suite: every public method of the addon, as every role, on its own
company's records and on another company's.

Any logged-in user can call any public method (a name Odoo does not take for private)
of any model over RPC. ``ATTACKS`` holds one row per such method of the addon's models
and of its extensions of Odoo's models: who may call it on their own company's records.
On another company's records nobody may. A refused call must raise ``AccessError`` and
leave no trace: no token erased, no request to Loket, no row of the addon, of the
employees or of the chatter written. A public method without a row fails
``test_every_public_method_has_a_row``.
"""

from dataclasses import dataclass

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.models import regex_private
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import LoketCase

ADDON_MODULE = "odoo.addons.loket_integration."
ROLES = {
    "system admin": "base.group_user,base.group_system,loket_integration.group_loket_manager",
    "Loket administrator": "base.group_user,loket_integration.group_loket_manager",
    "Loket user": "base.group_user,loket_integration.group_loket_user",
    "HR officer": "base.group_user,hr.group_hr_user",
    "internal user": "base.group_user",
    "portal user": "base.group_portal",
}
ADMINS = ("system admin", "Loket administrator")
LOKET_USERS = (*ADMINS, "Loket user")
# What a refused call must not have changed: the addon's tables and what its code writes.
WATCHED_TABLES = (
    "hr_contract",
    "hr_department",
    "hr_employee",
    "ir_attachment",
    "ir_config_parameter",
    "mail_activity",
    "mail_message",
)


@dataclass
class Attack:
    """``call(test, record)`` calls the method on ``record`` (``target(test, user)``: made
    by the user; default: the model's record of company A, ``test.records``) as given;
    ``allowed``: the roles that may, on their own company's records. ``model_level``: a
    method that involves no record of a company, so the user's company does not matter."""

    model: str
    method: str
    allowed: tuple
    call: object = None
    target: object = None
    model_level: bool = False

    def run(self, test, record):
        return (self.call or (lambda t, r: getattr(r, self.method)()))(test, record)


def _wizard(test, user):
    return test.env["loket.export.wizard"].with_user(user).create({"integration_id": test.integration.id, "year": 2026})


def _settings(test, user):
    return test.env["res.config.settings"].with_user(user).create({})


ATTACKS = [
    # The integration: Loket's login, lists and requests are the administrators'.
    Attack("loket.integration", "create", ADMINS, lambda t, r: r.browse().create({"name": "Nieuw"}), model_level=True),
    Attack("loket.integration", "write", ADMINS, lambda t, r: r.write({"name": "Hernoemd"})),
    Attack("loket.integration", "action_connect", ADMINS),
    Attack("loket.integration", "action_refresh_administrations", ADMINS),
    Attack("loket.integration", "action_test_connection", ADMINS),
    Attack("loket.integration", "action_disconnect", ADMINS),
    Attack("loket.integration", "action_refresh_distribution_units", ADMINS),
    Attack("loket.integration", "action_refresh_payroll_components", ADMINS),
    Attack("loket.integration", "action_add_used_hour_codes", ADMINS),
    Attack(
        "loket.integration",
        "action_add_integration",
        ADMINS,
        lambda t, r: r.browse().action_add_integration(),
        model_level=True,
    ),
    Attack("loket.integration", "action_fetch_employees", ADMINS),
    Attack("loket.integration", "action_sync_employees", ADMINS),
    # Screens of the integration: whoever may read it (Loket users of its company).
    Attack("loket.integration", "action_open_all_loket_employees", LOKET_USERS),
    Attack("loket.integration", "action_open_loket_employees", LOKET_USERS),
    Attack("loket.integration", "action_open_loket_jobs", LOKET_USERS),
    Attack("loket.integration", "action_open_export_wizard", LOKET_USERS),
    # Mapping rows: the administrators decide; everybody may ask for the list's fields.
    Attack("loket.employee", "fields_get", (*ROLES,), lambda t, r: r.browse().fields_get(["name"]), model_level=True),
    Attack(
        "loket.employee",
        "create",
        (),
        lambda t, r: r.browse().create({"integration_id": t.integration.id, "loket_id": "nieuw", "name": "Nieuw"}),
        model_level=True,
    ),
    Attack("loket.employee", "write", ADMINS, lambda t, r: r.write({"decision": "skip"})),
    Attack("loket.employee", "action_add", ADMINS),
    Attack("loket.employee", "action_skip", ADMINS),
    Attack("loket.employee", "action_map_suggested", ADMINS),
    Attack("loket.employee", "action_apply", ADMINS),
    Attack("hr.employee", "action_open_loket_mapping", ADMINS),
    # Exports: Loket users of the company read, send and make them again.
    Attack("loket.export", "action_generate_again", LOKET_USERS),
    Attack("loket.export", "action_download", LOKET_USERS),
    Attack("loket.export", "action_send_to_loket", LOKET_USERS),
    Attack("loket.export", "action_open_rows", LOKET_USERS),
    Attack(
        "loket.export.wizard",
        "create",
        LOKET_USERS,
        lambda t, r: r.create({"integration_id": t.integration.id, "year": 2026}),
        target=lambda t, user: t.env["loket.export.wizard"],
    ),
    Attack("loket.export.wizard", "action_generate", LOKET_USERS, target=_wizard),
    Attack("loket.export.wizard", "action_generate_and_send", LOKET_USERS, target=_wizard),
    # Settings (only system administrators open them): the client secret, the integrations list.
    Attack("res.config.settings", "set_values", ("system admin",), target=_settings, model_level=True),
    Attack("res.config.settings", "action_loket_integrations", ("system admin",), target=_settings, model_level=True),
    Attack(
        "res.config.settings", "action_add_loket_integration", ("system admin",), target=_settings, model_level=True
    ),
]


class _RolledBack(Exception):
    pass


@tagged("post_install", "-at_install")
class TestAttackSurface(LoketCase):
    n_employees = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._connect()
        cls.integration.client_number = "12345"
        cls.integration.action_fetch_employees()
        rows = cls.env["loket.employee"].search([("integration_id", "=", cls.integration.id)])
        rows[:1].action_add()
        cls.employee = rows[:1].employee_id
        cls.period = cls.env["loket.payroll.period"].create(
            {
                "integration_id": cls.integration.id,
                "year": 2026,
                "number": 3,
                "date_from": "2026-03-01",
                "date_to": "2026-03-31",
            }
        )
        cls.export = cls.env["loket.export"].create(
            {
                "name": "Export A",
                "integration_id": cls.integration.id,
                "period_id": cls.period.id,
                "year": 2026,
                "period_number": 3,
                "date_from": "2026-03-01",
                "date_to": "2026-03-31",
            }
        )
        cls.records = {
            "loket.integration": cls.integration,
            "loket.employee": rows[1:2],
            "hr.employee": cls.employee,
            "loket.export": cls.export,
        }
        company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Andere B.V."})
        cls.users = {}
        for n, (role, groups) in enumerate(ROLES.items()):
            cls.users[(role, "own company")] = new_test_user(
                cls.env,
                f"attack_a_{n}",
                groups=groups,
                company_id=company_a.id,
                company_ids=[Command.set(company_a.ids)],
            )
            cls.users[(role, "other company")] = new_test_user(
                cls.env,
                f"attack_b_{n}",
                groups=groups,
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
            )

    # -- the table is complete --------------------------------------------------------

    def _public_methods(self):
        """``{(model, method)}`` of every public method the addon defines (or overrides)."""
        found = set()
        for name in self.registry:
            model = self.env[name]
            if model._abstract:
                continue
            for cls in type(model).__mro__:
                if not cls.__module__.startswith(ADDON_MODULE):
                    continue
                for attr, value in vars(cls).items():
                    if callable(value) and not regex_private.match(attr) and not isinstance(value, fields.Field):
                        found.add((name, attr))
        return found

    def test_every_public_method_has_a_row(self):
        listed = {(attack.model, attack.method) for attack in ATTACKS}
        found = self._public_methods()
        self.assertFalse(sorted(found - listed), "public methods without a row in ATTACKS")
        self.assertFalse(sorted(listed - found), "rows of ATTACKS naming no public method of the addon")

    # -- every row, every role ----------------------------------------------------------

    def _trace(self):
        """What a refused call must leave as it was: table contents, tokens, Loket's log."""
        self.env.flush_all()
        cr = self.env.cr
        tables = list(WATCHED_TABLES)
        cr.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'loket%%'")
        tables += sorted(row[0] for row in cr.fetchall())
        state = {}
        for table in tables:
            cr.execute(
                SQL("SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM %s t", SQL.identifier(table))
            )
            state[table] = cr.fetchone()
        state["loket requests"] = (len(self.fake.requests), len(self.fake.token_requests))
        return state

    def _attempt(self, attack, user):
        """``(refused, trace before, trace after)``; whatever the call did is rolled back."""
        outcome = {}
        try:
            with self.env.cr.savepoint():
                before = self._trace()
                try:
                    target = attack.target(self, user) if attack.target else self.records[attack.model]
                    record = target.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
                    attack.run(self, record)
                    outcome["refused"] = False
                except AccessError:
                    outcome["refused"] = True
                except Exception:  # noqa: BLE001 - a business refusal (UserError...) of an allowed call
                    outcome["refused"] = False
                    outcome["after"] = before
                    raise _RolledBack from None
                outcome["after"] = self._trace()
                raise _RolledBack
        except _RolledBack:  # always: whatever the call did is undone
            self.env.invalidate_all()
        return outcome["refused"], before, outcome["after"]

    def test_every_public_method_as_every_role(self):
        for attack in ATTACKS:
            for (role, where), user in self.users.items():
                expected_allowed = role in attack.allowed and (where == "own company" or attack.model_level)
                with self.subTest(method=f"{attack.model}.{attack.method}", role=role, records=where):
                    self.fake.reset_logs()
                    refused, before, after = self._attempt(attack, user)
                    self.assertEqual(not refused, expected_allowed, "allowed" if not refused else "refused")
                    if refused:
                        changed = sorted(key for key in before if before[key] != after[key])
                        self.assertFalse(changed, "a refused call left a trace")
