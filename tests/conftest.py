"""Odoo-free tests: the ``loket`` package is imported on its own, without the addon."""

import os
import sys

import pytest
import responses

ADDON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "loket_integration")
sys.path.insert(0, ADDON)

from loket import LoketClient, LoketOAuth  # noqa: E402
from loket.testing import FakeLoket  # noqa: E402
from loket.transport import Transport  # noqa: E402


class Recorder:
    """Collects what the code under test persisted or slept, in order."""

    def __init__(self):
        self.events = []
        self.sleeps = []

    def store_tokens(self, tokens):
        self.events.append(("stored", tokens.refresh_token))

    def sleep(self, seconds):
        self.sleeps.append(seconds)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def fake():
    fake = FakeLoket(n_employees=12)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        yield fake


def make_client(fake, recorder, refresh_token=None, **transport_options):
    transport = Transport(sleep=recorder.sleep, **transport_options)
    oauth = LoketOAuth(
        fake.environment,
        fake.client_id,
        fake.client_secret,
        refresh_token=refresh_token or fake.issue_refresh_token(),
        on_tokens=recorder.store_tokens,
        transport=transport,
    )
    return LoketClient(fake.environment, oauth, transport=transport)


@pytest.fixture
def client(fake, recorder):
    return make_client(fake, recorder)
