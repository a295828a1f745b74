"""The Loket sandbox: the fake Loket served over HTTP for people trying the integration.

    python3 scripts/loket_sandbox.py --employees 25 --port 8070

One process serves, on 127.0.0.1 unless ``--host`` says otherwise:

- ``/``: what this is, the values to enter in Odoo, the generated employees;
- ``/oauth/authorize``: a login page that grants on one click, ``/oauth/token`` with
  rotating refresh tokens (each refresh kills the refresh token it used);
- ``/v2/...``: Loket's API (``loket.resources.ALL``) for one employer with N generated
  Dutch employees: employments, organizational entities, working hours, departments,
  distribution units, payroll components and payroll periods;
- ``/sandbox/payrollperioddata`` (HTML) and ``/sandbox/payrollperioddata.json``: every
  collective PATCH of payroll period data ("Send to Loket") received, and what the
  sandbox holds per employment, distribution unit and period.
- ``/sandbox/journal``: run payroll for a period (``POST /sandbox/journal/run``): a journal run
  with Dutch ledger lines from the employments and the hours received, which Odoo's payroll
  journal (``loket_integration_account``) reads and books.

Nothing is stored: a restart forgets logins and sent data (the employees stay the same
for the same ``--seed``). It imports no Odoo.
"""

import argparse
import contextlib
import datetime
import json
import sys
from html import escape
from urllib.parse import parse_qs, urlsplit

from ..employee_mapper import dutch_name
from . import sandbox_journal
from .http_server import SANDBOX_NOTICE, FakeLoketServer, _Handler

CLIENT_ID = "loket-sandbox"
CLIENT_SECRET = "sandbox-secret"  # a published sandbox value, not a secret
PERIOD_DATA_PAGE = "/sandbox/payrollperioddata"
PERIOD_DATA_JSON = PERIOD_DATA_PAGE + ".json"
JOURNAL_PAGE = "/sandbox/journal"  # run payroll: journal runs for Odoo's payroll journal
JOURNAL_RUN_PATH = JOURNAL_PAGE + "/run"


class LoketSandbox(FakeLoketServer):
    """A ``FakeLoketServer`` with fixed OAuth client credentials, an index page and
    the record of the collective PATCHes it received."""

    def __init__(
        self,
        n_employees=25,
        host="127.0.0.1",
        port=8070,
        public_url=None,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_lifetime=None,
        seed=1,
        auto_grant=False,
    ):
        super().__init__(
            host=host,
            port=port,
            public_url=public_url,
            handler=_SandboxHandler,
            auto_grant=auto_grant,
            n_employees=n_employees,
            seed=seed,
        )
        self.httpd.sandbox = self
        self.httpd.verbose = False
        fake = self.fake
        fake.client_id, fake.client_secret = client_id, client_secret
        if token_lifetime:
            fake.access_token_lifetime = token_lifetime
        self.patches = []  # one dict per collective PATCH received, oldest first
        receive = fake._providers_employers_employerId_payrollperioddata

        def recording(request, employerId):
            before = len(fake.payroll_period_data)
            status, headers, text = receive(request, employerId)
            try:
                items = json.loads(request.body or "null")
            except ValueError:
                items = request.body
            self.patches.append(
                {
                    "received": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                    "status": status,
                    "items": items,
                    "accepted": len(fake.payroll_period_data) - before,
                    "messages": json.loads(text).get("messages", []) if text else [],
                }
            )
            return status, headers, text

        fake._providers_employers_employerId_payrollperioddata = recording

    # -- what to tell the user ----------------------------------------------------------

    def custom_urls(self):
        """The values Odoo needs: Settings → Loket.nl, and the integration's "Custom URLs"."""
        fake = self.fake
        return {
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
            "api_url": fake.environment.api_url,
            "oauth_url": fake.environment.oauth_url,
        }

    def banner(self):
        urls = self.custom_urls()
        data = self.fake.data
        return "\n".join(
            [
                SANDBOX_NOTICE,
                f"{len(data['employees'])} generated employees of {data['employer']['companyName']}, "
                f"payroll administration {data['administration']['name']} "
                f"(client number {data['administration']['clientNumber']}).",
                f"Sandbox page:          {self.base_url}/",
                "",
                "In Odoo, Settings > Loket.nl:",
                f"  Client id:           {urls['client_id']}",
                f"  Client secret:       {urls['client_secret']}",
                'Add Loket integration > Environment "Custom URLs":',
                f"  API base URL:        {urls['api_url']}",
                f"  OAuth server URL:    {urls['oauth_url']}",
                "",
                f"Sent payroll period data: {self.base_url}{PERIOD_DATA_PAGE} "
                f"(JSON: {self.base_url}{PERIOD_DATA_JSON})",
                f"Run payroll (journal runs): {self.base_url}{JOURNAL_PAGE}",
                "Nothing is stored: a restart forgets logins and sent data. Stop with Ctrl-C.",
            ]
        )

    # -- the recorded payroll period data ------------------------------------------------

    def period_data(self):
        """The PATCHes received and what the sandbox now holds, as JSON-ready data."""
        fake = self.fake
        employments = {e["id"]: e for e in fake.data["employments"]}
        units = {u["id"]: u for u in fake.data["distribution_units"]}
        names = _odoo_names(fake.data)
        held = []
        for (employment_id, unit, year, period), components in sorted(
            fake.period_data_held.items(), key=lambda item: (item[0][2], item[0][3], str(item[0][0]), str(item[0][1]))
        ):
            employment = employments.get(employment_id) or {}
            held.append(
                {
                    "employmentId": employment_id,
                    "payrollId": employment.get("payrollId"),
                    "employeeNumber": (employment.get("employee") or {}).get("employeeNumber"),
                    "employee": names.get((employment.get("employee") or {}).get("id")),
                    "distributionUnit": units.get(unit, {"id": unit}) if unit else None,
                    "year": year,
                    "periodNumber": period,
                    "payrollComponents": {str(key): value for key, value in sorted(components.items())},
                }
            )
        return {"sandbox": SANDBOX_NOTICE, "patches": list(self.patches), "held": held}


def _page(title, body):
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title if 'sandbox' in title.lower() else title + ' (Loket sandbox)')}</title>"
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}"
        ".sandbox-notice{background:#fff3cd;border:1px solid #e0c060;padding:.6em 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
        "code{background:#f4f4f4;padding:0 .3em}</style></head><body>"
        f"<p class='sandbox-notice'><strong>{escape(SANDBOX_NOTICE)}</strong></p>"
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )


def _table(header, rows):
    head = "".join(f"<th>{escape(str(cell))}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _odoo_names(data):
    """Employee id → the name Odoo gives him (the mapper's, his partner's name as he uses it)."""
    return {employee["id"]: dutch_name(employee["personalDetails"]) for employee in data["employees"]}


def _unit_label(unit):
    if not unit:
        return ""
    return f"{unit.get('code', '')} {unit.get('description', unit.get('id'))}".strip()


class _SandboxHandler(_Handler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def do_GET(self):
        path = urlsplit(self.path).path
        pages = {"/": self._index, PERIOD_DATA_PAGE: self._period_data_page, PERIOD_DATA_JSON: self._period_data_json}
        pages[JOURNAL_PAGE] = self._journal_page
        if path in pages:
            return pages[path]()
        return super().do_GET()

    def do_POST(self):
        if urlsplit(self.path).path == JOURNAL_RUN_PATH:
            return self._run_payroll()
        return super().do_POST()

    def _journal_page(self):
        body = sandbox_journal.journal_body(self.server.sandbox.fake, JOURNAL_PAGE, JOURNAL_RUN_PATH, _table)
        self._html(_page("Payroll journal", f"<p><a href='/'>Sandbox home</a></p>{body}"))

    def _run_payroll(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if sandbox_journal.run_payroll(self.server.sandbox.fake, form.get("period")) is None:
            page = _page("Payroll journal", "<p>The sandbox has no such payroll period.</p>")
            return self._send(400, {"Content-Type": "text/html; charset=utf-8"}, page)
        self._send(303, {"Location": JOURNAL_PAGE}, "")

    def _html(self, text):
        self._send(200, {"Content-Type": "text/html; charset=utf-8"}, text)

    def _index(self):
        sandbox = self.server.sandbox
        fake, urls = sandbox.fake, sandbox.custom_urls()
        data = fake.data
        units = {u["id"]: u["description"] for u in data["distribution_units"]}
        entities = {r["employmentId"]: r["organizationalEntity"] for r in data["organizational_entities"]}
        names = _odoo_names(data)
        employees = []
        for employment in data["employments"]:
            entity = entities.get(employment["id"]) or {}
            unit = (entity.get("distributionUnit") or {}).get("key")
            employees.append(
                (
                    employment["employee"]["employeeNumber"],
                    names.get(employment["employee"]["id"], ""),
                    employment["payrollId"],
                    employment["startDate"],
                    employment["endDate"] or "",
                    (entity.get("department") or {}).get("description") or "",
                    units.get(unit, unit or ""),
                )
            )
        body = (
            "<h2>Enter in Odoo</h2>"
            + _table(
                ["Where", "Field", "Value"],
                [
                    ("Settings → Loket.nl", "Client id", urls["client_id"]),
                    ("Settings → Loket.nl", "Client secret", urls["client_secret"]),
                    ("Add Loket integration, Environment “Custom URLs”", "API base URL", urls["api_url"]),
                    ("Add Loket integration, Environment “Custom URLs”", "OAuth server URL", urls["oauth_url"]),
                ],
            )
            + "<p>Connect sends you to this sandbox's login page: one click grants access. "
            "Access tokens live "
            f"{fake.access_token_lifetime} s; every refresh gives a new refresh token and kills the old one "
            f"({len(fake.refresh_tokens)} live, {len(fake.spent_refresh_tokens)} spent so far).</p>"
            f"<p>Sent payroll period data (“Send to Loket”): <a href='{PERIOD_DATA_PAGE}'>{PERIOD_DATA_PAGE}</a> "
            f"(<a href='{PERIOD_DATA_JSON}'>JSON</a>), {len(sandbox.patches)} request(s) so far.</p>"
            f"<p>Run payroll for a period (journal runs for Odoo's payroll journal): "
            f"<a href='{JOURNAL_PAGE}'>{JOURNAL_PAGE}</a>.</p>"
            f"<h2>{escape(data['employer']['companyName'])}</h2>"
            f"<p>Payroll administration {escape(data['administration']['name'])}, "
            f"client number {data['administration']['clientNumber']}, "
            f"{len(data['payroll_periods'])} payroll periods, {len(data['payroll_components'])} payroll components, "
            f"{len(data['distribution_units'])} distribution units.</p>"
            + _table(
                [
                    "Employee no.",
                    "Name (as in Odoo)",
                    "Payroll no.",
                    "Employment start",
                    "Employment end",
                    "Department",
                    "Distribution unit",
                ],
                employees,
            )
        )
        self._html(_page("Loket sandbox", body))

    def _period_data_page(self):
        data = self.server.sandbox.period_data()
        held = _table(
            ["Year", "Period", "Payroll no.", "Employee", "Distribution unit", "Payroll components (number: value)"],
            [
                (
                    row["year"],
                    row["periodNumber"],
                    row["payrollId"] or row["employmentId"],
                    row["employee"] or "",
                    _unit_label(row["distributionUnit"]),
                    ", ".join(f"{key}: {value}" for key, value in row["payrollComponents"].items()),
                )
                for row in data["held"]
            ],
        )
        requests = _table(
            ["Received (UTC)", "Status", "Items", "Accepted", "Refused"],
            [
                (
                    patch["received"],
                    patch["status"],
                    len(patch["items"]) if isinstance(patch["items"], list) else "-",
                    patch["accepted"],
                    "; ".join(f"{m.get('id')}: {m.get('description')}" for m in patch["messages"]),
                )
                for patch in data["patches"]
            ],
        )
        body = (
            "<p><a href='/'>Sandbox home</a> · "
            f"<a href='{PERIOD_DATA_JSON}'>the same as JSON, with every item received</a></p>"
            f"<h2>What the sandbox holds</h2>{held if data['held'] else '<p>Nothing received yet.</p>'}"
            f"<h2>Requests received</h2>{requests if data['patches'] else '<p>None yet.</p>'}"
        )
        self._html(_page("Payroll period data received", body))

    def _period_data_json(self):
        body = json.dumps(self.server.sandbox.period_data(), indent=2)
        self._send(200, {"Content-Type": "application/json"}, body)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--employees", type=int, default=25, help="generated employees (default 25)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8070, help="port (default 8070; 0 picks a free one)")
    parser.add_argument(
        "--public-url",
        help="base address Odoo and the browser use, when not http://HOST:PORT (e.g. a container's published port)",
    )
    parser.add_argument("--client-id", default=CLIENT_ID, help=f"OAuth client id (default {CLIENT_ID})")
    parser.add_argument("--client-secret", default=CLIENT_SECRET, help=f"OAuth client secret (default {CLIENT_SECRET})")
    parser.add_argument("--token-lifetime", type=int, help="access token lifetime in seconds (default 3599)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (default 1)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sandbox = LoketSandbox(
        n_employees=args.employees,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_lifetime=args.token_lifetime,
        seed=args.seed,
    )
    sandbox.httpd.verbose = not args.quiet
    sys.stdout.write(sandbox.banner() + "\n")
    sys.stdout.flush()
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the sandbox
            sandbox.httpd.serve_forever()
    finally:
        sandbox.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
