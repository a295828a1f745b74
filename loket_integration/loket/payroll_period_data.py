"""Loket's payroll period data, straight through the API: the collective
``PATCH /providers/employers/{employerId}/payrollperioddata`` built from the same
summed entries as the import file (``payroll_csv.sum_entries``), so the file and
the API can never disagree.

Like the file's action "Overwrite", a send leaves Loket holding exactly what Odoo
shows for the period: a component an earlier send delivered for an employment ×
distribution unit that is now zero or gone is sent as 0, and a row whose values
Loket already holds is not sent again. Pure functions, no Odoo.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .payroll_csv import sum_entries

BATCH_SIZE = 100  # items per PATCH request
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PeriodDataRow:
    """What one item of the PATCH carries: an employment's values in one distribution unit."""

    employment_id: str  # Loket's employment id (uuid)
    distribution_unit_key: str | None  # Loket's distribution unit id (uuid); None: the employment's own
    values: tuple  # ((component number, Decimal), …) in component order

    @property
    def key(self):
        return (self.employment_id, self.distribution_unit_key)

    def as_dict(self):
        return dict(self.values)


def current_rows(entries, employment_ids, unit_keys):
    """``(rows, missing)``: the entries summed into one ``PeriodDataRow`` per employment ×
    distribution unit. ``employment_ids``: ``{payroll number: Loket employment id}``;
    ``unit_keys``: ``{distribution unit code: Loket id}``. ``missing`` lists the payroll
    numbers without an employment id and the unit codes without a Loket id; their
    values are in no row (the caller refuses to send)."""
    merged = defaultdict(lambda: defaultdict(Decimal))
    missing = {"payroll_numbers": set(), "distribution_units": set()}
    for (payroll_number, _shift, unit), values in sum_entries(entries).items():
        employment = employment_ids.get(payroll_number)
        if not employment:
            missing["payroll_numbers"].add(payroll_number)
            continue
        if unit and not unit_keys.get(unit):
            missing["distribution_units"].add(unit)
            continue
        for component, value in values.items():
            merged[(employment, unit_keys.get(unit) if unit else None)][component] += value
    rows = [_row(key, values) for key, values in merged.items()]
    return sorted(rows, key=lambda r: (r.employment_id, r.distribution_unit_key or "")), missing


def rows_to_send(current, delivered):
    """The rows that make Loket hold ``current``: changed or new rows, with 0 for each
    component ``delivered`` (``{(employment id, unit key): {component: Decimal}}``, what
    Loket holds from earlier sends) has and ``current`` has not; rows Loket holds
    already unchanged are left out."""
    by_key = {row.key: row.as_dict() for row in current}
    wanted = []
    for key in sorted(set(by_key) | set(delivered), key=lambda k: (k[0], k[1] or "")):
        values = dict.fromkeys(delivered.get(key, {}), ZERO) | by_key.get(key, {})
        if values and values != delivered.get(key):
            wanted.append(_row(key, values))
    return wanted


def payroll_period_item(row, year, period_number):
    """One item of the collective PATCH body, as the official document describes it."""
    item = {
        "employmentId": row.employment_id,
        "payrollPeriod": {"year": int(year), "periodNumber": int(period_number)},
        "payrollComponents": [
            {"payrollComponent": {"key": int(component)}, "value": float(value), "isSupplement": False}
            for component, value in row.values
        ],
    }
    if row.distribution_unit_key:
        item["distributionUnit"] = {"key": row.distribution_unit_key}
    return item


def batches(rows, size=BATCH_SIZE):
    """``rows`` in lists of at most ``size``, each employment at most once per list: Loket
    names a refused item by its employment id, which must point at one row."""
    pending = list(rows)
    while pending:
        batch, seen, rest = [], set(), []
        for row in pending:
            if len(batch) < size and row.employment_id not in seen:
                batch.append(row)
                seen.add(row.employment_id)
            else:
                rest.append(row)
        yield batch
        pending = rest


def _row(key, values):
    employment, unit = key
    return PeriodDataRow(employment, unit, tuple(sorted((int(c), Decimal(v)) for c, v in values.items())))
