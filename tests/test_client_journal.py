"""The client's payroll journal calls against the fake Loket: runs, one run, its results, its status."""

import json
from decimal import Decimal

import pytest

from loket import LoketBusinessRuleError, LoketError
from loket import resources as R


def _run(fake, year=2026, period=3):
    return fake.run_payroll(year, period)


def test_journal_runs_are_read_page_by_page(fake, client):
    runs = [_run(fake, 2026, month) for month in (1, 2, 3)]
    client.page_size = 2
    listed = list(client.journal_runs(fake.administration_id))
    assert [r["id"] for r in listed] == [r["id"] for r in runs]
    assert [q["pageNumber"] for _m, _p, q in fake.requests] == ["1", "2"]
    assert {q["pageSize"] for _m, _p, q in fake.requests} == {"2"}
    path = fake.requests[0][1]
    assert path == f"/providers/employers/payrolladministrations/{fake.administration_id}/journalruns"
    assert listed[2]["payrollRun"]["payrollPeriod"]["periodNumber"] == 3
    assert listed[2]["journalRunStatus"] == {"key": 4, "value": "Journaal gereed"}


def test_one_run_and_its_results_with_exact_amounts(fake, client):
    run = _run(fake)
    assert client.journal_run(run["id"])["sequenceNumber"] == run["sequenceNumber"]
    rows = client.journal_run_results(run["id"])
    assert rows == fake.journal_results(run["id"])  # every line, in one envelope
    method, path, query = fake.requests[-1]
    assert (method, path) == ("GET", f"/providers/employers/payrolladministrations/journalruns/{run['id']}/results")
    assert query == {}, "the document gives the results list no paging parameters"
    amounts = [row[side] for row in rows for side in ("debetAmount", "creditAmount")]
    assert all(isinstance(a, Decimal) for a in amounts), "amounts are read as Decimal, never float"
    debit = sum(row["debetAmount"] for row in rows)
    credit = sum(row["creditAmount"] for row in rows)
    assert debit == credit > 0


def test_results_that_say_they_are_incomplete_are_refused(fake, client):
    run = _run(fake)
    rows = json.loads(json.dumps(fake.journal_results(run["id"]), default=float))
    fake.fail(
        R.JOURNAL_RUN_RESULTS.path,
        status=200,
        body={"totalSize": len(rows) + 5, "pageSize": len(rows), "totalPages": 2, "currentPage": 1, "_embedded": rows},
    )
    with pytest.raises(LoketError, match="part of the journal run"):
        client.journal_run_results(run["id"])


def test_an_answer_that_is_not_json_is_a_loket_error_not_an_empty_list(fake, client):
    run = _run(fake)
    fake.fail_with_text(R.JOURNAL_RUN_RESULTS.path, "<html>Onderhoud</html>", status=200)
    with pytest.raises(LoketError, match="not JSON"):
        client.journal_run_results(run["id"])
    fake.fail_with_text(R.JOURNAL_RUNS.path, "<html>Onderhoud</html>", status=200)
    with pytest.raises(LoketError, match="not JSON"):
        list(client.journal_runs(fake.administration_id))


def test_mark_processed_sends_the_schema_action(fake, client):
    run = _run(fake)
    client.mark_journal_run(run["id"], message="Geboekt in Odoo: MISC/2026/03/0001")
    assert fake.journal_status_patches[-1] == {
        "action": "MarkAsProcessed",
        "message": "Geboekt in Odoo: MISC/2026/03/0001",
    }
    assert fake.journal_run(run["id"])["journalRunStatus"] == {"key": 7, "value": "Journaal geëxporteerd"}
    method, path, _query = fake.requests[-1]
    assert (method, path) == ("PATCH", f"/providers/employers/payrolladministrations/journalruns/{run['id']}")


def test_mark_failed_and_a_long_message_is_cut_to_the_schema_length(fake, client):
    run = _run(fake)
    client.mark_journal_run(run["id"], processed=False, message="x" * 300)
    body = fake.journal_status_patches[-1]
    assert body["action"] == "MarkAsProcessingFailed"
    assert len(body["message"]) == 255
    assert fake.journal_run(run["id"])["journalRunStatus"]["key"] == 6


def test_a_removed_run_has_no_results_and_cannot_be_marked(fake, client):
    run = _run(fake)
    fake.remove_journal_run(run["id"])
    assert client.journal_run(run["id"])["journalRunStatus"] == {"key": 3, "value": "Verwijderd door gebruiker"}
    with pytest.raises(LoketBusinessRuleError):
        client.journal_run_results(run["id"])
    with pytest.raises(LoketError) as err:
        client.mark_journal_run(run["id"])
    assert err.value.status == 409
    assert "verwijderd" in err.value.loket_text.lower()
