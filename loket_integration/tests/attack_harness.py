"""The attacker's suites' machinery, shared by the addons: which public methods an addon
defines, a user of every role in two companies, what a refused call must leave as it was,
and one attempt whose effects are rolled back."""

import contextlib

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tools import SQL

from ..odoo_version import regex_private


class RolledBack(Exception):
    pass


def public_methods(env, module_prefix):
    """``{(model, method)}`` of every public method (a name Odoo does not take for private)
    that the classes of ``module_prefix`` define or override, on every non-abstract model."""
    found = set()
    for name in env.registry:
        model = env[name]
        if model._abstract:
            continue
        for cls in type(model).__mro__:
            if not cls.__module__.startswith(module_prefix):
                continue
            for attr, value in vars(cls).items():
                if callable(value) and not regex_private.match(attr) and not isinstance(value, fields.Field):
                    found.add((name, attr))
    return found


def users_per_role(env, roles, companies, login):
    """``{(role, where): user}``: a user of each role in each of ``companies`` ({where: company})."""
    users = {}
    for n, (role, groups) in enumerate(roles.items()):
        for m, (where, company) in enumerate(companies.items()):
            users[(role, where)] = new_test_user(
                env,
                f"{login}_{m}_{n}",
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
    return users


def table_state(env, tables, like):
    """A fingerprint of each table of ``tables`` and of those whose name is ``LIKE like``."""
    env.flush_all()
    cr = env.cr
    cr.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE %s", [like])
    state = {}
    for table in [*tables, *sorted(row[0] for row in cr.fetchall())]:
        cr.execute(
            SQL("SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM %s t", SQL.identifier(table))
        )
        state[table] = cr.fetchone()
    return state


def attempt(env, call, trace):
    """``(refused, trace() before, trace() after)`` of ``call()``: refused is an AccessError;
    any other error is a business refusal of an allowed call. Everything is rolled back."""
    outcome = {}
    with contextlib.suppress(RolledBack), env.cr.savepoint():
        before = outcome["after"] = trace()
        try:
            call()
            outcome["refused"] = False
        except AccessError:
            outcome["refused"] = True
        except Exception:  # noqa: BLE001 - allowed, refused for a business reason (UserError...)
            outcome["refused"] = False
            raise RolledBack from None  # the transaction may be aborted: nothing more to read
        outcome["after"] = trace()
        raise RolledBack
    env.invalidate_all()
    return outcome["refused"], before, outcome["after"]


class AttackSuite:
    """The two tests of an attacker's suite, for a test case that sets ``attacks`` (rows
    with ``model``, ``method``, ``allowed`` roles and ``model_level``), ``module_prefix``,
    ``users`` (``users_per_role`` with "own company" and "other company"), ``fake`` (the
    fake Loket) and ``_attempt(attack, user)`` (``attempt`` of the row's call)."""

    attacks = ()
    module_prefix = ""
    # Odoo 18's loader runs only the test methods a class defines itself
    # (odoo.tests.loader.get_module_test_cases): without this the two tests below never ran.
    allow_inherited_tests_method = True

    def test_every_public_method_has_a_row(self):
        listed = {(attack.model, attack.method) for attack in self.attacks}
        found = public_methods(self.env, self.module_prefix)
        self.assertFalse(sorted(found - listed), "public methods without a row in the attacks")
        # Besides the addon's own methods, rows may try Odoo's deletion of the addon's records.
        deletions = {(model, method) for model, method in listed if method == "unlink" and model.startswith("loket.")}
        self.assertFalse(sorted(listed - found - deletions), "rows of the attacks naming no public method of the addon")

    def test_every_public_method_as_every_role(self):
        for attack in self.attacks:
            for (role, where), user in self.users.items():
                expected_allowed = role in attack.allowed and (where == "own company" or attack.model_level)
                with self.subTest(method=f"{attack.model}.{attack.method}", role=role, records=where):
                    self.fake.reset_logs()
                    refused, before, after = self._attempt(attack, user)
                    self.assertEqual(not refused, expected_allowed, "allowed" if not refused else "refused")
                    if refused:
                        changed = sorted(key for key in before if before[key] != after[key])
                        self.assertFalse(changed, "a refused call left a trace")
