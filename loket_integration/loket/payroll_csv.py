"""The "Import variabele gegevens" CSV file that Loket imports as a collective mutation.

Loket reads it with file type CSV, action Overwrite, distribution unit Yes:
semicolon separated, CRLF, header ``aanslnr;persnr;ploeg;verdelingseenheid;<component>…``
with the component columns in ascending number; one row per employment
(``persnr``, the employment's payroll number) and distribution unit; values
summed per row × component and rounded once to 2 decimals, decimal comma, no
thousands separator, empty when there is no value. Corrections (negative entries)
are netted per cell; a negative total keeps its minus (``-3,25``).

The file is opened in spreadsheets too, and Loket's reader splits on ``;`` alone. Checked per
column: ``aanslnr`` and the component headers are numbers (the whole file is refused otherwise),
``persnr`` and the values are numbers the builder formats (a negative value is a correction
and is written), ``ploeg`` must be a whole number, and ``verdelingseenheid`` — Loket's text —
may not start like a formula (``=``, ``+``, ``-``, ``@``) nor hold ``;``, a quote, a line break
or a control character. A row with such a cell is not written: it is listed in ``refused``.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FIXED_COLUMNS = ("aanslnr", "persnr", "ploeg", "verdelingseenheid")
CENT = Decimal("0.01")
COMPONENT_NUMBER = re.compile(r"[0-9]{1,3}")  # Loket's payroll component numbers: at most 3 digits

# Why a cell cannot be written (the model words them for the user).
FORMULA = "formula"
LINE_BREAK = "line_break"
SEPARATOR = "separator"
QUOTE = "quote"
CONTROL = "control"
NOT_A_NUMBER = "not_a_number"
FORMULA_START = ("=", "+", "-", "@")
TEXT_PROBLEMS = (  # in this order: the first that applies is said
    (re.compile(r"[\r\n]"), LINE_BREAK),
    (re.compile(";"), SEPARATOR),
    (re.compile("[\"']"), QUOTE),
    (re.compile(r"[\x00-\x1f\x7f]"), CONTROL),
)


class PayrollCsvError(ValueError):
    """A value that cannot be written to Loket's file; nothing is written."""


@dataclass(frozen=True)
class PayrollEntry:
    """One value for the file: an employment's amount for a component, in a distribution unit."""

    payroll_number: int  # persnr: the employment's payroll number (never the employee number)
    component: int  # Loket payroll component number (at most 3 digits)
    value: object  # hours, days, kilometres… (int, float, Decimal or numeric string)
    shift: int | None = None  # ploeg
    distribution_unit: str | None = None  # verdelingseenheid code
    source: str = ""  # what the value came from, for error messages


@dataclass(frozen=True)
class RefusedRow:
    """A row of the file that was not written: which cell, and why (FORMULA, SEPARATOR…)."""

    payroll_number: int
    shift: object
    distribution_unit: object
    column: str  # "ploeg" or "verdelingseenheid"
    value: object
    problem: str


@dataclass
class PayrollCsv:
    text: str
    rows: int
    components: list
    totals: dict = field(default_factory=dict)  # component -> Decimal
    refused: list = field(default_factory=list)  # RefusedRow, one per row not written

    @property
    def data(self):
        return self.text.encode("utf-8")


def round_value(value):
    """``Decimal`` rounded half away from zero to cents; never a negative zero."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def format_value(value):
    """``Decimal`` → Loket's number: 2 decimals, decimal comma, no thousands separator; a
    negative number (corrections larger than the period's hours) with a leading minus: ``-2,50``."""
    return f"{round_value(value):f}".replace(".", ",")


def _as_decimal(entry):
    value = entry.value
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or isinstance(value, bool):
        raise PayrollCsvError(
            f"Value {value!r} for payroll number {entry.payroll_number}, component {entry.component}"
            f"{' (' + entry.source + ')' if entry.source else ''} is not a plain number"
        )
    return number


def _check_component(number):
    if not COMPONENT_NUMBER.fullmatch(str(number)):
        raise PayrollCsvError(f"Loket component number {number!r} must be a number of at most 3 digits")
    return int(number)


def text_cell_problem(text):
    """Why ``text`` cannot be a cell of the file (FORMULA, LINE_BREAK, SEPARATOR, QUOTE,
    CONTROL), or None."""
    if text.startswith(FORMULA_START):
        return FORMULA
    return next((problem for pattern, problem in TEXT_PROBLEMS if pattern.search(text)), None)


def row_problem(entry):
    """``(column, value, problem)`` of the cell that keeps ``entry``'s row out of the file, or None."""
    shift = entry.shift
    if shift is not None and (not isinstance(shift, int) or isinstance(shift, bool) or shift < 0):
        return "ploeg", shift, NOT_A_NUMBER
    unit = entry.distribution_unit
    problem = text_cell_problem(str(unit)) if unit else None
    return ("verdelingseenheid", unit, problem) if problem else None


def split_refused(entries):
    """``(entries whose row can be written, [RefusedRow] one per row that cannot)``."""
    kept, refused = [], {}
    for entry in entries:
        problem = row_problem(entry)
        if problem is None:
            kept.append(entry)
            continue
        key = (entry.payroll_number, repr(entry.shift), repr(entry.distribution_unit))
        refused.setdefault(key, RefusedRow(entry.payroll_number, entry.shift, entry.distribution_unit, *problem))
    return kept, list(refused.values())


def sum_entries(entries):
    """``{(payroll number, shift, distribution unit code or ""): {component: Decimal}}``: the
    entries summed per row and component, rounded once to cents. The one source of what
    Loket receives, as a file or through the API."""
    sums = defaultdict(lambda: defaultdict(Decimal))
    for entry in entries:
        if not entry.payroll_number:
            raise PayrollCsvError(f"An entry has no payroll number ({entry.source or 'unknown source'})")
        key = (int(entry.payroll_number), entry.shift, entry.distribution_unit or "")
        sums[key][_check_component(entry.component)] += _as_decimal(entry)
    return {
        key: {c: round_value(v) for c, v in values.items()}
        for key, values in sorted(sums.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2]))
    }


def negative_cells(entries):
    """``[(payroll number, shift, distribution unit code, component, Decimal)]``: the cells whose
    entries net to a negative total (corrections larger than the period's hours)."""
    return [
        (*key, component, value)
        for key, values in sum_entries(entries).items()
        for component, value in sorted(values.items())
        if value < 0
    ]


def build_payroll_csv(client_number, entries):
    """The file for ``entries`` (iterable of ``PayrollEntry``) of one payroll client number.
    The rows that cannot be written are left out and listed in its ``refused``: the caller says so."""
    if not re.fullmatch(r"\d+", str(client_number or "")):
        raise PayrollCsvError(f"Payroll client number {client_number!r} must be a number")
    entries, refused = split_refused(entries)
    sums = sum_entries(entries)
    components = sorted({c for row in sums.values() for c in row})
    lines = [";".join((*FIXED_COLUMNS, *map(str, components)))]
    totals = defaultdict(Decimal)
    for (persnr, shift, unit), values in sums.items():
        cells = [str(client_number), str(persnr), "" if shift is None else str(shift), unit]
        for component in components:
            if component in values:
                totals[component] += values[component]
                cells.append(format_value(values[component]))
            else:
                cells.append("")
        lines.append(";".join(cells))
    text = "\r\n".join(lines) + "\r\n"
    return PayrollCsv(text=text, rows=len(lines) - 1, components=components, totals=dict(totals), refused=refused)


def export_file_name(administration, year, period, version=1):
    """e.g. ``loket_5555_Bakkerij_2026_03.csv``: administration, year and period; a later
    version of the period's file carries its number (``…_2026_03_v2.csv``)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", str(administration)).strip("_") or "loket"
    suffix = f"_v{int(version)}" if int(version) > 1 else ""
    return f"loket_{slug}_{int(year)}_{int(period):02d}{suffix}.csv"
