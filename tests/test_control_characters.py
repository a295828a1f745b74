"""Control characters in Loket's answers: PostgreSQL refuses a NUL in text (and ``\\u0000`` in
jsonb), so one NUL in one employee's name stopped the fetch and the sync for everyone, and
Odoo then logged the failing query with every employee's record. What the client returns
holds none: every text of a Loket answer (values, keys, Loket's messages) is cleaned."""

import json

import pytest
import requests
import responses

from loket import LoketBusinessRuleError
from loket.employee_mapper import employee_values, employment_values
from loket.transport import decode_body

HOSTILE = "Ja\x00n\x07\x1b\x7f"


def _all_text(value):
    """Every string of a decoded JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_all_text(k), *_all_text(v))]
    if isinstance(value, list):
        return [t for v in value for t in _all_text(v)]
    return []


def _controls(text):
    return [c for c in text if (ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF]


def test_the_employees_loket_lists_reach_the_caller_without_control_characters(fake, client):
    fake.employee(1)["personalDetails"]["firstName"] = HOSTILE
    fake.employee(2)["address"]["city"] = "Gou\x00da"
    fake.employee(3)["personalDetails"]["lastName"] = "Vis\ud800ser"  # a lone surrogate: not UTF-8-encodable
    fake.employee(4)["custom\x00Field"] = "x"  # a key too: the fetch keeps the whole entity until the join
    employees, _pages, _size = client.employees_first_page(fake.employer_id)
    found = [text for text in _all_text(employees) if _controls(text)]
    assert found == []
    by_number = {e["employeeNumber"]: e for e in employees}
    assert by_number[1]["personalDetails"]["firstName"] == "Jan"
    assert by_number[2]["address"]["city"] == "Gouda"
    assert by_number[3]["personalDetails"]["lastName"] == "Vis\ufffdser"
    assert by_number[4]["customField"] == "x"


def test_tabs_and_line_breaks_stay_in_loket_texts_but_not_in_names(fake, client):
    fake.employee(1)["personalDetails"].update(firstName="Jan\tPieter", lastName="de\nVries\r")
    employees, _pages, _size = client.employees_first_page(fake.employer_id)
    employee = next(e for e in employees if e["employeeNumber"] == 1)
    assert employee["personalDetails"]["firstName"] == "Jan\tPieter"  # what Loket holds, kept
    name = employee_values(employee)["name"]  # one line in Odoo
    assert name.startswith("Jan Pieter ")
    assert "de Vries" in name
    assert not {"\t", "\n", "\r"} & set(name)


def test_loket_messages_lose_their_control_characters(fake, client):
    fake.fail(
        "/providers/employers/{employerId}/departments",
        status=400,
        body={"messages": [{"code": 1, "type": "BrokenBusinessRule", "description": "Code\x00 bestaat al\x1b"}]},
    )
    with pytest.raises(LoketBusinessRuleError) as err:
        list(client.departments(fake.employer_id))
    assert err.value.loket_text == "[1] Code bestaat al"
    assert not _controls(str(err.value))


def test_raw_control_characters_in_a_page_are_cleaned_not_taken_for_an_empty_page():
    """Unescaped control characters make the page invalid strict JSON: read as no JSON at all it
    would be an empty list (every employee missing). It is read, cleaned."""
    body = '{"_embedded": [{"id": "e1", "personalDetails": {"firstName": "Ja\x00n\x01"}}], "totalPages": 1}'
    with responses.RequestsMock() as rsps:
        rsps.add("GET", "https://api.loket.test/v2/x", body=body.encode(), content_type="application/json")
        decoded = decode_body(requests.get("https://api.loket.test/v2/x", timeout=5))
    assert decoded["_embedded"][0]["personalDetails"]["firstName"] == "Jan"


@pytest.mark.parametrize(
    ("personal", "name"),
    [
        ({"firstName": "Jan\x00", "lastName": "Vis\x1fser"}, "Jan Visser"),
        ({"firstName": "Anna\nMaria", "lastName": "Bakker\t"}, "Anna Maria Bakker"),
    ],
)
def test_the_mapper_cleans_what_it_is_given_too(personal, name):
    """Rows stored before the client cleaned (or data from any other source) map to clean values."""
    employee = {"personalDetails": personal, "address": {"city": "Gou\x00da\n", "street": "Kerk\x07straat"}}
    values = employee_values(employee)
    assert values["name"] == name
    assert values["private_city"] == "Gouda"
    assert values["private_street"] == "Kerkstraat"
    entity = {"department": {"description": "Bak\x00kerij"}, "distributionUnit": {"code": "1\x000"}}
    contract = employment_values({"id": "e1"}, entity)
    assert (contract["department_name"], contract["distribution_unit_code"]) == ("Bakkerij", "10")


def test_numbers_loket_should_send_as_numbers_are_not_trusted_as_such():
    """A shift number or weekly hours that are text (a hostile or broken answer) do not reach an
    Integer or Float field as text: that would stop the sync of every employee, not refuse one."""
    values = employment_values({"id": "e1"}, None, {"shift": {"shiftNumber": "=1+1"}, "averageHoursPerWeek": "40\x00"})
    assert values["shift_number"] == 0
    assert values["hours_per_week"] == 0.0


def test_a_clean_answer_is_returned_as_loket_sent_it(fake, client):
    employees, _pages, _size = client.employees_first_page(fake.employer_id)
    expected = json.loads(json.dumps(fake.data["employees"][: len(employees)]))
    assert employees == expected
