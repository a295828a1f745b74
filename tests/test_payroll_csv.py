import os
from decimal import Decimal

import pytest

from loket.payroll_csv import PayrollCsvError, PayrollEntry, build_payroll_csv, export_file_name

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")


def golden(name):
    with open(os.path.join(GOLDEN, name), "rb") as handle:
        return handle.read().decode("utf-8")


def test_one_employee_two_hour_codes():
    entries = [PayrollEntry(7, 1, 5), PayrollEntry(7, 28, 2.5), PayrollEntry(7, 1, 3)]
    result = build_payroll_csv(5555, entries)
    assert result.text == golden("two_hour_codes.csv")
    assert result.rows == 1
    assert result.totals == {1: Decimal("8.00"), 28: Decimal("2.50")}


def test_two_employments_are_two_rows_by_payroll_number():
    entries = [
        PayrollEntry(4, 1, 8, shift=1, distribution_unit="10"),
        PayrollEntry(3, 1, 16, shift=1, distribution_unit="10"),
    ]
    assert build_payroll_csv("5555", entries).text == golden("two_employments.csv")


def test_two_distribution_units_split_one_employment():
    entries = [
        PayrollEntry(2, 1, 4, distribution_unit="20"),
        PayrollEntry(2, 45, 2, distribution_unit="20"),
        PayrollEntry(2, 1, 6, distribution_unit="10"),
    ]
    assert build_payroll_csv(5555, entries).text == golden("two_distribution_units.csv")


def test_rounding_once_component_order_decimal_comma_and_no_thousands_separator():
    entries = [
        PayrollEntry(12, 402, Decimal("-3.25")),
        PayrollEntry(1, 86, 1234.5),
        *[PayrollEntry(1, 1, 0.333) for _ in range(3)],  # 0.999 → 1,00 (rounded once, not 3 × 0,33)
    ]
    result = build_payroll_csv(5555, entries)
    assert result.text == golden("rounding_and_order.csv")
    assert result.components == [1, 86, 402]


def test_crlf_and_header():
    text = build_payroll_csv(5555, [PayrollEntry(1, 1, 1)]).text
    assert text.startswith("aanslnr;persnr;ploeg;verdelingseenheid;1\r\n")
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), None, True, "1e400x"])
def test_a_value_that_is_not_a_plain_number_stops_the_export(bad):
    with pytest.raises(PayrollCsvError) as err:
        build_payroll_csv(5555, [PayrollEntry(9, 1, bad, source="timesheet 42")])
    assert "payroll number 9" in str(err.value)


@pytest.mark.parametrize("component", [1000, "12a", -1])
def test_component_numbers_have_at_most_three_digits(component):
    with pytest.raises(PayrollCsvError):
        build_payroll_csv(5555, [PayrollEntry(9, component, 1)])


def test_client_number_and_payroll_number_are_required():
    with pytest.raises(PayrollCsvError):
        build_payroll_csv("", [PayrollEntry(9, 1, 1)])
    with pytest.raises(PayrollCsvError):
        build_payroll_csv(5555, [PayrollEntry(0, 1, 1)])


def test_file_name_carries_administration_year_and_period():
    assert export_file_name("Bakkerij De Krakeling", 2026, 3) == "loket_Bakkerij_De_Krakeling_2026_03.csv"


def test_file_name_of_a_later_version_carries_its_number():
    assert export_file_name("Bakkerij De Krakeling", 2026, 3, version=1) == "loket_Bakkerij_De_Krakeling_2026_03.csv"
    assert export_file_name("Bakkerij De Krakeling", 2026, 3, version=2) == "loket_Bakkerij_De_Krakeling_2026_03_v2.csv"
