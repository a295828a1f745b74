"""Test support shared by the Odoo-free tests, the Odoo tests and ``bench/``:
a fake Loket that serves spec-shaped data through ``responses`` callbacks."""

from .dutch_data import generate_employer_data
from .fake_loket import FakeLoket

__all__ = ["FakeLoket", "generate_employer_data"]
