import datetime
import itertools

from loket.payroll_periods import (
    FOUR_WEEKLY,
    MONTH,
    WEEK,
    computed_periods,
    last_closed_period,
    period_type_from_loket,
)


def test_period_types_from_loket():
    assert period_type_from_loket({"key": 1, "value": "Maand"}) == MONTH
    assert period_type_from_loket({"key": 2, "value": "4 weken"}) == FOUR_WEEKLY
    assert period_type_from_loket({"key": 3, "value": "Week"}) == WEEK
    assert period_type_from_loket(None) == MONTH


def test_months():
    periods = computed_periods(2024, MONTH)
    assert len(periods) == 12
    assert periods[1].end == datetime.date(2024, 2, 29)


def test_four_weekly_follow_iso_weeks_and_period_13_takes_week_53():
    periods = computed_periods(2026, FOUR_WEEKLY)  # 2026 has 53 ISO weeks
    assert len(periods) == 13
    assert periods[0].start == datetime.date(2025, 12, 29)  # Monday of ISO week 1
    assert (periods[0].end - periods[0].start).days == 27
    assert (periods[12].end - periods[12].start).days == 34
    assert all(a.end + datetime.timedelta(days=1) == b.start for a, b in itertools.pairwise(periods))


def test_weeks():
    assert len(computed_periods(2025, WEEK)) == 52
    assert len(computed_periods(2026, WEEK)) == 53


def test_last_closed_period_for_each_type():
    today = datetime.date(2026, 3, 10)
    assert last_closed_period(computed_periods(2026, MONTH), today, days_after=5).number == 2
    assert last_closed_period(computed_periods(2026, MONTH), today, days_after=11).number == 1
    four = last_closed_period(computed_periods(2026, FOUR_WEEKLY), today, days_after=2)
    assert four.number == 2 and four.end == datetime.date(2026, 2, 22)
    week = last_closed_period(computed_periods(2026, WEEK), today, days_after=0)
    assert week.number == 10 and week.end == datetime.date(2026, 3, 8)
