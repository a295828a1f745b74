"""Shared set-up of the Odoo tests: a FakeLoket behind ``responses``.

Odoo 17/18 replace ``requests.Session.send`` in every test class with
``BaseCase._request_handler``, which refuses any host but localhost
(``BlockedRequest``) before ``responses`` can see the request. The documented
way around it is to override that class method: here requests are handed to
the real ``Session.send``, where the active ``responses`` mock answers them;
``responses`` itself refuses any request no fake route matches, so nothing
leaves the machine.
"""

import responses

from odoo.tests import common

from ..loket.testing import FakeLoket


class LoketCase(common.TransactionCase):
    n_employees = 8

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if cls._loket_mock_active:
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._loket_mock_active = False
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
