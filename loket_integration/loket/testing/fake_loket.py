"""A fake Loket (OAuth server + API v2) behind ``responses`` callbacks.

It answers like the official OpenAPI document says — paging envelope,
``messages`` errors, rotating refresh tokens — and it *checks* each request:
the route must be one of ``resources.ALL``, the ``Accept`` header must carry
that resource's version, the bearer token must be live, ``pageSize`` at most
250. A request that breaks a rule gets an error, so a test cannot pass on a
wrong request. Faults (429, 5xx, timeouts, 401) can be queued per route.
"""

import copy
import itertools
import json
import re
import secrets
import threading
import time
from collections import deque
from urllib.parse import parse_qs, urlsplit

from .. import resources as R
from ..environments import LoketEnvironment
from . import payroll_journal
from .dutch_data import generate_employer_data

API_URL = "https://api.loket.test/v2"
OAUTH_URL = "https://oauth.loket.test"
MAX_PAGE_SIZE = 250


def _route_regex(resource):
    pattern = re.sub(r"\\{(year)\\}", r"(?P<\1>\\d{4})", re.escape(resource.path))
    pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", pattern)
    return re.compile(pattern + "$")


ROUTES = [(resource, _route_regex(resource)) for resource in R.ALL]


def _json(status, body, headers=None):
    return status, dict({"Content-Type": "application/json"}, **(headers or {})), json.dumps(body)


def _messages(status, description, code=0, type_="BrokenBusinessRule", id_=None):
    return _json(
        status, {"messages": [{"code": code, "type": type_, "description": description, "id": id_, "properties": []}]}
    )


class FakeLoket:
    def __init__(self, n_employees=10, seed=1, year=None, api_url=API_URL, oauth_url=OAUTH_URL, **data_options):
        self.environment = LoketEnvironment.custom(api_url, oauth_url)
        self.data = generate_employer_data(n_employees, seed=seed, year=year, **data_options)
        self.client_id = "odoo-test-client"
        self.client_secret = "s3cret-" + secrets.token_hex(8)
        self.codes = {}  # authorization code -> redirect_uri
        self.refresh_tokens = set()  # the live ones
        self.access_tokens = {}  # the live ones -> when they expire (monotonic clock)
        self.spent_refresh_tokens = []
        self.requests = []  # (method, path, query) of every API request
        self.token_requests = []  # grant types asked
        self.events = []  # ("token", grant) and ("api", method, path) in arrival order
        self.faults = {}  # route key -> deque of fault specs
        self.payroll_period_data = []  # items accepted by the collective PATCH
        # What Loket holds: (employment id, distribution unit key, year, period) -> {component: value}
        self.period_data_held = {}
        self.refused_employments = {}  # employment id -> the description Loket refuses its items with
        self.version_numbers = {e["id"]: 1 for e in self.data["employments"]}
        self.access_token_lifetime = 3599  # seconds, as Loket's expires_in
        self.refused_refresh_tokens = []  # spent or revoked refresh tokens that were offered again
        self.before_token = None  # test hook: called with the token request's form before it is answered
        self._counter = itertools.count(1)
        self._lock = threading.RLock()  # several workers (threads) may call at once

    # -- set-up helpers for tests -------------------------------------------------

    @property
    def employer_id(self):
        return self.data["employer"]["id"]

    @property
    def administration_id(self):
        return self.data["administration"]["id"]

    def issue_code(self, redirect_uri="http://localhost/loket/oauth/callback"):
        code = f"code-{next(self._counter)}-{secrets.token_hex(4)}"
        self.codes[code] = redirect_uri
        return code

    def issue_refresh_token(self):
        token = f"rt-{next(self._counter)}-{secrets.token_hex(8)}"
        self.refresh_tokens.add(token)
        return token

    def reset_logs(self):
        """Forget what was asked so far (between tests sharing one fake)."""
        self.requests.clear()
        self.token_requests.clear()
        self.refused_refresh_tokens.clear()
        self.events.clear()
        self.payroll_period_data.clear()
        self.period_data_held.clear()
        self.refused_employments.clear()

    def expire_access_tokens(self):
        """Loket forgets every access token (they answer 401 from now on)."""
        self.access_tokens.clear()

    def revoke_refresh_tokens(self):
        self.refresh_tokens.clear()

    def fail(self, key, status=None, times=1, headers=None, body=None, exception=None):
        """Queue ``times`` faults on the route ``key`` (a resource path template or 'token')."""
        queue = self.faults.setdefault(key, deque())
        for _ in range(times):
            queue.append({"status": status, "headers": headers, "body": body, "exception": exception})

    def change_employee(self, number, **changes):
        """Edit an employee's data (dotted keys, e.g. ``address.city``) and bump its employments' versions."""
        employee = self.employee(number)
        for dotted, value in changes.items():
            target = employee
            *parents, leaf = dotted.split(".")
            for part in parents:
                target = target[part]
            target[leaf] = value
        for employment in self.data["employments"]:
            if employment["employee"]["id"] == employee["id"]:
                self.version_numbers[employment["id"]] += 1
        return employee

    def add_employers(self, count, administrations=1):
        """``count`` more employers this login reaches (an accountant's), each with
        ``administrations`` payroll administrations; returns the new employers.
        Kept in ``data``: a test's additions go with its data."""
        added = []
        others = self.data.setdefault("other_employers", [])
        for _ in range(count):
            n = len(others) + 1
            employer = {"id": f"employer-{n:05d}", "companyName": f"Klant {n:05d} B.V.", "employerNumber": 10000 + n}
            payroll_administrations = [
                {
                    "id": f"administration-{n:05d}-{a}",
                    "name": f"Klant {n:05d} administratie {a}",
                    "description": "Maandverloning",
                    "clientNumber": 100000 + n * 10 + a,
                    "payrollPeriodType": {"key": 1, "value": "Maand"},
                    "startDate": "2020-01-01",
                    "endDate": None,
                }
                for a in range(1, administrations + 1)
            ]
            others.append({"employer": employer, "administrations": payroll_administrations})
            added.append(employer)
        return added

    def employee(self, number):
        return next(e for e in self.data["employees"] if e["employeeNumber"] == number)

    def employments_of(self, number):
        return [e for e in self.data["employments"] if e["employee"]["employeeNumber"] == number]

    # -- wiring ---------------------------------------------------------------------

    def install(self, rsps):
        """Register the callbacks on a ``responses.RequestsMock``."""
        api = re.compile(re.escape(self.environment.api_url) + r"/.*")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            rsps.add_callback(method, api, callback=self._api)
        rsps.add_callback("POST", self.environment.token_url, callback=self._token)
        return rsps

    def _fault(self, key):
        queue = self.faults.get(key)
        if not queue:
            return None
        fault = queue.popleft()
        if fault["exception"] is not None:
            raise fault["exception"]
        if fault.get("text") is not None:  # an answer that is not Loket's JSON (fail_with_text)
            return fault["status"], {"Content-Type": "text/html"}, fault["text"]
        return _json(fault["status"], fault["body"] or {"messages": []}, fault["headers"])

    # -- OAuth server ----------------------------------------------------------------

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body or "").items()}
        if self.before_token:
            self.before_token(form)
        with self._lock:
            return self._answer_token(form)

    def _answer_token(self, form):
        self.token_requests.append(form.get("grant_type"))
        self.events.append(("token", form.get("grant_type")))
        fault = self._fault("token")
        if fault:
            return fault
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return _json(401, {"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if self.codes.pop(form.get("code"), None) != form.get("redirect_uri"):
                return _json(400, {"error": "invalid_grant", "error_description": "Unknown or used code"})
        elif grant == "refresh_token":
            token = form.get("refresh_token")
            if token not in self.refresh_tokens:
                self.refused_refresh_tokens.append(token)
                return _json(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"})
            self.refresh_tokens.discard(token)  # rotation: the old one dies now
            self.spent_refresh_tokens.append(token)
        else:
            return _json(400, {"error": "unsupported_grant_type"})
        access = f"at-{next(self._counter)}-{secrets.token_hex(8)}"
        self.access_tokens[access] = time.monotonic() + self.access_token_lifetime
        body = {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.access_token_lifetime,
            "refresh_token": self.issue_refresh_token(),
            "two_factor_state": "None",
        }
        return _json(200, body)

    # -- API ---------------------------------------------------------------------------

    def _api(self, request):
        with self._lock:
            return self._answer_api(request)

    def _answer_api(self, request):
        url = urlsplit(request.url)
        path = url.path[len(urlsplit(self.environment.api_url).path) :]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append((request.method, path, query))
        self.events.append(("api", request.method, path))
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or self.access_tokens.get(auth[7:], 0) < time.monotonic():
            return _json(401, {"message": "Authorization has been denied for this request."})
        for resource, regex in ROUTES:
            match = regex.match(path)
            if match and resource.method == request.method:
                break
        else:
            return 404, {}, ""
        if request.headers.get("Accept") != resource.media_type:
            return _messages(400, f"Unsupported Accept header {request.headers.get('Accept')!r}", code=406)
        if request.method in ("PATCH", "POST", "PUT") and request.headers.get("Content-Type") != resource.media_type:
            return _messages(400, "Unsupported Content-Type", code=415)
        fault = self._fault(resource.path)
        if fault:
            return fault
        handler = getattr(self, "_" + resource.path.strip("/").replace("/", "_").replace("{", "").replace("}", ""))
        if not resource.collection:
            return handler(request, **match.groupdict())
        if not resource.paged and ({"pageSize", "pageNumber"} & set(query)):
            return _messages(400, "This resource takes no paging parameters")
        try:
            size = int(query.get("pageSize", MAX_PAGE_SIZE))
            page = int(query.get("pageNumber", 1))
        except ValueError:
            return _messages(400, "pageSize and pageNumber must be numbers")
        if not 0 < size <= MAX_PAGE_SIZE or page < 1:
            return _messages(400, f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
        rows = handler(request, **match.groupdict())
        if isinstance(rows, tuple):  # an error answer
            return rows
        if not resource.paged:  # the whole list in one envelope
            size = max(1, len(rows))
        rows = self._filter(rows, query.get("filter"))
        total_pages = max(1, -(-len(rows) // size))
        body = {
            "totalSize": len(rows),
            "pageSize": size,
            "totalPages": total_pages,
            "currentPage": page,
            "version": {"obsoleteDate": None, "resourceVersion": resource.version},
            "messages": [],
            "_embedded": copy.deepcopy(rows[(page - 1) * size : page * size]),
        }
        return _json(200, body)

    @staticmethod
    def _filter(rows, expression):
        """Loket's ``filter``: ``field eq value`` clauses joined by ``and`` (dotted fields)."""
        if not expression:
            return rows
        for clause in re.split(r"\s+and\s+", expression, flags=re.I):
            field, op, raw = clause.split(None, 2)
            value = raw.strip("'")
            if op.lower() != "eq":
                raise ValueError(f"FakeLoket supports only eq filters, not {op}")

            def get(row, dotted=field):
                for part in dotted.split("."):
                    row = (row or {}).get(part)
                return row

            rows = [r for r in rows if str(get(r)).lower() == value.lower()]
        return rows

    def _check_employer(self, employer_id):
        return employer_id == self.employer_id

    def _providers_employers(self, request):
        return [self.data["employer"], *(other["employer"] for other in self.data.get("other_employers", ()))]

    def _providers_employers_employerId_payrolladministrations(self, request, employerId):
        if self._check_employer(employerId):
            return [self.data["administration"]]
        for other in self.data.get("other_employers", ()):
            if other["employer"]["id"] == employerId:
                return other["administrations"]
        return _json(404, {})

    def _providers_employers_employerId_departments(self, request, employerId):
        return self.data["departments"] if self._check_employer(employerId) else _json(404, {})

    def _providers_employers_employerId_distributionunits(self, request, employerId):
        return self.data["distribution_units"] if self._check_employer(employerId) else _json(404, {})

    def _providers_employers_employerId_employees(self, request, employerId):
        return self.data["employees"] if self._check_employer(employerId) else _json(404, {})

    def _providers_employers_employerId_employees_employments(self, request, employerId):
        return self.data["employments"] if self._check_employer(employerId) else _json(404, {})

    def _providers_employers_employerId_employees_employments_lastmodifiedversionnumbers(self, request, employerId):
        return [{"id": k, "lastModifiedVersionNumber": v} for k, v in self.version_numbers.items()]

    def _providers_employers_employees_employments_employmentId_organizationalentities(self, request, employmentId):
        return [
            r["organizationalEntity"] for r in self.data["organizational_entities"] if r["employmentId"] == employmentId
        ]

    def _providers_employers_employees_employments_employmentId_workinghours(self, request, employmentId):
        return [r["workingHours"] for r in self.data["working_hours"] if r["employmentId"] == employmentId]

    def _providers_employers_employerId_actualorganizationalentities(self, request, employerId):
        return self.data["organizational_entities"]

    def _providers_employers_employerId_actualworkinghours(self, request, employerId):
        return self.data["working_hours"]

    def _providers_employers_payrolladministrations_payrollAdministrationId_payrollcomponents_year_year(
        self, request, payrollAdministrationId, year
    ):
        if payrollAdministrationId != self.administration_id:
            return _json(404, {})
        return self.data["payroll_components"]

    def _providers_employers_payrolladministrations_payrollAdministrationId_payrollperiods(
        self, request, payrollAdministrationId
    ):
        if payrollAdministrationId != self.administration_id:
            return _json(404, {})
        return self.data["payroll_periods"]

    def _providers_employers_employees_employments_employmentId_payrollperioddata_defaults(self, request, employmentId):
        body = {
            "version": {"obsoleteDate": None, "resourceVersion": "2018-01-01"},
            "messages": [],
            "content": {
                "payrollPeriod": None,
                "shift": {"shiftNumber": 1},
                "payslipType": {"key": 2},
                "payslipText": None,
                "distributionUnit": None,
                "costCenter": None,
                "costUnit": None,
                "payrollComponents": [],
            },
        }
        return _json(200, body)

    ITEM_FIELDS = {"employmentId", "payrollPeriod", "distributionUnit", "payrollComponents", "costCenter",
                   "costUnit", "payslipText", "payslipType", "shift"}  # fmt: skip

    def _providers_employers_employerId_payrollperioddata(self, request, employerId):
        if not self._check_employer(employerId):
            return _json(404, {})
        items = json.loads(request.body)
        if not isinstance(items, list):
            return _messages(400, "The body must be a list of payroll period data")
        known_employments = {e["id"] for e in self.data["employments"]}
        known_components = {c["key"] for c in self.data["payroll_components"]}
        known_periods = {(p["year"], p["periodNumber"]) for p in self.data["payroll_periods"]}
        known_units = {u["id"] for u in self.data["distribution_units"]}
        messages, accepted = [], 0

        def refuse(employment, description, code):
            messages.append(
                {"code": code, "type": "BrokenBusinessRule", "description": description, "id": employment,
                 "properties": []}
            )  # fmt: skip

        for item in items:
            employment = item.get("employmentId")
            period = item.get("payrollPeriod") or {}
            unit = (item.get("distributionUnit") or {}).get("key")
            components = item.get("payrollComponents") or []
            keys = {(pc.get("payrollComponent") or {}).get("key") for pc in components}
            if set(item) - self.ITEM_FIELDS or set(period) - {"year", "periodNumber"}:
                refuse(employment, f"Unknown fields {sorted(set(item) - self.ITEM_FIELDS)}", 3)
            elif employment not in known_employments:
                refuse(employment, "Employment not found", 1)
            elif employment in self.refused_employments:
                refuse(employment, self.refused_employments[employment], 4)
            elif (period.get("year"), period.get("periodNumber")) not in known_periods:
                refuse(employment, "Payroll period not found", 5)
            elif unit is not None and unit not in known_units:
                refuse(employment, "Distribution unit not found", 6)
            elif keys - known_components:
                refuse(employment, f"Unknown payroll component {sorted(keys - known_components, key=str)}", 2)
            elif any(pc.get("isSupplement") is not False or not isinstance(pc.get("value"), int | float)
                     for pc in components):  # fmt: skip
                refuse(employment, "Each payroll component needs a number value and isSupplement false", 7)
            else:
                accepted += 1
                self.payroll_period_data.append(item)
                held = self.period_data_held.setdefault((employment, unit, period["year"], period["periodNumber"]), {})
                held.update({pc["payrollComponent"]["key"]: pc["value"] for pc in components})  # overwrite
        status = 200 if accepted else 400
        return _json(status, {"version": {"obsoleteDate": None, "resourceVersion": "2018-01-01"}, "messages": messages})

    # -- payroll journal: the fake "runs payroll" (see payroll_journal) --------------------
    # Its runs and their lines live in ``data`` (a test's changes go with its data).

    def fail_with_text(self, key, text, status=200, times=1):
        """Queue ``times`` answers of ``text`` (not JSON, e.g. a proxy's HTML page) on the route ``key``."""
        queue = self.faults.setdefault(key, deque())
        for _ in range(times):
            queue.append({"status": status, "headers": None, "body": None, "exception": None, "text": text})

    @property
    def journal_status_patches(self):
        """The bodies of the journal run PATCHes Loket accepted, oldest first."""
        return self.data.setdefault("journal_status_patches", [])

    def _journal_runs(self):
        return self.data.setdefault("journal_runs", [])

    def _journal_lines(self):
        return self.data.setdefault("journal_results", {})

    def run_payroll(self, year, period_number):
        """Run payroll for a period: a new payroll run and its journal run (status 4) with
        lines from the employments and the hours received; returns the journal run."""
        runs = self._journal_runs()
        approved = 1 + max((r["payrollRun"]["sequenceNumberApproved"] for r in runs), default=0)
        payroll_run_id = payroll_journal.journal_uuid(self.administration_id, "payrollrun", approved)
        return self._add_journal_run(year, period_number, approved, payroll_run_id)

    def _add_journal_run(self, year, period_number, approved, payroll_run_id):
        rows = payroll_journal.journal_results(self.data, self.period_data_held, year, period_number)
        period = next(
            p for p in self.data["payroll_periods"] if (p["year"], p["periodNumber"]) == (year, period_number)
        )
        runs = self._journal_runs()
        sequence = 1 + max((r["sequenceNumber"] for r in runs), default=0)
        run = payroll_journal.journal_run(self.administration_id, sequence, approved, payroll_run_id, period)
        runs.append(run)
        self._journal_lines()[run["id"]] = rows
        return run

    def journalize_again(self, journal_run_id):
        """A new journal run of the same payroll run (the old one stays unless removed)."""
        old = self.journal_run(journal_run_id)
        period = old["payrollRun"]["payrollPeriod"]
        payroll = old["payrollRun"]
        run = self._add_journal_run(
            period["year"], period["periodNumber"], payroll["sequenceNumberApproved"], payroll["payrollRunId"]
        )
        self._journal_lines()[run["id"]] = copy.deepcopy(self._journal_lines()[old["id"]])
        return run

    def remove_journal_run(self, journal_run_id):
        run = self.journal_run(journal_run_id)
        run["journalRunStatus"] = {"key": 3, "value": "Verwijderd door gebruiker"}
        run["removeTime"] = run["processingFinishedTime"]
        run["removedBy"] = dict(run["requestedBy"])
        return run

    def unbalance_journal_run(self, journal_run_id, cents=1):
        """Loket's rounding: the first debit line of the run ``cents`` higher."""
        row = next(r for r in self._journal_lines()[journal_run_id] if r["debetAmount"])
        row["debetAmount"] += payroll_journal.CENT * cents

    def journal_run(self, journal_run_id):
        return next(r for r in self._journal_runs() if r["id"] == journal_run_id)

    def journal_results(self, journal_run_id):
        """The run's lines as Loket holds them (amounts as Decimal)."""
        return self._journal_lines()[journal_run_id]

    def _providers_employers_payrolladministrations_payrollAdministrationId_journalruns(
        self, request, payrollAdministrationId
    ):
        if payrollAdministrationId != self.administration_id:
            return _json(404, {})
        return self._journal_runs()

    def _providers_employers_payrolladministrations_journalruns_journalrunId(self, request, journalrunId):
        run = next((r for r in self._journal_runs() if r["id"] == journalrunId), None)
        if run is None:
            return _messages(404, "Journaalrun niet gevonden")
        version = {"obsoleteDate": None, "resourceVersion": "2018-01-01"}
        if request.method == "GET":
            return _json(200, {"version": version, "messages": [], "content": run})
        try:
            body = json.loads(request.body or "null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) - {"action", "message", "application"}:
            return _messages(400, "The body must be an object with action, message and application")
        if body.get("action") not in ("MarkAsProcessed", "MarkAsProcessingFailed"):
            return _messages(400, f"Unknown action {body.get('action')!r}")
        message = body.get("message")
        if message is not None and (not isinstance(message, str) or len(message) > 255):
            return _messages(400, "message is at most 255 characters")
        status = run["journalRunStatus"]["key"]
        if status == 3:
            return _messages(409, "Deze journaalrun is verwijderd door gebruiker", code=409)
        if status in (0, 1, 2):
            return _messages(409, "Deze journaalrun heeft geen resultaten", code=409)
        self.journal_status_patches.append(body)
        processed = body["action"] == "MarkAsProcessed"
        run["journalRunStatus"] = {"key": 7, "value": "Journaal geëxporteerd"} if processed else {
            "key": 6, "value": "Exporteren mislukt"}  # fmt: skip
        return _json(200, {"version": version, "messages": [], "content": run})

    def _providers_employers_payrolladministrations_journalruns_journalrunId_results(self, request, journalrunId):
        run = next((r for r in self._journal_runs() if r["id"] == journalrunId), None)
        if run is None:
            return _messages(404, "Journaalrun niet gevonden")
        if run["journalRunStatus"]["key"] not in (4, 5, 6, 7):
            return _messages(400, "Deze journaalrun heeft geen resultaten", code=7)
        return [
            dict(row, debetAmount=float(row["debetAmount"]), creditAmount=float(row["creditAmount"]))
            for row in self._journal_lines()[journalrunId]
        ]
