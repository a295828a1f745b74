"""Test support shared by the Odoo-free tests, the Odoo tests and ``bench/``:
a fake Loket that serves spec-shaped data through ``responses`` callbacks, or
over real HTTP on a loopback port (``FakeLoketServer``)."""

from .dutch_data import generate_employer_data
from .fake_loket import FakeLoket
from .http_server import FakeLoketServer

__all__ = ["FakeLoket", "FakeLoketServer", "generate_employer_data"]
