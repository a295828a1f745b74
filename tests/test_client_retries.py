import pytest
import requests
from conftest import make_client

from loket import (
    LoketBusinessRuleError,
    LoketConnectionError,
    LoketForbiddenError,
    LoketNotFoundError,
    LoketRateLimitedError,
    LoketServerError,
)
from loket.transport import retry_after_seconds

EMPLOYERS = "/providers/employers"


def test_429_waits_retry_after_then_succeeds(fake, client, recorder):
    fake.fail(EMPLOYERS, status=429, headers={"Retry-After": "7"})
    assert len(list(client.employers())) == 1
    assert recorder.sleeps == [7.0]
    assert len(fake.requests) == 2


def test_429_without_retry_after_backs_off_exponentially(fake, client, recorder):
    fake.fail(EMPLOYERS, status=429, times=3)
    list(client.employers())
    assert recorder.sleeps == [0.5, 1.0, 2.0]


def test_5xx_then_success(fake, client, recorder):
    fake.fail(EMPLOYERS, status=503)
    fake.fail(EMPLOYERS, status=500)
    assert len(list(client.employers())) == 1
    assert recorder.sleeps == [0.5, 1.0]


def test_retries_exhausted_raises_with_attempt_count(fake, recorder):
    client = make_client(fake, recorder, max_retries=2)
    fake.fail(
        EMPLOYERS, status=502, times=5, body={"messages": [{"code": 9, "type": "Exception", "description": "Oeps"}]}
    )
    with pytest.raises(LoketServerError) as err:
        list(client.employers())
    assert "after 3 attempt(s)" in str(err.value)
    assert "Oeps" in str(err.value)
    assert len(fake.requests) == 3


def test_rate_limit_exhausted_is_typed(fake, recorder):
    client = make_client(fake, recorder, max_retries=1)
    fake.fail(EMPLOYERS, status=429, times=2, headers={"Retry-After": "1"})
    with pytest.raises(LoketRateLimitedError) as err:
        list(client.employers())
    assert err.value.retry_after == 1.0


def test_read_timeout_is_retried(fake, client, recorder):
    fake.fail(EMPLOYERS, exception=requests.ReadTimeout("read timed out"))
    assert len(list(client.employers())) == 1
    assert recorder.sleeps == [0.5]


def test_connection_errors_exhausted(fake, recorder):
    client = make_client(fake, recorder, max_retries=1)
    list(client.employers())  # token first
    fake.fail(EMPLOYERS, times=2, exception=requests.ConnectionError("refused"))
    with pytest.raises(LoketConnectionError) as err:
        list(client.employers())
    assert "after 2 attempt(s)" in str(err.value)


def test_timeout_is_always_passed(fake, client, monkeypatch):
    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    list(client.employers())
    assert seen and all(t for t in seen)


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, LoketBusinessRuleError), (403, LoketForbiddenError), (404, LoketNotFoundError)],
)
def test_client_errors_are_not_retried(fake, client, recorder, status, error):
    fake.fail(EMPLOYERS, status=status, times=3, body={"message": "Nope"})
    with pytest.raises(error):
        list(client.employers())
    assert recorder.sleeps == []
    assert len(fake.requests) == 1


def test_token_grant_is_not_retried_on_read_timeout(fake, client, recorder):
    # The refresh may have reached Loket (and spent the token): do not send it twice.
    fake.fail("token", exception=requests.ReadTimeout("read timed out"))
    with pytest.raises(LoketConnectionError):
        list(client.employers())
    assert fake.token_requests == ["refresh_token"]


def test_retry_after_http_date():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("garbage") is None
