"""The addon's access rules as one table: who may read, write, create and delete what,
which secrets only a system administrator sees, and what a company keeps to itself.

Each check runs the real ORM operation as a user of the role, in a savepoint that is
rolled back, and every mismatch is reported (``subTest``), not just the first one.
A new model is one more ``Row`` in ``MATRIX``; a new secret field one more ``Secret``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import common, new_test_user, tagged

from ..odoo_version import public_read_group

# The roles, in the order of the rights columns of MATRIX. System admin: Settings rights
# and Loket administrator, as the admin user. Loket administrator: connects integrations,
# configures mappings, adds employees (implies HR officer; on Odoo 18.0 contract administrator
# too, by the version part).
# Loket user: runs exports. The others have no Loket rights.
ROLES = {
    "system admin": "base.group_user,base.group_system,loket_integration.group_loket_manager",
    "Loket administrator": "base.group_user,loket_integration.group_loket_manager",
    "Loket user": "base.group_user,loket_integration.group_loket_user",
    "HR officer": "base.group_user,hr.group_hr_user",
    "internal user": "base.group_user",
    "portal user": "base.group_portal",
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}


@dataclass
class Row:
    """One model: its rights per role (one word per role, in ROLES order, made of r, w,
    c and u; ``-`` for none), a new record's values and a harmless change (``new(test)``,
    ``change(test)``: dicts of values)."""

    model: str
    rights: str
    new: Callable
    change: Callable
    company_field: str = "integration_id"  # grouped by in the company isolation checks

    def expected(self):
        words = self.rights.split()
        assert len(words) == len(ROLES), self.model
        return {role: set(word) - {"-"} for role, word in zip(ROLES, words, strict=True)}


def _integration(test):
    return {"integration_id": test.integration.id}


MATRIX = [
    #   model                           system Loket-admin Loket-user HR-officer internal portal
    Row("loket.integration",            "rwcu  rwcu        r          -          -        -",
        lambda t: {"name": "Nieuwe integratie"}, lambda t: {"name": "Hernoemd"}, company_field="company_id"),
    # The login tokens and login states: read and written by the addon's own code only (sudo, SQL).
    Row("loket.token",                  "rwcu  -           -          -          -        -",
        lambda t: {"integration_id": t.spare_integration.id}, lambda t: {"integration_id": t.spare_integration.id}),
    Row("loket.oauth.state",            "rwcu  -           -          -          -        -",
        lambda t: dict(_integration(t), state_hash="0" * 64, user_id=t.env.uid, expires_at=fields.Datetime.now()),
        lambda t: {"used": True}),
    # What Loket lists: read by Loket users, written by the addon only (sudo, after its own checks).
    Row("loket.administration.option",  "r     r           r          -          -        -",
        lambda t: dict(_integration(t), loket_employer_id="e1", loket_administration_id="a1", name="Bakkerij"),
        lambda t: {"client_number": "1234"}),
    Row("loket.distribution.unit",      "r     r           r          -          -        -",
        lambda t: dict(_integration(t), loket_id="du-new", code="20", name="Winkel"),
        lambda t: {"name": "Winkel 2"}),
    Row("loket.payroll.component",      "r     r           r          -          -        -",
        lambda t: dict(_integration(t), year=2026, number=999, name="Test"), lambda t: {"name": "Test 2"}),
    Row("loket.cost.center",            "rwcu  rwcu        r          -          -        -",
        lambda t: dict(_integration(t), department_id=t.department.id, distribution_unit_id=t.unit.id),
        lambda t: {"distribution_unit_id": t.unit.id}, company_field="company_id"),
    Row("loket.hour.code",              "rwcu  rwcu        r          -          -        -",
        lambda t: dict(_integration(t), work_entry_type_id=t.work_entry_type.id),
        lambda t: {"component_number": ""}),
    Row("loket.wage.component",         "rwcu  rwcu        r          -          -        -",
        lambda t: dict(_integration(t), code="days_worked"), lambda t: {"component_number": ""}),
    # Mapping rows: fetched from Loket by the addon; the administrators decide (private fields:
    # see test_employees; Loket's side of a row is protected: see test_security_findings).
    Row("loket.employee",               "rwu   rwu         r          -          -        -",
        lambda t: dict(_integration(t), loket_id="emp-new", name="Jan de Vries"), lambda t: {"decision": "skip"},
        company_field="company_id"),
    # Loket's employments: written by the sync only (protected fields); administrators delete them.
    Row("loket.employment",             "ru    ru          r          -          -        -",
        lambda t: dict(_integration(t), loket_id="employment-new", payroll_number=1),
        lambda t: {"payroll_number": 2}, company_field="company_id"),
    # Periods: Loket's (or computed from its period type), made by the addon when the export wizard lists them.
    Row("loket.payroll.period",         "r     r           r          -          -        -",
        lambda t: dict(_integration(t), year=2031, number=1, date_from="2031-01-01", date_to="2031-01-31"),
        lambda t: {"date_to": "2031-01-30"}),
    # Exports, their rows and the runs: the addon's records of what was made and sent (written by
    # its own code, after its own checks); Loket users read them, administrators delete history.
    Row("loket.export",                 "ru    ru          r          -          -        -",
        lambda t: dict(_integration(t), name="Export"), lambda t: {"warnings": "Nagekeken"},
        company_field="company_id"),
    Row("loket.export.row",             "ru    ru          r          -          -        -",
        lambda t: dict(_integration(t), export_id=t.export.id, company_id=t.env.company.id, year=2026,
                       period_number=3, employment_id="emp-1"),
        lambda t: {"message": "Nagekeken"}, company_field="company_id"),
    # Background runs: Loket users follow them, administrators manage the history.
    Row("loket.job",                    "ru    ru          r          -          -        -",
        lambda t: dict(_integration(t), kind="sync_employees"), lambda t: {"error": "Nagekeken"},
        company_field="company_id"),
    # What a fetch run holds of Loket's lists between its batches (personal data): the addon's code only.
    Row("loket.fetch.item",             "rwcu  -           -          -          -        -",
        lambda t: {"job_id": t.env["loket.job"].create(dict(_integration(t), kind="fetch_employees")).id,
                   "list_name": "employees", "key": "e1", "data": {"id": "e1"}},
        lambda t: {"owner_key": "e2"}, company_field="job_id"),
    Row("loket.export.wizard",          "rwcu  rwcu        rwcu       -          -        -",
        lambda t: dict(_integration(t), year=2026), lambda t: {"year": 2025}),
]  # fmt: skip


@dataclass
class Secret:
    """A field only some roles may read / write (``r``, ``w``); ``record(test)`` holds it."""

    model: str
    field_name: str
    record: Callable
    value: str = "changed"
    rights: dict = field(default_factory=lambda: {"system admin": "rw"})


SECRETS = [
    Secret("loket.token", "refresh_token", lambda t: t.token),
    Secret("loket.token", "access_token", lambda t: t.token),
    # A Loket administrator who could point the integration elsewhere would send the client
    # secret and the refresh token to that server: the custom URLs are the system admin's.
    Secret("loket.integration", "api_url", lambda t: t.integration),
    Secret("loket.integration", "oauth_url", lambda t: t.integration),
    Secret("res.config.settings", "loket_client_secret", lambda t: t.env["res.config.settings"].create({})),
    Secret("ir.config_parameter", "value", lambda t: t.client_secret_param),
]


class _RolledBack(Exception):
    pass


class CompanyAFixtures(common.TransactionCase):
    """Company A's integration and what the rows of the matrix refer to; a user per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration = cls.env["loket.integration"].create(
            {"name": "Krakeling", "environment": "custom", "api_url": "https://a.test/v2", "oauth_url": "https://a"}
        )
        cls.spare_integration = cls.env["loket.integration"].create({"name": "Reserve"})
        cls.token = cls.env["loket.token"].create(
            {"integration_id": cls.integration.id, "refresh_token": "refresh", "access_token": "access"}
        )
        cls.env["ir.config_parameter"].set_param("loket_integration.client_secret", "geheim")
        cls.client_secret_param = cls.env["ir.config_parameter"].search(
            [("key", "=", "loket_integration.client_secret")]
        )
        cls.unit = cls.env["loket.distribution.unit"].create(
            {"integration_id": cls.integration.id, "loket_id": "du-1", "code": "10", "name": "Bakkerij"}
        )
        cls.department = cls.env["hr.department"].create({"name": "Bakkerij"})
        cls.work_entry_type = cls.env["hr.work.entry.type"].create({"name": "Matrix", "code": "LKT_MATRIX"})
        cls.export = cls.env["loket.export"].create({"name": "Export A", "integration_id": cls.integration.id})
        cls.users = {
            role: new_test_user(cls.env, f"matrix_{n}", groups=groups, name=role)
            for n, (role, groups) in enumerate(ROLES.items())
        }


@tagged("post_install", "-at_install")
class TestAccessMatrix(CompanyAFixtures):
    def _allowed(self, operation):
        """Whether ``operation()`` ran without an AccessError; its effects are rolled back."""
        try:
            with self.env.cr.savepoint():
                operation()
                self.env.flush_all()
                raise _RolledBack
        except _RolledBack:
            return True
        except AccessError:
            return False

    def _attempt(self, row, user, letter):
        Model = self.env[row.model].with_user(user)
        values = row.new(self)
        if letter == "c":
            return self._allowed(lambda: Model.create(values))

        change = row.change(self)

        def on_a_record():
            record = Model.sudo().create(values).with_user(user)  # a record of the user's company
            if letter == "r":
                record.read(list(change))
            elif letter == "w":
                record.write(change)
            else:
                record.unlink()

        return self._allowed(on_a_record)

    def test_every_model_of_the_addon_is_in_the_matrix(self):
        ours = {
            name
            for name, model in self.registry.items()
            if model._original_module == "loket_integration" and not model._abstract
        }
        self.assertEqual(ours, {row.model for row in MATRIX})

    def test_model_rights_per_role(self):
        for row in MATRIX:
            expected = row.expected()
            for role, user in self.users.items():
                for letter, operation in OPERATIONS.items():
                    with self.subTest(model=row.model, role=role, operation=operation):
                        allowed = self._attempt(row, user, letter)
                        self.assertEqual(
                            allowed,
                            letter in expected[role],
                            f"{role} {'may' if allowed else 'may not'} {operation} {row.model}",
                        )

    def test_secret_fields_per_role(self):
        for secret in SECRETS:
            record = secret.record(self)
            for role, user in self.users.items():
                rights = secret.rights.get(role, "")
                mine = record.with_user(user)
                checks = (
                    ("r", "read", lambda r=mine, s=secret: r.read([s.field_name])),
                    ("w", "write", lambda r=mine, s=secret: r.write({s.field_name: s.value})),
                )
                for letter, operation, check in checks:
                    with self.subTest(field=f"{secret.model}.{secret.field_name}", role=role, operation=operation):
                        allowed = self._allowed(check)
                        self.assertEqual(allowed, letter in rights, f"{role} {operation} {secret.field_name}")
                if "r" in rights or not mine.has_access("read"):
                    continue
                with self.subTest(field=f"{secret.model}.{secret.field_name}", role=role, operation="read all"):
                    # Who reads the record does not get the field listed, nor in a read of all fields.
                    self.assertNotIn(secret.field_name, mine.fields_get())
                    self.assertNotIn(secret.field_name, mine.read()[0])

    def test_client_secret_is_not_read_through_the_parameters(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                params = self.env["ir.config_parameter"].with_user(user)
                allowed = self._allowed(lambda p=params: p.get_param("loket_integration.client_secret"))
                self.assertEqual(allowed, role == "system admin")


@tagged("post_install", "-at_install")
class TestCompanyIsolation(CompanyAFixtures):
    """A user of company B sees nothing of company A's Loket data, whatever the way in."""

    ROLES_B = ("system admin", "Loket administrator", "Loket user")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Bakkerij B B.V."})
        cls.integration_b = cls.env["loket.integration"].create(
            {"name": "Integratie B", "company_id": cls.company_b.id}
        )
        cls.users_b = {
            role: new_test_user(
                cls.env,
                f"company_b_{n}",
                groups=ROLES[role],
                name=f"{role} B",
                company_id=cls.company_b.id,
                company_ids=[(6, 0, cls.company_b.ids)],
            )
            for n, role in enumerate(cls.ROLES_B)
        }
        cls.records_a = {row.model: cls.env[row.model].create(row.new(cls)) for row in MATRIX}
        # Company A's employees, bound to its integration, and a period of it.
        cls.employee_a = cls.env["hr.employee"].create(
            {"name": "Anna de Boer", "loket_integration_id": cls.integration.id}
        )
        cls.employee_b = cls.env["hr.employee"].create(
            {"name": "Bram Bakker", "company_id": cls.company_b.id, "loket_integration_id": cls.integration_b.id}
        )
        cls.period_a = cls.records_a["loket.payroll.period"]

    def test_company_b_sees_nothing_of_company_a(self):
        for row in MATRIX:
            record = self.records_a[row.model]
            a_value = record[row.company_field]  # the group company A's record falls in
            for role, user in self.users_b.items():
                Model = self.env[row.model].with_user(user)
                if not Model.has_access("read"):
                    continue  # no right to the model at all: the matrix covers it
                with self.subTest(model=row.model, role=role, way="search"):
                    self.assertNotIn(record, Model.search([]))
                    self.assertFalse(Model.search_count([("id", "=", record.id)]))
                with self.subTest(model=row.model, role=role, way="read"), self.assertRaises(AccessError):
                    record.with_user(user).read(["id"])
                if Model._rec_name or Model._rec_names_search:  # a model people pick by name
                    with self.subTest(model=row.model, role=role, way="name_search"):
                        self.assertNotIn(record.id, [rid for rid, _name in Model.name_search("", limit=None)])
                        self.assertNotIn(record.id, [rid for rid, _name in Model.name_search(record.display_name)])
                with self.subTest(model=row.model, role=role, way="_read_group"):
                    groups = Model._read_group([], [row.company_field], ["__count"])
                    self.assertNotIn(a_value.id, [group.id for group, _count in groups])
                with self.subTest(model=row.model, role=role, way="read_group"):
                    groups = public_read_group(Model, [], [row.company_field])
                    values = [(g[row.company_field] or [False])[0] for g in groups]
                    self.assertNotIn(a_value.id, values)

    def test_export_wizard_offers_only_the_own_company(self):
        user = self.users_b["Loket user"]
        Wizard = self.env["loket.export.wizard"].with_user(user)
        defaults = Wizard.default_get(["integration_id"])
        self.assertEqual(defaults["integration_id"], self.integration_b.id)
        # The integration dropdown.
        names = self.env["loket.integration"].with_user(user).name_search("", limit=None)
        self.assertEqual([rid for rid, _name in names], self.integration_b.ids)
        self.assertFalse(self.env["loket.integration"].with_user(user).name_search(self.integration.name))
        # The period dropdown (its domain names the integration), and by what people type in it.
        Period = self.env["loket.payroll.period"].with_user(user)
        self.assertFalse(Period.name_search("", [("integration_id", "=", self.integration.id)], limit=None))
        self.assertNotIn(self.period_a.id, [rid for rid, _n in Period.name_search(str(self.period_a.year))])
        # The employee choice: the wizard of company B offers its own bound employees only.
        wizard = Wizard.create({"integration_id": self.integration_b.id, "year": 2026})
        self.assertEqual(wizard.bound_employee_ids, self.employee_b)
        domain = [("id", "in", wizard.bound_employee_ids.ids)]
        offered = [rid for rid, _n in self.env["hr.employee"].with_user(user).name_search("", domain, limit=None)]
        self.assertEqual(offered, self.employee_b.ids)
        # Company A's integration cannot be slipped into a wizard of company B's user.
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Wizard.create({"integration_id": self.integration.id, "year": 2026})
        with self.assertRaises(AccessError):
            Wizard.onchange({"integration_id": self.integration.id, "year": 2026}, ["integration_id"], {
                "integration_id": {}, "year": {}, "period_id": {}, "bound_employee_ids": {},
            })  # fmt: skip
