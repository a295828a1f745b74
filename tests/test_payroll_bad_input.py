"""Bad input on the export side: corrections that net to a negative total, component numbers."""

import json
from decimal import Decimal

import pytest
from test_payroll_period_data import EMP_A, EMP_B, UNIT_1, _check_against_schema
from test_spec_conformance import spec  # noqa: F401 - the fixture

from loket import resources as R
from loket.payroll_csv import PayrollCsvError, PayrollEntry, build_payroll_csv, format_value, negative_cells
from loket.payroll_period_data import current_rows, payroll_period_item


def corrections():
    """Payroll number 7: 8 h and a 3 h correction; payroll number 8: a 5 h correction of 2 h."""
    return [
        PayrollEntry(7, 1, 8, distribution_unit="10"),
        PayrollEntry(7, 1, -3, distribution_unit="10"),
        PayrollEntry(8, 1, 2, distribution_unit="10"),
        PayrollEntry(8, 1, "-5.25", distribution_unit="10"),
        PayrollEntry(8, 28, -0.001, distribution_unit="10"),  # rounds to zero: never "-0,00"
    ]


def test_corrections_are_netted_per_cell_and_a_negative_total_keeps_its_minus():
    result = build_payroll_csv(5555, corrections())
    assert result.text == "aanslnr;persnr;ploeg;verdelingseenheid;1;28\r\n5555;7;;10;5,00;\r\n5555;8;;10;-3,25;0,00\r\n"
    assert result.totals == {1: Decimal("1.75"), 28: Decimal("0.00")}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("-3.25"), "-3,25"),
        (Decimal("-1234.5"), "-1234,50"),  # no thousands separator
        (Decimal("-0.004"), "0,00"),
        (Decimal("-0.005"), "-0,01"),  # half away from zero, as the positive side
        (Decimal("0.005"), "0,01"),
    ],
)
def test_negative_numbers_in_loket_format(value, text):
    assert format_value(value) == text


def test_negative_cells_are_listed():
    assert negative_cells(corrections()) == [(8, None, "10", 1, Decimal("-3.25"))]


def test_a_negative_total_is_a_negative_number_in_the_payload(spec):  # noqa: F811 - the fixture
    rows, missing = current_rows(corrections(), {7: EMP_A, 8: EMP_B}, {"10": UNIT_1})
    assert not any(missing.values())
    items = {row.employment_id: payroll_period_item(row, 2026, 3) for row in rows}
    values = {pc["payrollComponent"]["key"]: pc["value"] for pc in items[EMP_B]["payrollComponents"]}
    assert values == {1: -3.25, 28: 0.0}
    assert json.dumps(values[28]) == "0.0"  # not "-0.0"
    operation = spec["paths"][R.COLLECTIVE_PAYROLL_PERIOD_DATA.path]["patch"]
    schema = operation["requestBody"]["content"][R.COLLECTIVE_PAYROLL_PERIOD_DATA.media_type]["schema"]
    _check_against_schema(list(items.values()), schema, "body")  # "value" is a number: negative allowed


@pytest.mark.parametrize("component", ["1234", "12a", "a", "", " ", "1.5", "٣", "²", "+1", 1000])
def test_a_component_number_is_one_to_three_ascii_digits(component):
    with pytest.raises(PayrollCsvError, match="at most 3 digits"):
        build_payroll_csv(5555, [PayrollEntry(9, component, 1)])


@pytest.mark.parametrize("component", ["7", "028", 999, 0])
def test_valid_component_numbers(component):
    assert build_payroll_csv(5555, [PayrollEntry(9, component, 1)]).components == [int(component)]


# -- text cells: Loket's file is read by spreadsheets too ---------------------------------------

UNSAFE_UNITS = [
    ('=HYPERLINK("http://x.example/u");1', "formula"),  # a formula, and its ";" shifts the hours
    ("+31", "formula"),
    ("-10", "formula"),
    ("@SUM(A1)", "formula"),
    ("10;20", "separator"),
    ('1"0', "quote"),
    ("1'0", "quote"),
    ("10\r\n5555;9;;;99", "line_break"),  # a row of its own
    ("10\n", "line_break"),
    ("\t10", "control"),
    ("1\x000", "control"),
]


@pytest.mark.parametrize(("unit", "problem"), UNSAFE_UNITS)
def test_an_unsafe_distribution_unit_code_is_not_written_and_the_other_rows_are(unit, problem):
    entries = [
        PayrollEntry(7, 1, 8, shift=1, distribution_unit=unit),
        PayrollEntry(7, 28, 2, shift=1, distribution_unit=unit),
        PayrollEntry(8, 1, -2, shift=1, distribution_unit="10"),  # a negative number is a value, not text
    ]
    result = build_payroll_csv(5555, entries)
    assert result.text == "aanslnr;persnr;ploeg;verdelingseenheid;1\r\n5555;8;1;10;-2,00\r\n"
    assert (result.rows, result.components, result.totals) == (1, [1], {1: Decimal("-2.00")})


@pytest.mark.parametrize(("unit", "problem"), UNSAFE_UNITS)
def test_the_refused_row_is_named_with_its_column_and_why(unit, problem):
    entries = [PayrollEntry(7, 1, 8, shift=1, distribution_unit=unit), PayrollEntry(8, 1, 4, distribution_unit="10")]
    refused = build_payroll_csv(5555, entries).refused
    assert [(r.payroll_number, r.shift, r.column, r.value, r.problem) for r in refused] == [
        (7, 1, "verdelingseenheid", unit, problem)
    ]


@pytest.mark.parametrize("shift", ["=1", "1;2", -1, 1.5, True])
def test_a_shift_that_is_not_a_whole_number_is_not_written(shift):
    result = build_payroll_csv(5555, [PayrollEntry(7, 1, 8, shift=shift), PayrollEntry(8, 1, 4, shift=2)])
    assert result.text == "aanslnr;persnr;ploeg;verdelingseenheid;1\r\n5555;8;2;;4,00\r\n"
    assert [(r.payroll_number, r.column, r.problem) for r in result.refused] == [(7, "ploeg", "not_a_number")]


@pytest.mark.parametrize("unit", ["10", "A-1", "Winkel Zuid", "0001", "a=b", "x@y", "(20)"])
def test_ordinary_distribution_unit_codes_are_written(unit):
    result = build_payroll_csv(5555, [PayrollEntry(7, 1, 8, distribution_unit=unit)])
    assert result.text.splitlines()[1] == f"5555;7;;{unit};8,00"
    assert result.refused == []
