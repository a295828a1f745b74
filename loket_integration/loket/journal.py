"""Loket's payroll journal (journaalposten) as booking lines. Pure: no Odoo, no HTTP.

A journal run's results are lines of ``generalLedgerAccount``, ``costCenter``, ``costUnit``,
``payrollComponent``, ``debetAmount`` and ``creditAmount``. A booking gets one line per
ledger account × cost center × cost unit and side: debit and credit are summed apart and
never netted against each other. Amounts are Decimals, summed exactly and rounded once
(to cents) per booking line.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# journalRunStatus keys of the document.
READY_TO_JOURNALIZE = 0
NO_RESULTS = 1
FAILED = 2
REMOVED = 3
READY = 4
EXPORTING = 5
EXPORT_FAILED = 6
EXPORTED = 7
STATUS_NAMES = {
    READY_TO_JOURNALIZE: "Staat klaar voor journaliseren",
    NO_RESULTS: "Geen journaal resultaten",
    FAILED: "Fout bij aanmaken",
    REMOVED: "Verwijderd door gebruiker",
    READY: "Journaal gereed",
    EXPORTING: "Wordt geëxporteerd",
    EXPORT_FAILED: "Exporteren mislukt",
    EXPORTED: "Journaal geëxporteerd",
}
CENT = Decimal("0.01")


def has_results(status):
    """Runs with status 0-3 have no results (the results endpoint answers an error)."""
    return status in (READY, EXPORTING, EXPORT_FAILED, EXPORTED)


class JournalDataError(ValueError):
    """A result line Loket sent that cannot be booked; ``index`` counts from 1."""

    def __init__(self, index, reason):
        self.index = index
        self.reason = reason
        super().__init__(f"Loket's journal line {index}: {reason}")


@dataclass(frozen=True, order=True)
class Ref:
    """A ledger account, cost center or cost unit as Loket names it (``key`` is unique per administration)."""

    key: int
    code: str = ""
    description: str = ""

    @classmethod
    def from_json(cls, value, index, what, required=False):
        if value is None and not required:
            return None
        if not isinstance(value, dict) or value.get("key") is None:
            raise JournalDataError(index, f"no {what}")
        try:
            key = int(value["key"])
        except (TypeError, ValueError):
            raise JournalDataError(index, f"the {what} has no numeric key") from None
        return cls(key, str(value.get("code") or ""), str(value.get("description") or ""))

    @property
    def label(self):
        return " ".join(part for part in (self.code, self.description) if part) or str(self.key)


@dataclass
class EntryLine:
    account: Ref
    cost_center: Ref | None
    cost_unit: Ref | None
    debit: Decimal
    credit: Decimal


@dataclass
class JournalEntry:
    lines: list = field(default_factory=list)
    source_count: int = 0

    @property
    def total_debit(self):
        return sum((line.debit for line in self.lines), Decimal(0))

    @property
    def total_credit(self):
        return sum((line.credit for line in self.lines), Decimal(0))

    @property
    def difference(self):
        """Debit minus credit: 0 when the journal balances."""
        return self.total_debit - self.total_credit

    def _refs(self, attribute):
        return sorted({getattr(line, attribute) for line in self.lines} - {None})

    @property
    def accounts(self):
        return sorted({line.account for line in self.lines}, key=lambda ref: (ref.code, ref.key))

    @property
    def cost_centers(self):
        return self._refs("cost_center")

    @property
    def cost_units(self):
        return self._refs("cost_unit")


def amount(value, index, name):
    """A JSON number of Loket's as an exact Decimal (a float goes through its shortest repr,
    which is the text Loket sent for any amount of up to 15 digits)."""
    if isinstance(value, bool) or value is None:
        raise JournalDataError(index, f"{name} is not a number")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise JournalDataError(index, f"{name} is not a number") from None
    if not number.is_finite():
        raise JournalDataError(index, f"{name} is not a number")
    return number


def entry_lines(rows):
    """``JournalEntry`` of Loket's result lines ``rows``; ``JournalDataError`` on a line that
    cannot be booked (nothing is booked then)."""
    sums = {}  # (account, cost center, cost unit) -> [debit, credit]
    refs = {}
    count = 0
    for index, row in enumerate(rows, start=1):
        count += 1
        if not isinstance(row, dict):
            raise JournalDataError(index, "not a journal line")
        account = Ref.from_json(row.get("generalLedgerAccount"), index, "general ledger account", required=True)
        center = Ref.from_json(row.get("costCenter"), index, "cost center")
        unit = Ref.from_json(row.get("costUnit"), index, "cost unit")
        debit = amount(row.get("debetAmount"), index, "debetAmount")
        credit = amount(row.get("creditAmount"), index, "creditAmount")
        key = (account.key, center and center.key, unit and unit.key)
        refs.setdefault(key, (account, center, unit))
        total = sums.setdefault(key, [Decimal(0), Decimal(0)])
        total[0] += debit
        total[1] += credit
    entry = JournalEntry(source_count=count)
    for key in sorted(sums, key=lambda k: tuple(-1 if part is None else part for part in k)):
        account, center, unit = refs[key]
        debit, credit = (value.quantize(CENT, rounding=ROUND_HALF_UP) for value in sums[key])
        if debit:
            entry.lines.append(EntryLine(account, center, unit, debit, Decimal(0)))
        if credit:
            entry.lines.append(EntryLine(account, center, unit, Decimal(0), credit))
    return entry


def replaced_by(runs):
    """``{run id: id of the run that replaces it}``: a run is replaced when its payroll run was
    journalized again later (a higher ``sequenceNumber``) and that newer run was not removed.
    Another payroll run of the same period (a correction run) adds to it and replaces nothing."""
    newest = {}
    for run in runs:
        status = (run.get("journalRunStatus") or {}).get("key")
        payroll_run = (run.get("payrollRun") or {}).get("payrollRunId")
        if status == REMOVED or not payroll_run:
            continue
        best = newest.get(payroll_run)
        if best is None or run["sequenceNumber"] > best["sequenceNumber"]:
            newest[payroll_run] = run
    result = {}
    for run in runs:
        payroll_run = (run.get("payrollRun") or {}).get("payrollRunId")
        best = newest.get(payroll_run)
        if best is not None and best["id"] != run["id"] and run["sequenceNumber"] < best["sequenceNumber"]:
            result[run["id"]] = best["id"]
    return result
