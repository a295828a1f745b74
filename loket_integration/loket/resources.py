"""Every Loket resource this addon uses: method, path template, resource version.

The version is the date sent in the mandatory ``Accept`` (and, for writes,
``Content-Type``) header ``application/json;version=<date>``; it is the
newest version the official OpenAPI document (2023 snapshot) lists for that
path. ``tests/test_spec_conformance.py`` checks this table against that
document. Resources the document does not yet describe are marked
``documented=False`` and follow the same conventions.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    method: str
    path: str
    version: str
    collection: bool = False  # answers a list in ``_embedded``
    paged: bool = False  # takes ``pageNumber``/``pageSize`` (only where the document says so)
    documented: bool = True

    def __post_init__(self):
        if self.paged:
            object.__setattr__(self, "collection", True)

    @property
    def media_type(self):
        return f"application/json;version={self.version}"

    def url_path(self, **params):
        return self.path.format(**params)


EMPLOYERS = Resource("GET", "/providers/employers", "2018-01-01", paged=True)
PAYROLL_ADMINISTRATIONS = Resource(
    "GET", "/providers/employers/{employerId}/payrolladministrations", "2018-01-01", paged=True
)
EMPLOYEES = Resource("GET", "/providers/employers/{employerId}/employees", "2021-03-29", paged=True)
EMPLOYMENTS = Resource("GET", "/providers/employers/{employerId}/employees/employments", "2019-12-16", paged=True)
EMPLOYMENT_VERSION_NUMBERS = Resource(
    "GET",
    "/providers/employers/{employerId}/employees/employments/lastmodifiedversionnumbers",
    "2018-01-01",
    paged=True,
)
ORGANIZATIONAL_ENTITIES = Resource(
    "GET",
    "/providers/employers/employees/employments/{employmentId}/organizationalentities",
    "2018-01-01",
    paged=True,
)
WORKING_HOURS = Resource(
    "GET", "/providers/employers/employees/employments/{employmentId}/workinghours", "2018-01-01", paged=True
)
ACTUAL_ORGANIZATIONAL_ENTITIES = Resource(
    "GET", "/providers/employers/{employerId}/actualorganizationalentities", "2018-01-01", paged=True
)
ACTUAL_WORKING_HOURS = Resource("GET", "/providers/employers/{employerId}/actualworkinghours", "2018-01-01", paged=True)
DEPARTMENTS = Resource("GET", "/providers/employers/{employerId}/departments", "2018-01-01", paged=True)
# Newer than the 2023 document: the employer's distribution units (verdelingseenheden).
DISTRIBUTION_UNITS = Resource(
    "GET", "/providers/employers/{employerId}/distributionunits", "2018-01-01", paged=True, documented=False
)
PAYROLL_COMPONENTS = Resource(
    "GET",
    "/providers/employers/payrolladministrations/{payrollAdministrationId}/payrollcomponents/year/{year}",
    "2018-01-01",
    collection=True,
)
PAYROLL_PERIODS = Resource(
    "GET",
    "/providers/employers/payrolladministrations/{payrollAdministrationId}/payrollperiods",
    "2018-01-01",
    collection=True,
)
# Named as the example in the document's "Default values" section.
PAYROLL_PERIOD_DATA_DEFAULTS = Resource(
    "GET",
    "/providers/employers/employees/employments/{employmentId}/payrollperioddata/defaults",
    "2018-01-01",
    documented=False,
)
COLLECTIVE_PAYROLL_PERIOD_DATA = Resource("PATCH", "/providers/employers/{employerId}/payrollperioddata", "2018-01-01")
# The payroll journal (journaalposten) of an administration: its runs, one run, its result lines,
# and its status (MarkAsProcessed / MarkAsProcessingFailed). The results list takes no paging
# parameters in the document, though its answer has the paging envelope.
JOURNAL_RUNS = Resource(
    "GET", "/providers/employers/payrolladministrations/{payrollAdministrationId}/journalruns", "2018-01-01", paged=True
)
JOURNAL_RUN = Resource("GET", "/providers/employers/payrolladministrations/journalruns/{journalrunId}", "2018-01-01")
JOURNAL_RUN_RESULTS = Resource(
    "GET",
    "/providers/employers/payrolladministrations/journalruns/{journalrunId}/results",
    "2018-01-01",
    collection=True,
)
JOURNAL_RUN_STATUS = Resource(
    "PATCH", "/providers/employers/payrolladministrations/journalruns/{journalrunId}", "2018-01-01"
)

ALL = (
    EMPLOYERS,
    PAYROLL_ADMINISTRATIONS,
    EMPLOYEES,
    EMPLOYMENTS,
    EMPLOYMENT_VERSION_NUMBERS,
    ORGANIZATIONAL_ENTITIES,
    WORKING_HOURS,
    ACTUAL_ORGANIZATIONAL_ENTITIES,
    ACTUAL_WORKING_HOURS,
    DEPARTMENTS,
    DISTRIBUTION_UNITS,
    PAYROLL_COMPONENTS,
    PAYROLL_PERIODS,
    PAYROLL_PERIOD_DATA_DEFAULTS,
    COLLECTIVE_PAYROLL_PERIOD_DATA,
    JOURNAL_RUNS,
    JOURNAL_RUN,
    JOURNAL_RUN_RESULTS,
    JOURNAL_RUN_STATUS,
)
