"""The sandbox's payroll journal page: run payroll for a period (the fake Loket's journal run
from its employments and the hours it received) and see the runs and their ledger totals."""

from collections import defaultdict
from decimal import Decimal
from html import escape


def period_options(fake):
    return [
        (f"{p['year']}-{p['periodNumber']}", f"{p['year']} / {p['periodNumber']:02d}")
        for p in fake.data["payroll_periods"]
    ]


def run_payroll(fake, period):
    """``period``: "YEAR-NUMBER" from the page's form; the new journal run, or None when the
    fake has no such period."""
    try:
        year, number = (int(part) for part in period.split("-", 1))
    except (AttributeError, ValueError):
        return None
    with fake._lock:  # the API threads read the runs meanwhile
        try:
            return fake.run_payroll(year, number)
        except (ValueError, StopIteration):
            return None


def journal_body(fake, page, run_path, table):
    """The page's HTML body: the form, then each run with its totals per ledger account."""
    options = "".join(f"<option value='{escape(v)}'>{escape(label)}</option>" for v, label in period_options(fake))
    form = (
        f"<form method='post' action='{run_path}'><label>Payroll period <select name='period'>{options}</select>"
        "</label> <button type='submit' id='run-payroll'>Run payroll</button></form>"
        "<p>Each run pays the employments running in the period: the hours Loket received for it "
        "(<code>Uren gewerkt</code>, <code>Overuren</code>), else their contract hours. Odoo reads the runs "
        "in its payroll journal (Loket journal runs).</p>"
    )
    runs = fake.data.get("journal_runs") or []
    if not runs:
        return form + "<p>No journal runs yet.</p>"
    parts = [form]
    for run in reversed(runs):
        period = run["payrollRun"]["payrollPeriod"]
        totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for row in fake.journal_results(run["id"]):
            account = row["generalLedgerAccount"]
            totals[(account["code"], account["description"])][0] += row["debetAmount"]
            totals[(account["code"], account["description"])][1] += row["creditAmount"]
        rows = [(code, name, f"{d:,.2f}", f"{c:,.2f}") for (code, name), (d, c) in sorted(totals.items())]
        debit = sum((d for d, _c in totals.values()), Decimal(0))
        credit = sum((c for _d, c in totals.values()), Decimal(0))
        rows.append(("", "Total", f"{debit:,.2f}", f"{credit:,.2f}"))
        parts.append(
            f"<h2>Journal run {run['sequenceNumber']}: {period['year']} / {period['periodNumber']:02d} "
            f"({escape(run['journalRunStatus']['value'])})</h2>"
            + table(["Ledger account", "Description", "Debit", "Credit"], rows)
        )
    return "".join(parts)
