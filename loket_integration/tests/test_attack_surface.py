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

from odoo.tests import tagged

from .attack_harness import AttackSuite, attempt, table_state, users_per_role
from .common import LoketCase
from .test_access_matrix import ROLES

ADDON_MODULE = "odoo.addons.loket_integration."
ADMINS = ("system admin", "Loket administrator")
LOKET_USERS = (*ADMINS, "Loket user")
# What a refused call must not have changed: the addon's tables and what its code writes.
WATCHED_TABLES = (
    "hr_department",
    "hr_employee",
    "ir_attachment",
    "ir_config_parameter",
    "mail_activity",
    "mail_message",
)

MIRROR_MODELS = ("hr.contract", "hr.version")  # Odoo 18.0's, 19.0's


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
    Attack(
        "loket.employee",
        "get_empty_list_help",
        LOKET_USERS,
        lambda t, r: r.browse().get_empty_list_help("<p>Geen regels</p>"),
        model_level=True,
    ),
    Attack("loket.employee", "action_add", ADMINS),
    Attack("loket.employee", "action_skip", ADMINS),
    Attack("loket.employee", "action_map_suggested", ADMINS),
    Attack("loket.employee", "action_apply", ADMINS),
    Attack("hr.employee", "action_open_loket_mapping", ADMINS),
    # Loket's employments: the sync writes them; nobody by hand (the addon's fields).
    Attack(
        "loket.employment",
        "create",
        (),
        lambda t, r: r.browse().create({"integration_id": t.integration.id, "loket_id": "nieuw", "payroll_number": 9}),
        model_level=True,
    ),
    Attack("loket.employment", "write", (), lambda t, r: r.write({"payroll_number": 4711})),
    # Deleting is a correction too: only the company's Loket administrators remove a binding.
    Attack("loket.employment", "unlink", ADMINS, lambda t, r: r.unlink()),
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


@tagged("post_install", "-at_install")
class TestAttackSurface(AttackSuite, LoketCase):
    attacks = ATTACKS
    module_prefix = ADDON_MODULE
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
            "loket.employment": cls.env["loket.employment"].search([("employee_id", "=", cls.employee.id)], limit=1),
            "loket.export": cls.export,
        }
        company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Andere B.V."})
        cls.users = users_per_role(cls.env, ROLES, {"own company": company_a, "other company": cls.company_b}, "attack")

    def _trace(self):
        """What a refused call must leave as it was: table contents, tokens, Loket's log."""
        # Odoo's records of the employments, whichever the version part mirrors them on.
        mirrors = [self.env[model]._table for model in MIRROR_MODELS if model in self.env]
        state = table_state(self.env, (*WATCHED_TABLES, *mirrors), "loket%")
        state["loket requests"] = (len(self.fake.requests), len(self.fake.token_requests))
        return state

    def _attempt(self, attack, user):
        def call():
            target = attack.target(self, user) if attack.target else self.records[attack.model]
            attack.run(self, target.with_user(user).with_context(allowed_company_ids=user.company_ids.ids))

        return attempt(self.env, call, self._trace)
