import threading

import pytest
from conftest import make_client

from loket import LoketAuthError, LoketInvalidGrantError, LoketOAuth, StoredTokens
from loket.transport import Transport


def test_authorize_url_carries_state_and_redirect(fake):
    oauth = LoketOAuth(fake.environment, fake.client_id, fake.client_secret)
    url = oauth.authorize_url("https://odoo.example.nl/loket/oauth/callback", state="abc123")
    assert url.startswith(fake.environment.oauth_url + "/authorize?")
    assert "state=abc123" in url
    assert "response_type=code" in url
    assert "redirect_uri=https%3A%2F%2Fodoo.example.nl%2Floket%2Foauth%2Fcallback" in url
    assert fake.client_secret not in url


def test_code_exchange_hands_the_refresh_token_to_the_callback(fake, recorder):
    oauth = LoketOAuth(fake.environment, fake.client_id, fake.client_secret, on_tokens=recorder.store_tokens)
    code = fake.issue_code("https://odoo/cb")
    tokens = oauth.exchange_code(code, "https://odoo/cb")
    assert recorder.events == [("stored", tokens.refresh_token)]
    assert tokens.refresh_token in fake.refresh_tokens
    with pytest.raises(LoketInvalidGrantError):  # a code is single use
        oauth.exchange_code(code, "https://odoo/cb")


def test_refresh_rotation_is_persisted_before_the_new_token_is_used(fake, recorder):
    first_refresh = fake.issue_refresh_token()
    client = make_client(fake, recorder, refresh_token=first_refresh)

    client.oauth._on_tokens = lambda tokens: fake.events.append(("stored", tokens.refresh_token))
    list(client.employers())
    assert first_refresh in fake.spent_refresh_tokens
    stored = [e[1] for e in fake.events if e[0] == "stored"]
    assert len(stored) == 1 and stored[0] in fake.refresh_tokens
    # Loket saw the API request only after the new refresh token had been stored.
    assert [e[0] for e in fake.events] == ["token", "stored", "api"]
    stored = stored[0]

    # A second refresh spends the stored token, never the dead one.
    fake.expire_access_tokens()
    list(client.employers())
    assert fake.spent_refresh_tokens == [first_refresh, stored]


def test_access_token_is_cached(fake, client):
    list(client.employers())
    list(client.departments(fake.employer_id))
    assert fake.token_requests == ["refresh_token"]


def test_access_token_renewed_shortly_before_expiry(fake, recorder):
    now = [1000.0]
    transport = Transport(sleep=recorder.sleep)
    oauth = LoketOAuth(
        fake.environment,
        fake.client_id,
        fake.client_secret,
        refresh_token=fake.issue_refresh_token(),
        on_tokens=recorder.store_tokens,
        transport=transport,
        clock=lambda: now[0],
    )
    first = oauth.access_token()
    now[0] += 3550  # 49 s left of 3599: inside the safety margin
    assert oauth.access_token() != first
    assert fake.token_requests == ["refresh_token", "refresh_token"]


def test_401_refreshes_once_and_retries_once(fake, client):
    list(client.employers())
    fake.expire_access_tokens()
    assert [e["id"] for e in client.employers()] == [fake.employer_id]
    assert fake.token_requests == ["refresh_token", "refresh_token"]
    assert len(fake.requests) == 3  # ok, 401, retried ok


def test_second_401_is_not_retried_again(fake, client):
    list(client.employers())
    fake.fail("/providers/employers", status=401, times=2, body={"message": "Authorization has been denied"})
    with pytest.raises(LoketAuthError) as err:
        list(client.employers())
    assert "Authorization has been denied" in str(err.value)
    assert len(fake.requests) == 3


def test_invalid_grant_raises_a_typed_error(fake, recorder):
    client = make_client(fake, recorder, refresh_token="rt-revoked-long-ago")
    with pytest.raises(LoketInvalidGrantError) as err:
        list(client.employers())
    assert "Invalid refresh token" in str(err.value)
    assert "rt-revoked-long-ago" not in str(err.value)
    assert fake.requests == []


def test_wrong_client_secret_is_an_auth_error(fake, recorder):
    oauth = LoketOAuth(fake.environment, fake.client_id, "wrong-secret", refresh_token=fake.issue_refresh_token())
    with pytest.raises(LoketAuthError) as err:
        oauth.access_token()
    assert not isinstance(err.value, LoketInvalidGrantError)
    assert "wrong-secret" not in str(err.value)


def test_concurrent_callers_refresh_only_once(fake, recorder):
    client = make_client(fake, recorder)
    barrier = threading.Barrier(4)
    errors = []

    def work():
        barrier.wait()
        try:
            list(client.employers())
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert fake.token_requests == ["refresh_token"]
    assert len(recorder.events) == 1


def test_refresh_guard_supplies_the_token_another_process_stored(fake, recorder):
    """A second worker rotated the token: the guard's durable copy wins over the cached one."""
    import contextlib

    durable = {"token": fake.issue_refresh_token(), "locked": 0}

    @contextlib.contextmanager
    def guard():
        durable["locked"] += 1
        yield StoredTokens(durable["token"])

    oauth = LoketOAuth(
        fake.environment,
        fake.client_id,
        fake.client_secret,
        refresh_token="rt-stale-cached-copy",
        on_tokens=lambda tokens: durable.update(token=tokens.refresh_token),
        refresh_guard=guard,
    )
    oauth.access_token()
    assert durable["locked"] == 1
    assert durable["token"] in fake.refresh_tokens
    assert "rt-stale-cached-copy" not in fake.spent_refresh_tokens


def test_a_fresh_access_token_another_worker_stored_is_used_without_a_grant(fake, recorder):
    """The worker that waited for the guard finds the other's new access token there."""
    import contextlib

    now = [5000.0]
    stored = {"tokens": None}

    @contextlib.contextmanager
    def guard():
        yield stored["tokens"]

    def other_worker_refreshed():
        refresh = fake.issue_refresh_token()
        other = LoketOAuth(fake.environment, fake.client_id, fake.client_secret, refresh_token=refresh)
        tokens = other._grant({"grant_type": "refresh_token", "refresh_token": refresh})
        stored["tokens"] = StoredTokens(tokens.refresh_token, tokens.access_token, now[0] + 100)
        return tokens

    oauth = LoketOAuth(
        fake.environment,
        fake.client_id,
        fake.client_secret,
        on_tokens=recorder.store_tokens,
        refresh_guard=guard,
        clock=lambda: now[0],
    )
    tokens = other_worker_refreshed()
    assert oauth.access_token() == tokens.access_token
    assert fake.token_requests == ["refresh_token"]  # only the other worker's
    # Rejected by Loket (401): the same stored token is stale, so this worker spends the stored refresh token.
    renewed = oauth.refresh(stale_access_token=tokens.access_token)
    assert renewed != tokens.access_token
    assert fake.spent_refresh_tokens[-1] == tokens.refresh_token
    assert len(recorder.events) == 1 and recorder.events[0][1] in fake.refresh_tokens  # stored before use
    # Past its renewal time a stored access token is not used either.
    stored["tokens"] = StoredTokens(recorder.events[0][1], renewed, now[0] - 1)
    oauth._access_token = None
    assert oauth.access_token() not in (renewed, None)


def test_nothing_stored_means_not_connected(fake):
    import contextlib

    oauth = LoketOAuth(
        fake.environment,
        fake.client_id,
        fake.client_secret,
        refresh_token="rt-in-memory-only",
        refresh_guard=lambda: contextlib.nullcontext(None),
    )
    with pytest.raises(LoketInvalidGrantError):
        oauth.access_token()
    assert fake.token_requests == []


def test_short_lived_access_tokens_are_renewed_at_three_quarters_of_their_life():
    from loket.oauth import usable_until

    assert usable_until(1000, 3599) == 1000 + 3599 - 60
    assert usable_until(1000, 2) == 1000 + 1.5
