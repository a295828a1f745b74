"""Payroll periods: Loket's period types and periods computed when Loket has none.

Four-weekly and weekly periods follow ISO weeks, as Dutch payroll does:
period n of a four-weekly year covers ISO weeks 4n-3 … 4n, and period 13 also
takes week 53 in a 53-week year.
"""

import datetime
from dataclasses import dataclass

MONTH, FOUR_WEEKLY, WEEK = "month", "four_weekly", "week"
# Loket's payrollPeriodType keys, and the words of their values as a fallback.
_KEYS = {1: MONTH, 2: FOUR_WEEKLY, 3: WEEK}
_WORDS = (("maand", MONTH), ("month", MONTH), ("4", FOUR_WEEKLY), ("vier", FOUR_WEEKLY), ("four", FOUR_WEEKLY))


@dataclass(frozen=True)
class PayrollPeriod:
    year: int
    number: int
    start: datetime.date
    end: datetime.date

    @property
    def label(self):
        return f"{self.year}-{self.number:02d} ({self.start:%d-%m-%Y} – {self.end:%d-%m-%Y})"


def period_type_from_loket(payroll_period_type):
    """Our period type for Loket's ``payrollPeriodType`` ``{key, value}``."""
    if not payroll_period_type:
        return MONTH
    value = (payroll_period_type.get("value") or "").lower()
    if payroll_period_type.get("key") in _KEYS and not value:
        return _KEYS[payroll_period_type["key"]]
    for word, kind in _WORDS:
        if word in value:
            return kind
    if "week" in value:
        return WEEK
    return _KEYS.get(payroll_period_type.get("key"), MONTH)


def _iso_weeks(year):
    return datetime.date(year, 12, 28).isocalendar()[1]


def computed_periods(year, period_type):
    """The periods of ``year`` for ``period_type``, when Loket does not list them."""
    if period_type == MONTH:
        periods = []
        for month in range(1, 13):
            start = datetime.date(year, month, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            periods.append(PayrollPeriod(year, month, start, end))
        return periods
    weeks = _iso_weeks(year)
    span = 4 if period_type == FOUR_WEEKLY else 1
    count = 13 if span == 4 else weeks
    periods = []
    for number in range(1, count + 1):
        first_week = (number - 1) * span + 1
        last_week = weeks if number == count else number * span
        start = datetime.date.fromisocalendar(year, first_week, 1)
        end = datetime.date.fromisocalendar(year, last_week, 7)
        periods.append(PayrollPeriod(year, number, start, end))
    return periods


def periods_from_loket(rows):
    """``PayrollPeriod``s from Loket's payroll periods resource rows."""
    return [
        PayrollPeriod(
            int(r["year"]),
            int(r["periodNumber"]),
            datetime.date.fromisoformat(r["startDate"][:10]),
            datetime.date.fromisoformat(r["endDate"][:10]),
        )
        for r in rows
    ]


def last_closed_period(periods, today, days_after=0):
    """The latest period that ended at least ``days_after`` days before ``today``."""
    closed = [p for p in periods if p.end + datetime.timedelta(days=days_after) <= today]
    return max(closed, key=lambda p: p.end, default=None)
