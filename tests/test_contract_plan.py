import datetime

from loket.contract_plan import CLOSED, OVERLAP, READY, RUNNING, Span, departure_date, overlaps, phase, plan

D = datetime.date
TODAY = D(2026, 3, 15)


def test_phases_follow_odoos_contract_schedule():
    assert phase(Span("a", D(2020, 1, 1)), TODAY) == RUNNING
    assert phase(Span("a", D(2020, 1, 1), D(2026, 12, 31)), TODAY) == RUNNING
    assert phase(Span("a", D(2020, 1, 1), TODAY), TODAY) == CLOSED  # end date reached, as Odoo's cron closes it
    assert phase(Span("a", D(2020, 1, 1), D(2025, 12, 31)), TODAY) == CLOSED
    assert phase(Span("a", D(2026, 4, 1)), TODAY) == READY
    assert phase(Span("a", TODAY), TODAY) == RUNNING


def test_overlap_is_inclusive_and_open_ended():
    assert overlaps(Span(1, D(2020, 1, 1), D(2020, 12, 31)), Span(2, D(2020, 12, 31)))
    assert not overlaps(Span(1, D(2020, 1, 1), D(2020, 12, 30)), Span(2, D(2020, 12, 31)))
    assert overlaps(Span(1, D(2020, 1, 1)), Span(2, D(2030, 1, 1), D(2031, 1, 1)))


def test_the_running_employment_wins_over_an_ended_overlapping_one():
    # The case: 2015-01-01..2025-12-31 overlapped 2015-07-01..(running).
    first = Span("first", D(2015, 1, 1), D(2025, 12, 31))
    second = Span("second", D(2015, 7, 1))
    assert plan([first, second], TODAY) == {"second": RUNNING, "first": OVERLAP}
    assert plan([second, first], TODAY) == {"second": RUNNING, "first": OVERLAP}  # order of Loket's list


def test_without_overlap_each_employment_gets_its_own_phase():
    spans = [
        Span("old", D(2015, 1, 1), D(2019, 12, 31)),
        Span("now", D(2020, 1, 1), D(2026, 6, 30)),
        Span("next", D(2026, 7, 1)),
    ]
    assert plan(spans, TODAY) == {"old": CLOSED, "now": RUNNING, "next": READY}


def test_of_two_running_employments_the_first_started_is_the_contract():
    spans = [Span("later", D(2025, 1, 1)), Span("first", D(2024, 1, 1))]
    assert plan(spans, TODAY) == {"first": RUNNING, "later": OVERLAP}


def test_without_a_running_one_the_latest_wins():
    spans = [Span("a", D(2010, 1, 1), D(2020, 12, 31)), Span("b", D(2015, 1, 1), D(2021, 6, 30))]
    assert plan(spans, TODAY) == {"b": CLOSED, "a": OVERLAP}
    future = [Span("c", D(2026, 5, 1)), Span("d", D(2026, 9, 1))]
    assert plan(future, TODAY) == {"d": READY, "c": OVERLAP}


def test_an_employment_clear_of_the_chosen_one_keeps_its_phase():
    spans = [
        Span("running", D(2020, 1, 1)),
        Span("long_ago", D(2010, 1, 1), D(2012, 12, 31)),
        Span("overlapping", D(2015, 1, 1), D(2021, 12, 31)),
    ]
    assert plan(spans, TODAY) == {"running": RUNNING, "long_ago": CLOSED, "overlapping": OVERLAP}


def test_contracts_that_are_not_loket_s_block_the_dates_they_cover():
    own = Span("odoo", D(2019, 1, 1))
    spans = [Span("loket", D(2020, 1, 1)), Span("before", D(2010, 1, 1), D(2018, 12, 31))]
    assert plan(spans, TODAY, occupied=[own]) == {"loket": OVERLAP, "before": CLOSED}


def test_the_plan_moves_as_time_passes():
    first = Span("first", D(2015, 1, 1), D(2025, 12, 31))
    second = Span("second", D(2015, 7, 1))
    assert plan([first, second], D(2025, 6, 1)) == {"first": RUNNING, "second": OVERLAP}
    assert plan([first, second], D(2026, 1, 1)) == {"second": RUNNING, "first": OVERLAP}


def test_departure_date_once_every_employment_has_ended():
    assert departure_date([], TODAY) is None
    assert departure_date([Span(1, D(2020, 1, 1))], TODAY) is None
    ended = [Span(1, D(2020, 1, 1), D(2024, 12, 31)), Span(2, D(2025, 1, 1), D(2026, 2, 28))]
    assert departure_date(ended, TODAY) == D(2026, 2, 28)
    assert departure_date([Span(1, D(2020, 1, 1), TODAY)], TODAY) is None  # archived after the end date
    assert departure_date([*ended, Span(3, D(2026, 6, 1))], TODAY) is None  # employed again
