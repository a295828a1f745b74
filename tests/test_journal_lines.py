"""Loket's journal result lines as booking lines (loket/journal.py, pure)."""

from decimal import Decimal

import pytest

from loket import journal as J


def row(account, debit=0, credit=0, center=None, unit=None, component=None):
    code = {1: "4000", 2: "4100", 3: "1620"}.get(account, str(account))
    return {
        "generalLedgerAccount": {"key": account, "code": code, "description": f"Rekening {code}"},
        "costCenter": {"key": center, "code": f"K{center}", "description": f"Kostenplaats {center}"}
        if center
        else None,
        "costUnit": {"key": unit, "code": f"D{unit}", "description": f"Kostendrager {unit}"} if unit else None,
        "payrollComponent": {"key": component, "description": "Comp"} if component else None,
        "debetAmount": debit,
        "creditAmount": credit,
    }


def test_lines_per_account_cost_center_and_cost_unit_with_debit_and_credit_apart():
    rows = [
        row(1, debit=Decimal("100.10"), center=1, component=10),
        row(1, debit=Decimal("0.20"), center=1, component=28),
        row(1, debit=Decimal("50.00"), center=2),
        row(1, credit=Decimal("30.00"), center=1),  # a correction: its own credit line, not netted
        row(1, debit=Decimal("7.00"), center=1, unit=5),
        row(3, credit=Decimal("127.30")),
    ]
    entry = J.entry_lines(rows)
    got = {(x.account.code, x.cost_center and x.cost_center.key, x.cost_unit and x.cost_unit.key, x.debit, x.credit)
           for x in entry.lines}  # fmt: skip
    assert got == {
        ("4000", 1, None, Decimal("100.30"), Decimal(0)),
        ("4000", 1, None, Decimal(0), Decimal("30.00")),
        ("4000", 2, None, Decimal("50.00"), Decimal(0)),
        ("4000", 1, 5, Decimal("7.00"), Decimal(0)),
        ("1620", None, None, Decimal(0), Decimal("127.30")),
    }
    assert entry.total_debit == Decimal("157.30")
    assert entry.total_credit == Decimal("157.30")
    assert entry.difference == 0
    assert entry.source_count == 6
    assert [a.code for a in entry.accounts] == ["1620", "4000"]
    assert [c.key for c in entry.cost_centers] == [1, 2]
    assert [u.key for u in entry.cost_units] == [5]


def test_amounts_are_exact_whatever_type_loket_s_json_gave():
    rows = [row(1, debit=0.1), row(1, debit=0.2), row(1, debit="0.30"), row(3, credit=Decimal("0.6"))]
    entry = J.entry_lines(rows)
    assert entry.total_debit == Decimal("0.60")  # 0.1 + 0.2 as floats would be 0.30000000000000004
    assert entry.difference == 0


def test_the_sum_is_rounded_once_not_each_line():
    rows = [row(1, debit=Decimal("0.004"))] * 3 + [row(3, credit=Decimal("0.01"))]
    entry = J.entry_lines(rows)
    assert entry.total_debit == Decimal("0.01")  # 0.012 rounded once; per line it would be 0.00
    assert entry.difference == 0


def test_an_unbalanced_journal_says_by_how_much():
    entry = J.entry_lines([row(1, debit=Decimal("10.01")), row(3, credit=Decimal("10.00"))])
    assert entry.difference == Decimal("0.01")


def test_zero_lines_are_left_out():
    entry = J.entry_lines([row(1, debit=0, credit=0), row(1, debit=Decimal("5")), row(3, credit=Decimal("5"))])
    assert len(entry.lines) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"generalLedgerAccount": None, "debetAmount": 1, "creditAmount": 0},
        {"generalLedgerAccount": {"key": 1, "code": "4000"}, "debetAmount": "veel", "creditAmount": 0},
        {"generalLedgerAccount": {"key": 1, "code": "4000"}, "debetAmount": True, "creditAmount": 0},
        {"generalLedgerAccount": {"key": 1, "code": "4000"}, "debetAmount": None, "creditAmount": 0},
        {"generalLedgerAccount": {"key": 1, "code": "4000"}, "debetAmount": float("nan"), "creditAmount": 0},
        "not a line",
    ],
)
def test_a_bad_line_is_named_by_its_number(bad):
    with pytest.raises(J.JournalDataError) as err:
        J.entry_lines([row(1, debit=1), bad])
    assert err.value.index == 2
    assert "line 2" in str(err.value)


def _run(run_id, sequence, payroll_run, status=4):
    return {
        "id": run_id,
        "sequenceNumber": sequence,
        "journalRunStatus": {"key": status},
        "payrollRun": {"payrollRunId": payroll_run, "payrollPeriod": {"year": 2026, "periodNumber": 3}},
    }


def test_a_newer_run_of_the_same_payroll_run_replaces_the_older_ones():
    runs = [
        _run("a", 1, "p1"),
        _run("b", 2, "p1"),
        _run("c", 3, "p1", status=3),  # removed: replaces nothing
        _run("d", 4, "p2"),  # another payroll run of the same period (a correction run) adds to it
    ]
    assert J.replaced_by(runs) == {"a": "b"}


def test_status_names():
    assert J.STATUS_NAMES[J.READY] == "Journaal gereed"
    assert J.has_results(J.READY) and J.has_results(J.EXPORTED)
    assert not J.has_results(J.REMOVED)
