"""Rotating refresh tokens across workers, on real, separate database transactions.

Unlike ``LoketCase`` this class leaves the registry out of test mode, so
``registry.cursor()`` hands out real connections as in production: each thread
below is a worker with its own REPEATABLE READ transaction. The rows the workers
share are committed (and removed again by the cleanup).
"""

import logging
import threading
import time

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import common, tagged

from ..loket import TokenSet
from ..models.loket_token import TokenKeeper
from ..odoo_version import Transaction, group_users
from .common import LoketMockMixin

WAIT = 10  # seconds a test waits for the other worker before giving up


@tagged("post_install", "-at_install")
class TestRefreshTokenRace(LoketMockMixin, common.TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_loket_mock()

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            params = env["ir.config_parameter"]
            saved = {
                key: params.get_param(key) for key in ("loket_integration.client_id", "loket_integration.client_secret")
            }
            params.set_param("loket_integration.client_id", self.fake.client_id)
            params.set_param("loket_integration.client_secret", self.fake.client_secret)
            integration = env["loket.integration"].create(
                {
                    "name": "Race B.V.",
                    "environment": "custom",
                    "api_url": self.fake.environment.api_url,
                    "oauth_url": self.fake.environment.oauth_url,
                    "state": "connected",
                }
            )
            env["loket.token"].create(
                {"integration_id": integration.id, "refresh_token": self.fake.issue_refresh_token()}
            )
        self.integration_id = integration.id
        self.addCleanup(self._remove_committed_rows, saved)
        self.addCleanup(setattr, self.fake, "before_token", None)

    def _remove_committed_rows(self, saved_params):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["loket.integration"].browse(self.integration_id).unlink()
            for key, value in saved_params.items():
                env["ir.config_parameter"].set_param(key, value or False)

    # -- helpers ------------------------------------------------------------------------

    def _in_worker(self, function, started=None):
        """Run ``function(integration)`` in a transaction of its own, as a worker process would:
        its snapshot is taken (``started`` is set) before it reaches Loket."""
        with self.registry.cursor() as cr:
            # Registry(dbname) would wait for the registries' lock, which the test runner holds.
            cr.transaction = Transaction(self.registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute("SELECT 1")  # the request's first statement: its snapshot starts here
            if started:
                started.set()
            return function(env["loket.integration"].browse(self.integration_id))

    def _run_workers(self, *functions):
        """Start the workers together; ``{index: result or exception}`` once all are done."""
        results = {}

        def run(index, function):
            try:
                results[index] = self._in_worker(function)
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                results[index] = exc

        threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(4 * WAIT)
        self.assertFalse([t for t in threads if t.is_alive()], "a worker hangs")
        return results

    def _hold_first_grant_until_another_worker_waits(self):
        """Loket answers the first refresh only once a second worker waits on the
        integration's token lock: the window in which the race was lost."""
        held = threading.Event()

        def before_token(form):
            if held.is_set():
                return
            held.set()
            deadline = time.monotonic() + WAIT
            with self.registry.cursor() as cr:
                while time.monotonic() < deadline:
                    cr.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                    if cr.fetchone()[0]:
                        return
                    cr.rollback()
                    time.sleep(0.02)

        self.fake.before_token = before_token

    def _set_notification_type(self, user_ids, value):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["res.users"].browse(user_ids).notification_type = value

    def _stored_refresh_token(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT refresh_token FROM loket_token WHERE integration_id = %s", [self.integration_id])
            row = cr.fetchone()
        return row and row[0]

    def _committed_state(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT state FROM loket_integration WHERE id = %s", [self.integration_id])
            return cr.fetchone()[0]

    @staticmethod
    def _check_connection(integration):
        """A Loket call as the screens make it (a refused login disconnects the integration)."""
        return integration._loket_call(lambda client: client.check_connection())

    @staticmethod
    def _list_employers(integration):
        """A Loket call whose errors reach the test as Loket's own."""
        return integration._loket_client().check_connection()

    # -- the race ------------------------------------------------------------------------

    def test_two_workers_refreshing_at_once_spend_the_newest_token_once(self):
        self._hold_first_grant_until_another_worker_waits()
        results = self._run_workers(self._list_employers, self._list_employers)
        self.assertEqual(self.fake.refused_refresh_tokens, [], "a spent refresh token was offered again")
        for result in results.values():
            self.assertNotIsInstance(result, Exception, result)
            self.assertEqual([e["id"] for e in result], [self.fake.employer_id])
        # The worker that waited used the access token the other one obtained.
        self.assertEqual(self.fake.token_requests, ["refresh_token"])
        self.assertIn(self._stored_refresh_token(), self.fake.refresh_tokens)
        self.assertEqual(self._committed_state(), "connected")

    def test_many_workers_over_several_expiries_never_spend_a_token_twice(self):
        self.addCleanup(setattr, self.fake, "access_token_lifetime", self.fake.access_token_lifetime)
        self.fake.access_token_lifetime = 1  # renewed after 0.75 s: several rotations while the workers run
        until = time.monotonic() + 3

        def keep_calling(integration):
            calls = 0
            while time.monotonic() < until:
                self._list_employers(integration)  # a new client each time, as each request makes one
                calls += 1
            return calls

        results = self._run_workers(*[keep_calling] * 6)
        self.assertFalse([r for r in results.values() if isinstance(r, Exception)], results)
        self.assertGreater(self.fake.token_requests.count("refresh_token"), 2)
        spent = self.fake.spent_refresh_tokens
        self.assertEqual(len(spent), len(set(spent)))
        self.assertEqual(self.fake.refused_refresh_tokens, [])
        self.assertIn(self._stored_refresh_token(), self.fake.refresh_tokens)
        self.assertEqual(self._committed_state(), "connected")

    def test_a_refresh_in_a_transaction_that_rolls_back_keeps_the_new_token(self):
        def refresh_then_fail(integration):
            integration._loket_client().oauth.refresh()
            integration.env.cr.rollback()  # the worker's own transaction is lost, the token is not
            return True

        first = self._stored_refresh_token()
        self._in_worker(refresh_then_fail)
        stored = self._stored_refresh_token()
        self.assertIn(first, self.fake.spent_refresh_tokens)
        self.assertIn(stored, self.fake.refresh_tokens)
        self.fake.expire_access_tokens()
        self._in_worker(self._list_employers)
        self.assertEqual(self.fake.refused_refresh_tokens, [])

    def test_a_disconnect_while_another_worker_refreshes_leaves_no_token(self):
        self._hold_first_grant_until_another_worker_waits()
        refreshing = threading.Event()

        def disconnect(integration):
            refreshing.wait(WAIT)
            time.sleep(0.2)  # the other worker is inside its grant now
            integration.action_disconnect()
            return True

        def refresh(integration):
            refreshing.set()
            return self._list_employers(integration)

        self._run_workers(refresh, disconnect)
        self.assertFalse(self._stored_refresh_token(), "the disconnected integration got its token back")
        self.assertEqual(self._committed_state(), "disconnected")

    def test_a_login_during_a_refresh_wins(self):
        """The OAuth callback stores the new login's token after, not before, a refresh in flight."""
        self._hold_first_grant_until_another_worker_waits()
        refreshing = threading.Event()
        code = self.fake.issue_code(self._in_worker(lambda integration: integration._loket_redirect_uri()))

        def login(integration):
            refreshing.wait(WAIT)
            time.sleep(0.2)
            integration._loket_exchange_code(code)
            return True

        def refresh(integration):
            refreshing.set()
            return self._list_employers(integration)

        results = self._run_workers(refresh, login)
        self.assertFalse([r for r in results.values() if isinstance(r, Exception)], results)
        grants = [e[1] for e in self.fake.events if e[0] == "token"]
        self.assertEqual(grants, ["refresh_token", "authorization_code"])
        # The login's refresh token is the newest one Loket issued: it must be the stored one.
        self.assertEqual(self._stored_refresh_token(), max(self.fake.refresh_tokens, key=_issue_order))

    def test_a_refresh_token_revoked_at_loket_disconnects_once(self):
        # Activities notify by inbox here: an e-mail is sent after commit through Registry(dbname),
        # which waits for the registries' lock that the test runner holds.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            managers = group_users(env.ref("loket_integration.group_loket_manager"))
            by_email = managers.filtered(lambda user: user.notification_type == "email")
            by_email.notification_type = "inbox"
        self.addCleanup(self._set_notification_type, by_email.ids, "email")
        self.fake.revoke_refresh_tokens()
        results = self._run_workers(self._check_connection, self._check_connection, self._check_connection)
        for result in results.values():
            self.assertIsInstance(result, UserError)
            self.assertIn("connect it again", str(result))
        self.assertEqual(self._committed_state(), "disconnected")
        self.assertFalse(self._stored_refresh_token())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            integration = env["loket.integration"].browse(self.integration_id)
            managers = group_users(env.ref("loket_integration.group_loket_manager")).filtered(
                lambda user: integration.company_id in user.company_ids
            )
            activities = integration.activity_ids.filtered(lambda a: a.summary == "Connect Loket again")
            self.assertTrue(managers)
            self.assertEqual(len(activities), len(managers), "one activity per administrator, not per worker")

    def test_a_token_write_that_fails_puts_no_token_in_the_log(self):
        """Odoo logs a failing query with its parameters ("bad query: INSERT … 'the token'"):
        a write of the tokens that fails (here the integration was deleted by another worker
        meanwhile) must not leave them in the server log."""
        with self.registry.cursor() as cr:
            gone = api.Environment(cr, SUPERUSER_ID, {})["loket.integration"].create({"name": "Gone B.V."})
        gone_id = gone.id
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["loket.integration"].browse(gone_id).unlink()
        tokens = TokenSet(access_token="access-SECRET-1", refresh_token="refresh-SECRET-1", expires_at=time.time() + 60)
        logged = []
        handler = logging.Handler()
        handler.emit = lambda record: logged.append(record.getMessage())
        logging.getLogger().addHandler(handler)
        try:
            keeper = TokenKeeper(self.env, [gone_id])
            with self.assertRaises(psycopg2.IntegrityError), keeper.guard():
                keeper.save(tokens)
        finally:
            logging.getLogger().removeHandler(handler)
        self.assertFalse([line for line in logged if "SECRET" in line], "a token in the log")


def _issue_order(token):
    return int(token.split("-")[1])  # the fake numbers its tokens in the order it issues them
