from loket.employee_mapper import contract_values, dutch_name, employee_values, street_line
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


def test_employee_and_contract_values_from_generated_data():
    data = generate_employer_data(5, seed=3)
    employee = data["employees"][0]
    values = employee_values(employee)
    assert values["private_city"] == employee["address"]["city"]
    assert values["private_country_code"] == "NL"
    assert values["gender"] in ("male", "female")
    employment = data["employments"][0]
    entity = data["organizational_entities"][0]["organizationalEntity"]
    hours = data["working_hours"][0]["workingHours"]
    contract = contract_values(employment, entity, hours)
    assert contract["loket_payroll_number"] == employment["payrollId"]
    assert contract["department_name"] == entity["department"]["description"]
    assert contract["weekly_hours"] == hours["averageHoursPerWeek"]
