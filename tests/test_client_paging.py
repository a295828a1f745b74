from conftest import make_client

from loket import resources as R
from loket.testing import FakeLoket


def test_pages_over_three_pages(recorder):
    import responses

    fake = FakeLoket(n_employees=600)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        client = make_client(fake, recorder)
        employees = client.employees(fake.employer_id)
        first = next(employees)  # a generator: one page fetched so far
        assert len(fake.requests) == 1
        rest = list(employees)
    assert len(rest) + 1 == 600
    assert first["employeeNumber"] == 1
    assert [q["pageNumber"] for _, _, q in fake.requests] == ["1", "2", "3"]
    assert {q["pageSize"] for _, _, q in fake.requests} == {"250"}
    assert len({e["id"] for e in [first, *rest]}) == 600


def test_every_request_has_the_resource_version_accept_header(fake, client):
    list(client.employees(fake.employer_id))
    list(client.employments(fake.employer_id))
    list(client.payroll_components(fake.administration_id, 2026))
    # FakeLoket answers 400 on a wrong Accept header, so reaching here proves it; also check the table.
    assert R.EMPLOYEES.media_type == "application/json;version=2021-03-29"
    assert len(fake.requests) == 3


def test_filter_is_passed_to_loket(fake, client):
    rows = list(client.employees(fake.employer_id, filter="employeeNumber eq 3"))
    assert [r["employeeNumber"] for r in rows] == [3]
    assert fake.requests[-1][2]["filter"] == "employeeNumber eq 3"


def test_operations_reach_their_resources(fake, client):
    employment = fake.data["employments"][0]["id"]
    assert [e["id"] for e in client.employers()] == [fake.employer_id]
    assert next(client.payroll_administrations(fake.employer_id))["clientNumber"] == 5555
    assert len(list(client.departments(fake.employer_id))) == 4
    assert len(list(client.distribution_units(fake.employer_id))) == 3
    assert list(client.organizational_entities(employment))[0]["department"]["code"]
    assert list(client.working_hours(employment))[0]["averageHoursPerWeek"] > 0
    assert len(list(client.actual_organizational_entities(fake.employer_id))) == len(fake.data["employments"])
    assert len(list(client.actual_working_hours(fake.employer_id))) == len(fake.data["employments"])
    assert len(list(client.payroll_periods(fake.administration_id))) == 24
    assert client.payroll_period_data_defaults(employment)["shift"] == {"shiftNumber": 1}
    versions = client.employment_version_numbers(fake.employer_id)
    assert set(versions) == {e["id"] for e in fake.data["employments"]}


def test_employer_list_pages_go_on_from_a_given_page(recorder):
    import responses

    fake = FakeLoket(n_employees=600)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        client = make_client(fake, recorder)
        pages = client.employer_list_pages("employees", fake.employer_id, start=2)
        number, employees, total = next(pages)  # one request so far
        assert (number, len(employees), total, len(fake.requests)) == (2, 250, 3, 1)
        assert employees[0]["employeeNumber"] == 251
        assert [(n, len(e)) for n, e, _t in pages] == [(3, 100)]
    assert [q["pageNumber"] for _, _, q in fake.requests] == ["2", "3"]
    assert fake.requests[0][1] == f"/providers/employers/{fake.employer_id}/employees"
