"""The fake Loket "runs payroll": journal runs derived from its employments, balanced to the cent."""

from collections import defaultdict
from decimal import Decimal

import pytest

from loket.testing import FakeLoket

DUTCH_ACCOUNTS = {
    "Bruto lonen",
    "Sociale lasten",
    "Pensioenlasten",
    "Af te dragen loonheffing",
    "Netto lonen te betalen",
}


def _sums(rows):
    debit = sum((Decimal(str(r["debetAmount"])) for r in rows), Decimal(0))
    credit = sum((Decimal(str(r["creditAmount"])) for r in rows), Decimal(0))
    return debit, credit


def test_a_payroll_run_gives_a_balanced_journal_with_dutch_lines_per_cost_center():
    fake = FakeLoket(n_employees=20)
    run = fake.run_payroll(2026, 3)
    rows = fake.journal_results(run["id"])
    debit, credit = _sums(rows)
    assert debit == credit > 0
    assert all(
        Decimal(str(r[side])).as_tuple().exponent >= -2 for r in rows for side in ("debetAmount", "creditAmount")
    )
    assert DUTCH_ACCOUNTS <= {r["generalLedgerAccount"]["description"] for r in rows}
    centers = {r["costCenter"]["code"] for r in rows if r["costCenter"]}
    units = {str(u["code"]) for u in fake.data["distribution_units"]}
    assert centers and centers <= units, "cost centers follow the employments' distribution units"
    assert any(r["costUnit"] for r in rows)
    assert all(len(r["payrollComponent"]["description"]) <= 14 for r in rows)  # the schema's maxLength
    # No line is about one employee: every field is the ledger's, the cost center's or the component's.
    assert {key for r in rows for key in r} == {
        "generalLedgerAccount",
        "costCenter",
        "costUnit",
        "payrollComponent",
        "debetAmount",
        "creditAmount",
    }
    assert run["journalRunStatus"] == {"key": 4, "value": "Journaal gereed"}
    period = run["payrollRun"]["payrollPeriod"]
    assert (period["year"], period["periodNumber"], period["periodEndDate"]) == (2026, 3, "2026-03-31")


def test_the_same_data_gives_the_same_journal():
    first, second = FakeLoket(n_employees=7, seed=3), FakeLoket(n_employees=7, seed=3)
    a, b = first.run_payroll(2026, 2), second.run_payroll(2026, 2)
    assert a == b
    assert first.journal_results(a["id"]) == second.journal_results(b["id"])


def test_gross_wages_follow_the_hours_received():
    fake = FakeLoket(n_employees=5)
    before = fake.journal_results(fake.run_payroll(2026, 4)["id"])
    employment = fake.data["employments"][-1]["id"]
    fake.period_data_held[(employment, None, 2026, 4)] = {1: 200}
    after = fake.journal_results(fake.run_payroll(2026, 4)["id"])

    def gross(rows):
        totals = defaultdict(Decimal)
        for row in rows:
            totals[row["generalLedgerAccount"]["code"]] += Decimal(str(row["debetAmount"]))
        return totals["4000"]

    assert gross(after) > gross(before)
    assert _sums(after)[0] == _sums(after)[1]


def test_only_employments_running_in_the_period_are_paid():
    fake = FakeLoket(n_employees=4)
    assert fake.journal_results(fake.run_payroll(fake.data["payroll_periods"][0]["year"], 1)["id"])
    for employment in fake.data["employments"]:
        employment["endDate"] = "2000-01-31"
    assert fake.journal_results(fake.run_payroll(2026, 1)["id"]) == []


def test_runs_are_removed_journalized_again_and_numbered():
    fake = FakeLoket(n_employees=3)
    first = fake.run_payroll(2026, 5)
    again = fake.journalize_again(first["id"])
    assert again["payrollRun"]["payrollRunId"] == first["payrollRun"]["payrollRunId"]
    assert again["sequenceNumber"] == first["sequenceNumber"] + 1
    assert fake.journal_results(again["id"]) == fake.journal_results(first["id"])
    fake.remove_journal_run(first["id"])
    removed = fake.journal_run(first["id"])
    assert removed["journalRunStatus"]["key"] == 3 and removed["removeTime"]


def test_unbalance_moves_one_line_by_some_cents():
    fake = FakeLoket(n_employees=3)
    run = fake.run_payroll(2026, 6)
    fake.unbalance_journal_run(run["id"], cents=2)
    debit, credit = _sums(fake.journal_results(run["id"]))
    assert debit - credit == Decimal("0.02")


def test_a_period_loket_does_not_have_is_refused():
    fake = FakeLoket(n_employees=1)
    with pytest.raises(ValueError):
        fake.run_payroll(1999, 1)
