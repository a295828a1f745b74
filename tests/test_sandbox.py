"""The Loket sandbox (``scripts/loket_sandbox.py``) over real HTTP on a free loopback port."""

import os
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from loket import LoketClient, LoketOAuth
from loket.employee_mapper import dutch_name
from loket.errors import LoketInvalidGrantError
from loket.testing.http_server import SANDBOX_NOTICE
from loket.testing.sandbox import CLIENT_ID, CLIENT_SECRET, PERIOD_DATA_JSON, PERIOD_DATA_PAGE, LoketSandbox, parse_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDIRECT_URI = "http://odoo.example/loket/oauth/callback"


@pytest.fixture
def sandbox():
    with LoketSandbox(n_employees=5, port=0) as server:
        yield server


def _hidden_fields(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def _login(sandbox, state="st-1"):
    """The browser's part: the authorize page, one click on Grant, back with a code."""
    oauth = LoketOAuth(sandbox.fake.environment, CLIENT_ID, CLIENT_SECRET)
    page = requests.get(oauth.authorize_url(REDIRECT_URI, state), timeout=5)
    assert page.status_code == 200
    assert SANDBOX_NOTICE in page.text
    assert "id='grant'" in page.text
    answer = requests.post(
        sandbox.fake.environment.authorize_url, data=_hidden_fields(page.text), allow_redirects=False, timeout=5
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["state"] == state
    return query["code"]


def test_binds_loopback_unless_told_otherwise(sandbox):
    assert sandbox.httpd.server_address[0] == "127.0.0.1"
    assert parse_args([]).host == "127.0.0.1"
    assert parse_args(["--host", "0.0.0.0"]).host == "0.0.0.0"


def test_index_page_says_sandbox_and_gives_the_custom_urls(sandbox):
    page = requests.get(sandbox.base_url + "/", timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert SANDBOX_NOTICE in page.text
    urls = sandbox.custom_urls()
    assert urls == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "api_url": f"{sandbox.base_url}/v2",
        "oauth_url": f"{sandbox.base_url}/oauth",
    }
    for value in urls.values():
        assert value in page.text
    for employee in sandbox.fake.data["employees"]:  # under the name Odoo gives them
        assert dutch_name(employee["personalDetails"]).replace("'", "&#x27;") in page.text
    assert urls["api_url"] in sandbox.banner() and urls["oauth_url"] in sandbox.banner()


def test_unknown_client_is_refused_on_a_sandbox_page(sandbox):
    oauth = LoketOAuth(sandbox.fake.environment, "someone-else", "x")
    page = requests.get(oauth.authorize_url(REDIRECT_URI, "s"), timeout=5)
    assert page.status_code == 400
    assert SANDBOX_NOTICE in page.text
    assert "id='grant'" not in page.text


def test_login_api_and_rotating_refresh_tokens(sandbox):
    stored = []
    oauth = LoketOAuth(sandbox.fake.environment, CLIENT_ID, CLIENT_SECRET, on_tokens=stored.append)
    oauth.exchange_code(_login(sandbox), REDIRECT_URI)
    client = LoketClient(sandbox.fake.environment, oauth)
    fake = sandbox.fake
    employees = list(client.employees(fake.employer_id))
    assert sorted(e["employeeNumber"] for e in employees) == [1, 2, 3, 4, 5]
    employment = fake.data["employments"][0]
    assert list(client.employments(fake.employer_id))
    assert list(client.organizational_entities(employment["id"]))
    assert list(client.working_hours(employment["id"]))
    assert len(list(client.distribution_units(fake.employer_id))) == 3
    assert list(client.payroll_components(fake.administration_id, fake.data["payroll_periods"][0]["year"]))
    assert list(client.payroll_periods(fake.administration_id))

    first = stored[-1].refresh_token
    oauth.refresh(stale_access_token=oauth.access_token())
    second = stored[-1].refresh_token
    assert second != first
    assert first in fake.spent_refresh_tokens
    stale = LoketOAuth(fake.environment, CLIENT_ID, CLIENT_SECRET, refresh_token=first)
    with pytest.raises(LoketInvalidGrantError):
        stale.refresh()  # rotated: the old refresh token is dead
    oauth.refresh(stale_access_token=oauth.access_token())  # the new one still works, once
    assert second in fake.spent_refresh_tokens


def test_collective_patch_is_recorded_and_viewable(sandbox):
    oauth = LoketOAuth(sandbox.fake.environment, CLIENT_ID, CLIENT_SECRET)
    oauth.exchange_code(_login(sandbox), REDIRECT_URI)
    client = LoketClient(sandbox.fake.environment, oauth)
    fake = sandbox.fake
    employment = fake.data["employments"][1]
    period = fake.data["payroll_periods"][2]
    unit = fake.data["distribution_units"][0]
    item = {
        "employmentId": employment["id"],
        "payrollPeriod": {"year": period["year"], "periodNumber": period["periodNumber"]},
        "distributionUnit": {"key": unit["id"]},
        "payrollComponents": [{"payrollComponent": {"key": 1}, "value": 12.5, "isSupplement": False}],
    }
    refused = dict(item, employmentId="no-such-employment")
    result = client.patch_payroll_period_data(fake.employer_id, [item, refused])
    assert result.succeeded == [employment["id"]]
    assert list(result.failed) == ["no-such-employment"]

    data = requests.get(sandbox.base_url + PERIOD_DATA_JSON, timeout=5).json()
    assert data["sandbox"] == SANDBOX_NOTICE
    [patch] = data["patches"]
    assert patch["items"] == [item, refused]
    assert patch["accepted"] == 1
    assert [m["id"] for m in patch["messages"]] == ["no-such-employment"]
    assert data["held"] == [
        {
            "employmentId": employment["id"],
            "payrollId": employment["payrollId"],
            "employeeNumber": employment["employee"]["employeeNumber"],
            "employee": dutch_name(sandbox.fake.employee(employment["employee"]["employeeNumber"])["personalDetails"]),
            "distributionUnit": unit,
            "year": period["year"],
            "periodNumber": period["periodNumber"],
            "payrollComponents": {"1": 12.5},
        }
    ]
    page = requests.get(sandbox.base_url + PERIOD_DATA_PAGE, timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert SANDBOX_NOTICE in page.text
    assert "1: 12.5" in page.text
    assert f"{unit['code']} {unit['description']}" in page.text
    assert "Employment not found" in page.text


def test_the_command_runs_from_the_clone_without_odoo(tmp_path):
    """``scripts/loket_sandbox.py`` with a free port: prints the Custom URLs, serves them, imports no Odoo."""
    probe = (
        "import runpy, sys, threading\n"
        "sys.argv = ['loket_sandbox.py', '--port', '0', '--employees', '3', '--quiet']\n"
        "import http.server\n"
        "http.server.ThreadingHTTPServer.serve_forever = lambda self, *a: print('odoo' in sys.modules)\n"
        f"runpy.run_path({os.path.join(ROOT, 'scripts', 'loket_sandbox.py')!r}, run_name='__main__')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert SANDBOX_NOTICE in out
    assert re.search(r"API base URL: +http://127\.0\.0\.1:\d+/v2\n", out)
    assert re.search(r"OAuth server URL: +http://127\.0\.0\.1:\d+/oauth\n", out)
    assert f"Client id:           {CLIENT_ID}" in out
    assert out.rstrip().endswith("False"), "the sandbox imported odoo"


def test_public_url_is_what_clients_are_told():
    with LoketSandbox(n_employees=1, port=0, public_url="http://localhost:8070/") as server:
        assert server.custom_urls()["api_url"] == "http://localhost:8070/v2"
        assert server.custom_urls()["oauth_url"] == "http://localhost:8070/oauth"
        bound = f"http://127.0.0.1:{server.httpd.server_address[1]}"  # only the paths matter to the sandbox
        assert "http://localhost:8070/v2" in requests.get(bound + "/", timeout=5).text
        assert requests.get(bound + PERIOD_DATA_JSON, timeout=5).json()["patches"] == []


def test_running_payroll_in_the_sandbox_gives_a_journal_run_odoo_can_read(sandbox):
    from loket.testing.sandbox import JOURNAL_PAGE, JOURNAL_RUN_PATH

    page = requests.get(sandbox.base_url + JOURNAL_PAGE, timeout=5)
    assert page.status_code == 200 and SANDBOX_NOTICE in page.text
    assert "No journal runs yet" in page.text
    year = sandbox.fake.data["payroll_periods"][-1]["year"]
    answer = requests.post(
        sandbox.base_url + JOURNAL_RUN_PATH, data={"period": f"{year}-3"}, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 303 and answer.headers["Location"] == JOURNAL_PAGE
    (run,) = sandbox.fake.data["journal_runs"]
    assert run["payrollRun"]["payrollPeriod"]["periodNumber"] == 3
    page = requests.get(sandbox.base_url + JOURNAL_PAGE, timeout=5)
    assert "Journaal gereed" in page.text and "Bruto lonen" in page.text
    debit = sum(row["debetAmount"] for row in sandbox.fake.journal_results(run["id"]))
    assert f"{debit:,.2f}" in page.text
    assert JOURNAL_PAGE in requests.get(sandbox.base_url + "/", timeout=5).text
    refused = requests.post(sandbox.base_url + JOURNAL_RUN_PATH, data={"period": "1999-1"}, timeout=5)
    assert refused.status_code == 400 and SANDBOX_NOTICE in refused.text


def test_the_page_names_each_employee_as_odoo_will_and_gives_his_department():
    """The page's names are those Odoo gives the employees (employee_mapper.dutch_name, the
    partner's name included as the employee uses it), and each row says the department Odoo
    puts him in beside his distribution unit."""
    from html import unescape

    with LoketSandbox(n_employees=25, port=0) as server:
        page = unescape(requests.get(server.base_url + "/", timeout=5).text)
        data = server.fake.data
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>(.*?)</tr>", page)
    assert len({number for number, _name, _rest in rows}) == 25
    names = {str(e["employeeNumber"]): dutch_name(e["personalDetails"]) for e in data["employees"]}
    assert {number: name for number, name, _rest in rows} == names
    assert "Department" in page


def test_each_department_has_one_distribution_unit_as_the_readme_maps_it():
    """An employee's distribution unit follows his department, so that the README's cost
    center example (a department → its distribution unit) holds for every employee."""
    from loket.testing.dutch_data import DEPARTMENT_UNITS, generate_employer_data

    data = generate_employer_data(n_employees=25)
    seen = {}
    for row in data["organizational_entities"]:
        entity = row["organizationalEntity"]
        seen.setdefault(entity["department"]["description"], set()).add(entity["distributionUnit"]["description"])
    assert {department: units for department, units in seen.items()} == {
        department: {DEPARTMENT_UNITS[department]} for department in seen
    }
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    example = re.search(r"\*(\w+)\* → \*([^*]+)\*", readme)
    assert example, "the README's cost center example"
    department, unit = example.groups()
    assert DEPARTMENT_UNITS[department] == unit
    assert department in seen, "the example's department has employees in the sandbox"
