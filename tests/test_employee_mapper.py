import json

from loket.employee_mapper import (
    BAD_BIRTH_DATE,
    BAD_DATE,
    END_BEFORE_START,
    NO_NAME,
    NO_START_DATE,
    bundle_problems,
    dutch_name,
    employee_problems,
    employee_values,
    employment_problems,
    employment_values,
    minimal_bundle,
    row_summary,
    street_line,
)
from loket.testing import generate_employer_data


def test_dutch_names():
    assert dutch_name({"firstName": "Jan", "prefix": "de", "lastName": "Vries"}) == "Jan de Vries"
    assert (
        dutch_name({"firstName": None, "initials": "J.P.", "prefix": "van der", "lastName": "Berg"})
        == "J.P. van der Berg"
    )
    partner = {
        "firstName": "Anna",
        "lastName": "Bakker",
        "prefixPartner": "de",
        "lastNamePartner": "Jong",
    }
    assert dutch_name(dict(partner, howToFormatLastName={"key": 1})) == "Anna Bakker"
    assert dutch_name(dict(partner, howToFormatLastName={"key": 2})) == "Anna de Jong"
    assert dutch_name(dict(partner, howToFormatLastName={"key": 3})) == "Anna de Jong-Bakker"
    assert dutch_name(dict(partner, howToFormatLastName={"key": 4})) == "Anna Bakker-de Jong"
    # partner usage without a partner name falls back to the own name
    assert dutch_name({"firstName": "Sem", "lastName": "Bos", "howToFormatLastName": {"key": 2}}) == "Sem Bos"


def test_street_with_house_number_addition():
    assert street_line({"street": "Kerkstraat", "houseNumber": 12, "houseNumberAddition": "A"}) == "Kerkstraat 12 A"
    assert street_line({"street": "Kerkstraat", "houseNumber": 12, "houseNumberAddition": None}) == "Kerkstraat 12"


def test_employee_and_employment_values_from_generated_data():
    data = generate_employer_data(5, seed=3)
    employee = data["employees"][0]
    values = employee_values(employee)
    assert values["private_city"] == employee["address"]["city"]
    assert values["private_country_code"] == "NL"
    assert values["gender"] in ("male", "female")
    employment = data["employments"][0]
    entity = data["organizational_entities"][0]["organizationalEntity"]
    hours = data["working_hours"][0]["workingHours"]
    contract = employment_values(employment, entity, hours)
    assert contract["payroll_number"] == employment["payrollId"]
    assert contract["department_name"] == entity["department"]["description"]
    assert contract["hours_per_week"] == hours["averageHoursPerWeek"]


def test_missing_and_null_data_gives_empty_values_not_a_crash():
    for employee in (
        {"id": "x"},
        {"id": "x", "personalDetails": None, "address": None, "contactInformation": None, "travel": None},
        {
            "id": "x",
            "personalDetails": {"firstName": None, "lastName": None, "gender": None, "howToFormatLastName": None},
            "address": {"street": None, "houseNumber": None, "country": None, "city": None},
            "travel": {"travelDistanceToWork": None},
        },
    ):
        values = employee_values(employee)
        assert values["name"] == ""
        assert values["private_street"] is False
        assert values["private_country_code"] is False
        assert values["birthday"] is False
        assert values["gender"] == "other"
        assert values["km_home_work"] == 0
        assert employee_problems(employee) == [(NO_NAME, {})]


def test_partial_names_and_addresses():
    assert dutch_name({"firstName": "  ", "initials": "J.", "lastName": "Bos"}) == "J. Bos"
    assert dutch_name({"lastName": "Bos"}) == "Bos"
    # partner's name only, whatever the naamgebruik says
    assert dutch_name({"firstName": "Anna", "lastNamePartner": "Jong", "howToFormatLastName": {"key": 4}}) == (
        "Anna Jong"
    )
    assert street_line({"street": None, "houseNumber": 12}) == "12"
    assert street_line({"street": "Kerkstraat", "houseNumber": None, "houseNumberAddition": None}) == "Kerkstraat"
    values = employee_values({"address": {"city": "Utrecht", "country": {"isoCode": None}}})
    assert (values["private_city"], values["private_country_code"]) == ("Utrecht", False)
    assert employee_values({"address": {"country": {"isoCode": "be"}}})["private_country_code"] == "BE"


def test_dates_missing_malformed_or_timestamps():
    employee = {"personalDetails": {"lastName": "Bos", "dateOfBirth": "1980-02-30"}}
    assert employee_values(employee)["birthday"] is False
    assert employee_problems(employee) == [(BAD_BIRTH_DATE, {"value": "1980-02-30"})]
    employee["personalDetails"]["dateOfBirth"] = "1980-02-03T00:00:00Z"
    assert employee_values(employee)["birthday"] == "1980-02-03"
    assert employee_problems(employee) == []
    employee["personalDetails"]["dateOfBirth"] = None
    assert employee_problems(employee) == []  # no birth date is allowed


def test_employment_problems():
    assert employment_problems({"id": "e", "payrollId": 7, "startDate": "2024-01-01", "endDate": None}) == []
    assert employment_problems({"id": "e", "payrollId": 7, "startDate": None}) == [
        (NO_START_DATE, {"payroll_number": 7})
    ]
    assert employment_problems({"id": "e", "startDate": "yesterday"})[0][0] == BAD_DATE
    assert employment_problems({"id": "e", "payrollId": None, "startDate": "2024-01-01", "endDate": "2023-01-01"}) == [
        (END_BEFORE_START, {"payroll_number": "-", "value": "2024-01-01 – 2023-01-01"})
    ]
    bundle = {"employee": {"personalDetails": None}, "employments": [{"employment": {"id": "e"}}]}
    assert [code for code, _ in bundle_problems(bundle)] == [NO_NAME, NO_START_DATE]


def test_an_employment_without_payroll_number():
    values = employment_values({"id": "e", "payrollId": None, "startDate": "2024-01-01"})
    assert values["payroll_number"] == 0
    assert (values["date_start"], values["date_end"]) == ("2024-01-01", False)
    assert employment_problems({"id": "e", "payrollId": None, "startDate": "2024-01-01"}) == []


def test_minimal_bundle_keeps_what_the_sync_reads_and_nothing_else():
    data = generate_employer_data(3, seed=5)
    employee = dict(
        data["employees"][0],
        identityDocument={"documentIdentification": "NX1234567", "typeOfDocument": {"key": 1}},
        deviatingPostalAddress={"street": "Postbus", "houseNumber": 1},
        personalDetails=dict(data["employees"][0]["personalDetails"], placeOfBirth="Gouda", nationality={"key": 1}),
    )
    employment = dict(data["employments"][0], endOfEmploymentReason={"key": 3, "value": "Ontslag"})
    entity = data["organizational_entities"][0]["organizationalEntity"]
    hours = data["working_hours"][0]["workingHours"]
    bundle = {"employee": employee, "employments": [{"employment": employment, "entity": entity, "hours": hours}]}
    kept = minimal_bundle(bundle)
    text = json.dumps(kept)
    for secret in ("NX1234567", "Postbus", "Gouda", "nationality", "Ontslag", "formattedName"):
        assert secret not in text
    # The mappers see the same values in the kept part as in the whole.
    assert employee_values(kept["employee"]) == employee_values(employee)
    item = kept["employments"][0]
    assert employment_values(item["employment"], item["entity"], item["hours"]) == employment_values(
        employment, entity, hours
    )
    assert minimal_bundle({"employee": {"id": "x", "address": None}, "employments": []}) == {
        "employee": {"id": "x", "address": None},
        "employments": [],
    }


def test_row_summary_of_employments():
    def bundle(*spans):
        return {
            "employments": [
                {"employment": dict(zip(("payrollId", "startDate", "endDate"), s, strict=True))} for s in spans
            ]
        }

    assert row_summary(bundle()) == {"employment_start": False, "employment_end": False, "payroll_numbers": ""}
    assert row_summary(bundle((3, "2020-01-01", "2021-12-31"), (None, "2022-01-01", None))) == {
        "employment_start": "2020-01-01",
        "employment_end": False,
        "payroll_numbers": "3, -",
    }
    assert row_summary(bundle((3, None, "2021-12-31"), (4, "2019-05-01", "2020-12-31")))["employment_end"] == (
        "2021-12-31"
    )
