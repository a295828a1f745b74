import logging

import pytest
from conftest import make_client

from loket import LoketBusinessRuleError, LoketInvalidGrantError
from loket.redact import redact


def test_messages_envelope_becomes_exception_text(fake, client):
    fake.fail(
        "/providers/employers/{employerId}/departments",
        status=400,
        body={
            "messages": [
                {"code": 83, "type": "BrokenBusinessRule", "description": "Omschrijving heeft een ongeldige lengte"},
                {"code": 12, "type": "BrokenBusinessRule", "description": "Code bestaat al"},
            ]
        },
    )
    with pytest.raises(LoketBusinessRuleError) as err:
        list(client.departments(fake.employer_id))
    text = str(err.value)
    assert "[83] Omschrijving heeft een ongeldige lengte" in text
    assert "[12] Code bestaat al" in text
    assert err.value.status == 400
    assert [m.code for m in err.value.messages] == [83, 12]


def test_secrets_never_reach_logs_or_errors(fake, recorder, caplog):
    caplog.set_level(logging.DEBUG)
    refresh = fake.issue_refresh_token()
    client = make_client(fake, recorder, refresh_token=refresh)
    list(client.employers())
    fake.expire_access_tokens()
    fake.fail("/providers/employers", status=500, body={"messages": [{"description": "BSN 123456782 ongeldig"}]})
    list(client.employers())
    fake.revoke_refresh_tokens()
    fake.expire_access_tokens()
    with pytest.raises(LoketInvalidGrantError) as err:
        list(client.employers())
    everything = caplog.text + str(err.value) + repr(client.oauth) + repr(client.oauth._access_token and client.oauth)
    secrets = [fake.client_secret, refresh, *fake.spent_refresh_tokens, *fake.access_tokens, "123456782"]
    for secret in secrets:
        assert secret not in everything
    assert "Loket GET /providers/employers" in caplog.text  # the logs do say what happened


def test_bsn_in_loket_message_is_masked(fake, client):
    fake.fail(
        "/providers/employers",
        status=400,
        body={"messages": [{"code": 5, "type": "BrokenBusinessRule", "description": "BSN 123456782 is al in gebruik"}]},
    )
    with pytest.raises(LoketBusinessRuleError) as err:
        list(client.employers())
    assert "123456782" not in str(err.value)
    assert "*********" in str(err.value)


def test_redact_masks_tokens_in_free_text():
    text = "refresh_token=abc.def-123&client_secret=xyz Bearer eyJ.abc.def"
    out = redact(text)
    assert "abc.def-123" not in out and "xyz" not in out and "eyJ.abc.def" not in out


def test_collective_patch_reports_per_item_results(fake, client):
    good, bad = fake.data["employments"][0]["id"], fake.data["employments"][1]["id"]

    def item(employment, key):
        return {
            "employmentId": employment,
            "payrollPeriod": {"year": 2026, "periodNumber": 1},
            "payrollComponents": [{"payrollComponent": {"key": key}, "value": 8.0, "isSupplement": False}],
        }

    result = client.patch_payroll_period_data(fake.employer_id, [item(good, 1), item(bad, 999)])
    assert result.succeeded == [good]
    assert list(result.failed) == [bad]
    assert "Unknown payroll component" in str(result.failed[bad][0])
    assert result.partial

    all_bad = client.patch_payroll_period_data(fake.employer_id, [item(bad, 999)])
    assert all_bad.succeeded == [] and list(all_bad.failed) == [bad]
