"""The Loket.nl API v2 client: resources, paging, and Loket's error envelope.

Plain Python on ``requests``; knows nothing of Odoo. Every request carries the
resource's versioned ``Accept`` header (see ``resources``), a bearer token
from ``LoketOAuth`` and a timeout; a 401 triggers one refresh and one retry.
"""

import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from . import resources as R
from .errors import LoketBusinessRuleError, LoketServerError, error_for_status, messages_from_body
from .transport import Transport, decode_body

_logger = logging.getLogger(__name__)

PAGE_SIZE = 250
JOURNAL_MESSAGE_LENGTH = 255  # maxLength of the journal run PATCH's ``message``


@dataclass
class PayrollPeriodDataResult:
    """Per-item outcome of a collective payroll period data PATCH."""

    succeeded: list = field(default_factory=list)  # employment ids
    failed: dict = field(default_factory=dict)  # employment id -> [LoketMessage]
    messages: list = field(default_factory=list)  # messages about no single item (warnings)

    @property
    def partial(self):
        return bool(self.failed) and bool(self.succeeded)


# The employer-wide lists an employee sync reads, by name (see employer_list_pages).
EMPLOYER_LISTS = {
    "organizational_entities": R.ACTUAL_ORGANIZATIONAL_ENTITIES,
    "working_hours": R.ACTUAL_WORKING_HOURS,
    "employments": R.EMPLOYMENTS,
    "employees": R.EMPLOYEES,
}


class LoketClient:
    def __init__(self, environment, oauth, transport=None, page_size=PAGE_SIZE):
        self.environment = environment
        self.oauth = oauth
        self.transport = transport or oauth.transport or Transport()
        self.page_size = page_size

    # -- plumbing ---------------------------------------------------------------

    def request(self, resource, path_params=None, params=None, body=None):
        """Decoded JSON body of one call to ``resource`` (``None`` when empty)."""
        response = self._send(resource, path_params or {}, params, body)
        return decode_body(response) if response.content else None

    def iterate(self, resource, path_params=None, filter=None, params=None):  # noqa: A002 - Loket's name
        """Every entity of a paged list resource, page by page (a generator)."""
        for _number, items, _total in self.pages(resource, path_params, filter=filter, params=params):
            yield from items

    def pages(self, resource, path_params=None, start=1, filter=None, params=None):  # noqa: A002
        """The pages of a list resource from page ``start`` on, as ``(page number, entities,
        total pages)`` (a generator): a caller may stop after a few and go on later from there."""
        query = dict(params or {})
        if filter:
            query["filter"] = filter
        if not resource.paged:  # the document gives this list no paging parameters
            yield 1, (self.request(resource, path_params, query or None) or {}).get("_embedded") or [], 1
            return
        query["pageSize"] = self.page_size
        page = start
        while True:
            query["pageNumber"] = page
            body = self.request(resource, path_params, query) or {}
            current = int(body.get("currentPage") or page)
            total = int(body.get("totalPages") or 0)
            yield current, body.get("_embedded") or [], total
            if current >= total:
                return
            page = current + 1

    def page(self, resource, path_params=None, number=1):
        """One page of a paged list: ``(items, total pages, total size)`` (the envelope ``iterate`` walks)."""
        query = {"pageSize": self.page_size, "pageNumber": number}
        body = self.request(resource, path_params or {}, query) or {}
        items = body.get("_embedded") or []
        return items, int(body.get("totalPages") or 1), int(body.get("totalSize") or len(items))

    def _send(self, resource, path_params, params, body, retried=False):
        path = resource.url_path(**path_params)
        token = self.oauth.access_token()
        headers = {"Accept": resource.media_type, "Authorization": f"Bearer {token}"}
        if body is not None:
            headers["Content-Type"] = resource.media_type
        response = self.transport.send(
            resource.method, self.environment.api_url + path, headers=headers, params=params, json=body
        )
        status = response.status_code
        if status == 401 and not retried:
            _logger.info("Loket %s %s answered 401; refreshing the access token once", resource.method, path)
            self.oauth.refresh(stale_access_token=token)
            return self._send(resource, path_params, params, body, retried=True)
        if status >= 400:
            raise error_for_status(status)(
                status=status,
                messages=messages_from_body(decode_body(response)),
                method=resource.method,
                path=path,
            )
        return response

    # -- employers and administrations -----------------------------------------------

    def employers(self, filter=None):  # noqa: A002
        return self.iterate(R.EMPLOYERS, filter=filter)

    def employers_page(self, number=1):
        """One page of the employers list: ``(employers, total pages, total size)``."""
        return self.page(R.EMPLOYERS, number=number)

    def payroll_administrations(self, employer_id):
        return self.iterate(R.PAYROLL_ADMINISTRATIONS, {"employerId": employer_id})

    def departments(self, employer_id):
        return self.iterate(R.DEPARTMENTS, {"employerId": employer_id})

    def distribution_units(self, employer_id):
        return self.iterate(R.DISTRIBUTION_UNITS, {"employerId": employer_id})

    # -- employees and employments ------------------------------------------------

    def employees(self, employer_id, filter=None):  # noqa: A002
        return self.iterate(R.EMPLOYEES, {"employerId": employer_id}, filter=filter)

    def employees_first_page(self, employer_id):
        """The first page of the employees list: ``(employees, total pages, total size)``, for a
        caller that decides from the size how to go on (and reuses the page)."""
        return self.page(R.EMPLOYEES, {"employerId": employer_id})

    def employments(self, employer_id, filter=None):  # noqa: A002
        return self.iterate(R.EMPLOYMENTS, {"employerId": employer_id}, filter=filter)

    def employment_version_numbers(self, employer_id):
        """``{employment id: lastModifiedVersionNumber}`` of the employer's employments."""
        return {
            row["id"]: row.get("lastModifiedVersionNumber")
            for row in self.iterate(R.EMPLOYMENT_VERSION_NUMBERS, {"employerId": employer_id})
        }

    def organizational_entities(self, employment_id):
        return self.iterate(R.ORGANIZATIONAL_ENTITIES, {"employmentId": employment_id})

    def working_hours(self, employment_id):
        return self.iterate(R.WORKING_HOURS, {"employmentId": employment_id})

    def actual_organizational_entities(self, employer_id, reference_date=None):
        """Each employment's organizational entity on ``reference_date`` (one list for the employer)."""
        params = {"referenceDate": reference_date.isoformat()} if reference_date else None
        return self.iterate(R.ACTUAL_ORGANIZATIONAL_ENTITIES, {"employerId": employer_id}, params=params)

    def actual_working_hours(self, employer_id, reference_date=None):
        params = {"referenceDate": reference_date.isoformat()} if reference_date else None
        return self.iterate(R.ACTUAL_WORKING_HOURS, {"employerId": employer_id}, params=params)

    def employer_list_pages(self, name, employer_id, start=1):
        """``pages`` of one of the employer-wide lists the employee sync joins: ``employees``,
        ``employments``, ``organizational_entities`` or ``working_hours`` (the actual ones)."""
        return self.pages(EMPLOYER_LISTS[name], {"employerId": employer_id}, start)

    # -- payroll ------------------------------------------------------------------

    def payroll_components(self, payroll_administration_id, year):
        return self.iterate(R.PAYROLL_COMPONENTS, {"payrollAdministrationId": payroll_administration_id, "year": year})

    def payroll_periods(self, payroll_administration_id):
        return self.iterate(R.PAYROLL_PERIODS, {"payrollAdministrationId": payroll_administration_id})

    def payroll_period_data_defaults(self, employment_id):
        body = self.request(R.PAYROLL_PERIOD_DATA_DEFAULTS, {"employmentId": employment_id}) or {}
        return body.get("content") or {}

    def patch_payroll_period_data(self, employer_id, items):
        """Collective PATCH; Loket answers 200 when at least one item succeeded and
        names each failed item by its ``id`` in ``messages``."""
        items = list(items)
        ids = [item["employmentId"] for item in items]
        try:
            body = self.request(R.COLLECTIVE_PAYROLL_PERIOD_DATA, {"employerId": employer_id}, body=items)
        except LoketBusinessRuleError as exc:
            if not exc.messages or not all(m.id in ids for m in exc.messages):
                raise
            body = {"messages": [m.__dict__ for m in exc.messages]}
        result = PayrollPeriodDataResult()
        for message in messages_from_body(body):
            if message.id in ids and message.type != "Warning":
                result.failed.setdefault(message.id, []).append(message)
            else:
                result.messages.append(message)
        result.succeeded = [i for i in ids if i not in result.failed]
        return result

    # -- payroll journal -----------------------------------------------------------------
    # What is booked must be exactly what Loket said: these answers are decoded strictly
    # (numbers as Decimal; an answer that is not Loket's JSON is an error, never an empty list).

    def _strict_json(self, resource, path_params, params=None, body=None):
        response = self._send(resource, path_params, params, body)
        try:
            decoded = json.loads(response.content or b"null", parse_float=Decimal)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            raise LoketServerError(
                "Loket answered with something that is not JSON",
                kind="not_json",
                status=response.status_code,
                method=resource.method,
                path=resource.url_path(**path_params),
            )
        return decoded

    def journal_runs(self, payroll_administration_id):
        """Every journal run of the administration, page by page (a generator)."""
        path_params = {"payrollAdministrationId": payroll_administration_id}
        page = 1
        while True:
            body = self._strict_json(R.JOURNAL_RUNS, path_params, {"pageSize": self.page_size, "pageNumber": page})
            yield from body.get("_embedded") or []
            current = int(body.get("currentPage") or page)
            if current >= int(body.get("totalPages") or 0):
                return
            page = current + 1

    def journal_run(self, journal_run_id):
        """One journal run (its status now)."""
        return self._strict_json(R.JOURNAL_RUN, {"journalrunId": journal_run_id}).get("content") or {}

    def journal_run_results(self, journal_run_id):
        """Every result line of a journal run, amounts as Decimal. The document gives this list no
        paging parameters: an answer that says it holds only part of the lines is refused."""
        path_params = {"journalrunId": journal_run_id}
        body = self._strict_json(R.JOURNAL_RUN_RESULTS, path_params)
        rows = body.get("_embedded")
        if not isinstance(rows, list):
            raise LoketServerError(
                "Loket's answer holds no list of journal lines",
                kind="not_json",
                method="GET",
                path=R.JOURNAL_RUN_RESULTS.url_path(**path_params),
            )
        pages, size = body.get("totalPages"), body.get("totalSize")
        if (pages is not None and int(pages) > 1) or (size is not None and int(size) != len(rows)):
            raise LoketServerError(
                f"Loket answered only part of the journal run's results ({len(rows)} of {size} lines, "
                f"{pages} pages), and the results list takes no page number",
                kind="partial_answer",
                method="GET",
                path=R.JOURNAL_RUN_RESULTS.url_path(**path_params),
            )
        return rows

    def mark_journal_run(self, journal_run_id, processed=True, message=None):
        """Tell Loket the run was booked (``MarkAsProcessed``) or could not be
        (``MarkAsProcessingFailed``); ``message`` is shown to the Loket user. Loket's messages."""
        body = {"action": "MarkAsProcessed" if processed else "MarkAsProcessingFailed"}
        if message:
            body["message"] = str(message)[:JOURNAL_MESSAGE_LENGTH]
        answer = self.request(R.JOURNAL_RUN_STATUS, {"journalrunId": journal_run_id}, body=body)
        return messages_from_body(answer)

    def check_connection(self):
        """The employers this login reaches (raises on any failure)."""
        return list(self.employers())
