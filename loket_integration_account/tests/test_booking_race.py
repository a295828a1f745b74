"""Exactly once: two workers book the same journal run at the same moment, on real, separate
transactions (the registry is not in test mode, as in loket_integration's test_token_race).

The rows the workers share are committed, and removed again by the cleanup.
"""

import threading
import time

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import common, tagged

from odoo.addons.loket_integration.odoo_version import Transaction
from odoo.addons.loket_integration.tests.common import LoketMockMixin

from .common import CHART, YEAR

WAIT = 10  # seconds a worker waits for the other one


@tagged("post_install", "-at_install")
class TestBookingRace(LoketMockMixin, common.TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_loket_mock()

    def setUp(self):
        super().setUp()
        self.ids = {}
        self.addCleanup(self._remove_committed_rows)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            params = env["ir.config_parameter"]
            self.saved_params = {
                key: params.get_param(key) for key in ("loket_integration.client_id", "loket_integration.client_secret")
            }
            params.set_param("loket_integration.client_id", self.fake.client_id)
            params.set_param("loket_integration.client_secret", self.fake.client_secret)
            euro = env.ref("base.EUR")
            self.ids["euro_was_active"] = euro.active
            euro.active = True
            company = env["res.company"].create({"name": "Race Bakkerij B.V.", "currency_id": euro.id})
            self.ids["company"] = company.id
            integration = env["loket.integration"].create(
                {
                    "name": "Race",
                    "company_id": company.id,
                    "environment": "custom",
                    "api_url": self.fake.environment.api_url,
                    "oauth_url": self.fake.environment.oauth_url,
                    "state": "connected",
                    "loket_employer_id": self.fake.employer_id,
                    "loket_administration_id": self.fake.administration_id,
                }
            )
            self.ids["integration"] = integration.id
            env["loket.token"].create(
                {"integration_id": integration.id, "refresh_token": self.fake.issue_refresh_token()}
            )
            Account = env["account.account"].with_company(company)
            self.ids["accounts"] = [
                Account.create(
                    {"code": code, "name": name, "account_type": kind, "company_ids": [Command.set(company.ids)]}
                ).id
                for code, (name, kind) in CHART.items()
            ]
        self.loket_run = self.fake.run_payroll(YEAR, 3)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            settings = env["loket.journal.settings"].search([("integration_id", "=", self.ids["integration"])])
            settings.action_create_journal()
            self.ids["journal"] = settings.journal_id.id
            settings.action_fetch_runs()
            self.run_id = settings.run_ids.id
            self.ids["settings"] = settings.id

    def _remove_committed_rows(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if self.ids.get("journal"):
                env["account.move"].search([("journal_id", "=", self.ids["journal"])]).unlink()
            if self.ids.get("integration"):
                env["loket.integration"].browse(self.ids["integration"]).unlink()
            env["account.journal"].browse(self.ids.get("journal")).exists().unlink()
            env["account.account"].browse(self.ids.get("accounts", [])).exists().unlink()
            if self.ids.get("company"):
                company = env["res.company"].browse(self.ids["company"])
                env.user.company_ids -= company
                company.unlink()
            env.ref("base.EUR").active = self.ids.get("euro_was_active", False)
            for key, value in getattr(self, "saved_params", {}).items():
                env["ir.config_parameter"].set_param(key, value or False)

    def _worker(self, function):
        """Run ``function(run)`` in a transaction of its own, as a worker process would."""
        with self.registry.cursor() as cr:
            cr.transaction = Transaction(self.registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            return function(env["loket.journal.run"].browse(self.run_id))

    def _waiting_for_a_lock(self):
        """Whether some transaction waits for a lock (the second worker, on the entry's unique index)."""
        deadline = time.monotonic() + WAIT
        with self.registry.cursor() as cr:
            while time.monotonic() < deadline:
                cr.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cr.fetchone()[0]:
                    return True
                cr.rollback()
                time.sleep(0.02)
        return False

    def test_two_workers_booking_the_same_run_make_one_entry(self):
        first_booked = threading.Event()
        results = {}

        def first(run):
            move = run._book()
            run.env.flush_all()  # the entry is inserted; this transaction is not committed yet
            first_booked.set()
            results["second waited"] = self._waiting_for_a_lock()
            return move.id  # committed when the worker's cursor closes

        def second(run):
            first_booked.wait(WAIT)
            return run._book()  # its snapshot does not see the first worker's entry

        def run_worker(name, function):
            try:
                results[name] = self._worker(function)
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                results[name] = exc

        threads = [threading.Thread(target=run_worker, args=item) for item in (("first", first), ("second", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(4 * WAIT)
        self.assertFalse([t for t in threads if t.is_alive()], "a worker hangs")

        self.assertTrue(results["second waited"], "the second worker did not meet the first one's entry")
        self.assertIsInstance(results["first"], int, results["first"])
        self.assertIsInstance(results["second"], UserError, results["second"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            moves = env["account.move"].search([("loket_journal_run_id", "=", self.run_id)])
            self.assertEqual(moves.ids, [results["first"]], "exactly one entry for the run")
            self.assertIn("meanwhile", str(results["second"]))
            # A draft entry has no number: "/" on 18.0, none on 19.0; the message names it by id then.
            name = moves.name if moves.name and moves.name != "/" else f"draft (id {moves.id})"
            self.assertIn(name, str(results["second"]), "the second worker says where it was booked")
