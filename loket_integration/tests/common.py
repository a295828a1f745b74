"""Shared set-up of the Odoo tests: a FakeLoket behind ``responses``.

Odoo 17/18 replace ``requests.Session.send`` in every test class with
``BaseCase._request_handler``, which refuses any host but localhost
(``BlockedRequest``) before ``responses`` can see the request. The documented
way around it is to override that class method: here requests are handed to
the real ``Session.send``, where the active ``responses`` mock answers them;
``responses`` itself refuses any request no fake route matches, so nothing
leaves the machine.
"""

import copy

import responses

from odoo import SUPERUSER_ID, api
from odoo.tests import common

from ..loket.testing import FakeLoket
from ..odoo_version import registry_test_mode


class LoketMockMixin:
    n_employees = 8

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if getattr(cls, "_loket_mock_active", False):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def _start_loket_mock(cls):
        cls.fake = FakeLoket(n_employees=cls.n_employees)
        cls.rsps = responses.RequestsMock(assert_all_requests_are_fired=False)
        cls.fake.install(cls.rsps)
        cls.rsps.start()
        cls._loket_mock_active = True
        cls.addClassCleanup(cls._stop_loket_mock)

    @classmethod
    def _stop_loket_mock(cls):
        cls._loket_mock_active = False
        cls.rsps.stop()
        cls.rsps.reset()

    def setUp(self):
        super().setUp()
        self.fake.reset_logs()
        self.fake.faults.clear()
        # Tests edit Loket's data through the fake; each starts from the same data.
        saved = copy.deepcopy((self.fake.data, self.fake.version_numbers))
        self.addCleanup(self._restore_fake_data, saved)

    def assertRaisesKeepingCommits(self, exception, function):
        """``function()`` must raise ``exception``; returns it. Unlike Odoo's assertRaises no
        savepoint is rolled back, which would undo what the code committed on its own
        cursor (the test cursor, in test mode) before raising."""
        try:
            function()
        except exception as exc:
            return exc
        self.fail(f"{exception.__name__} not raised")

    def _cron_process_jobs_once(self):
        """One call of the jobs cron as Odoo's cron worker makes it: on a cursor of its own,
        committed when the call returns, rolled back when it raises (in test mode the
        cursor's commits and rollbacks are savepoints of the test's transaction)."""
        self.env.flush_all()
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                return env["loket.job"]._cron_process_jobs().id
        finally:
            self.env.invalidate_all()

    def _run_loket_jobs(self, max_calls=200):
        """Call the jobs cron until no run is queued or running; returns the number of calls."""
        for calls in range(max_calls):
            if not self.env["loket.job"].search_count([("state", "in", ("queued", "running"))]):
                return calls
            self._cron_process_jobs_once()
        self.fail("the background runs did not finish")

    # -- Loket's employments (loket.employment): the same on every Odoo version ---------------

    def _employments(self, employee):
        return self.env["loket.employment"].search([("employee_id", "=", employee.id)], order="date_start, id")

    def _current_employment(self, employee):
        return self._employments(employee).filtered(lambda e: not e.date_end)[:1]

    def _write_employment(self, employments, **values):
        """Change bindings as the sync would (their fields are the addon's: sudo)."""
        employments.sudo().write(values)

    def _create_employment(self, employee, **values):
        """A binding as the sync makes it (``values``: payroll_number, loket_id, dates…)."""
        integration = employee.sudo().loket_integration_id or self.integration
        vals = dict({"integration_id": integration.id, "employee_id": employee.id}, **values)
        return self.env["loket.employment"].sudo().create(vals).sudo(False)

    def _restore_fake_data(self, saved):
        self.fake.data, self.fake.version_numbers = saved

    @classmethod
    def _setup_loket_integration(cls):
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("loket_integration.client_id", cls.fake.client_id)
        params.set_param("loket_integration.client_secret", cls.fake.client_secret)
        cls.integration = cls.env["loket.integration"].create(
            {
                "name": "Krakeling",
                "environment": "custom",
                "api_url": cls.fake.environment.api_url,
                "oauth_url": cls.fake.environment.oauth_url,
            }
        )

    @classmethod
    def _connect(cls, integration=None):
        """What the OAuth callback does, with a code the fake issued."""
        integration = integration or cls.integration
        code = cls.fake.issue_code(integration._loket_redirect_uri())
        integration._loket_exchange_code(code)
        option = cls.env["loket.administration.option"].search([("integration_id", "=", integration.id)], limit=1)
        integration.administration_option_id = option
        return integration


class LoketCase(LoketMockMixin, common.TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Rotated refresh tokens are committed on a cursor of their own; in test mode
        # (as HttpCase does) that cursor is the test's, so nothing reaches the database.
        registry_test_mode(cls)
        cls._start_loket_mock()
        cls._setup_loket_integration()


class LoketHttpCase(LoketMockMixin, common.HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_loket_mock()
        cls.rsps.add_passthru(cls.base_url())
        cls._setup_loket_integration()
