"""Loket employee and employment JSON → Odoo values (pure functions).

Loket's data may lack what its documentation promises (null names, addresses,
countries or dates): the values functions never fail on it, and ``*_problems``
name what keeps an employee or employment from being brought into Odoo."""

import datetime

from .clean_text import one_line

# Loket's howToFormatLastName keys (naamgebruik): own name, partner's name,
# partner's followed by own, own followed by partner's.
OWN, PARTNER, PARTNER_OWN, OWN_PARTNER = 1, 2, 3, 4
GENDERS = {1: "male", 2: "female"}


def _text(value):
    """A stripped one-line string without control characters, or "" for None and anything that
    is not text or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return one_line(str(value)).strip()


def _whole_number(value):
    """``value`` when it is a whole number ≥ 0 (not a boolean), else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _hours(value):
    """``value`` when it is a number ≥ 0 (not a boolean), else 0.0."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else 0.0


def _dict(value):
    return value if isinstance(value, dict) else {}


def _join(*parts):
    return " ".join(filter(None, map(_text, parts)))


def loket_date(value):
    """``YYYY-MM-DD`` of a Loket date (a timestamp keeps its date), None when missing;
    raises ValueError when it is not a date."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    return datetime.date.fromisoformat(value[:10]).isoformat()


def _date_or_false(value):
    try:
        return loket_date(value) or False
    except ValueError:
        return False


def dutch_name(personal):
    """``Jan de Vries``, ``J. van der Berg``, ``Anna Bakker-de Jong``: first name (else
    initials), then the last name as the employee chose to use it (naamgebruik)."""
    personal = _dict(personal)
    given = _text(personal.get("firstName")) or personal.get("initials")
    own = _join(personal.get("prefix"), personal.get("lastName"))
    partner = _join(personal.get("prefixPartner"), personal.get("lastNamePartner"))
    use = _dict(personal.get("howToFormatLastName")).get("key") or OWN
    if not partner or use == OWN:
        last = own
    elif not own or use == PARTNER:
        last = partner
    elif use == PARTNER_OWN:
        last = f"{partner}-{own}"
    else:
        last = f"{own}-{partner}"
    return _join(given, last)


def street_line(address):
    """``Kerkstraat 12 A``: street, house number and addition."""
    address = _dict(address)
    return _join(address.get("street"), address.get("houseNumber") or None, address.get("houseNumberAddition")) or False


def employee_values(employee):
    """``hr.employee`` values of a Loket employee; ``private_country_code`` is resolved by the caller."""
    personal = _dict(employee.get("personalDetails"))
    address = _dict(employee.get("address"))
    contact = _dict(employee.get("contactInformation"))
    distance = _dict(employee.get("travel")).get("travelDistanceToWork")
    return {
        "name": dutch_name(personal),
        "private_street": street_line(address),
        "private_zip": _text(address.get("postalCode")) or False,
        "private_city": _text(address.get("city")) or False,
        "private_country_code": _text(_dict(address.get("country")).get("isoCode")).upper() or False,
        "birthday": _date_or_false(personal.get("dateOfBirth")),
        "gender": GENDERS.get(_dict(personal.get("gender")).get("key"), "other"),
        "private_email": _text(contact.get("emailAddress")) or False,
        "private_phone": _text(contact.get("mobilePhoneNumber")) or _text(contact.get("phoneNumber")) or False,
        "work_email": _text(contact.get("businessEmailAddress")) or False,
        "km_home_work": distance if isinstance(distance, int) and not isinstance(distance, bool) else 0,
    }


def employment_values(employment, organizational_entity=None, working_hours=None):
    """``loket.employment`` values of a Loket employment; department and job names are resolved by the caller."""
    entity = _dict(organizational_entity)
    hours = _dict(working_hours)
    function = _dict(entity.get("function"))
    return {
        "loket_id": employment["id"],
        "payroll_number": payroll_number(employment),
        "date_start": _date_or_false(employment.get("startDate")),
        "date_end": _date_or_false(employment.get("endDate")),
        "department_name": _text(_dict(entity.get("department")).get("description")) or False,
        "job_name": _text(entity.get("deviatingFunctionDescription")) or _text(function.get("description")) or False,
        "hours_per_week": _hours(hours.get("averageHoursPerWeek")) or _hours(hours.get("aggregatedHoursPerWeek")),
        "shift_number": _whole_number(_dict(hours.get("shift")).get("shiftNumber")),
        "distribution_unit_code": _text(_dict(entity.get("distributionUnit")).get("code")) or False,
    }


def payroll_number(employment):
    """The employment's payroll number (personeelsnummer), 0 when Loket gives none."""
    return _whole_number(employment.get("payrollId"))


# -- what keeps Loket data out of Odoo ---------------------------------------------------------

NO_NAME = "no_name"
BAD_BIRTH_DATE = "bad_birth_date"
NO_START_DATE = "no_start_date"
BAD_DATE = "bad_date"
END_BEFORE_START = "end_before_start"


def employee_problems(employee):
    """``[(code, details)]``: why this Loket employee cannot become an Odoo employee."""
    problems = []
    personal = _dict(employee.get("personalDetails"))
    if not dutch_name(personal):
        problems.append((NO_NAME, {}))
    try:
        loket_date(personal.get("dateOfBirth"))
    except ValueError:
        problems.append((BAD_BIRTH_DATE, {"value": str(personal.get("dateOfBirth"))}))
    return problems


def employment_problems(employment):
    """``[(code, details)]``: why this employment cannot be brought into Odoo."""
    details = {"payroll_number": payroll_number(employment) or "-"}
    try:
        start = loket_date(employment.get("startDate"))
        end = loket_date(employment.get("endDate"))
    except ValueError:
        value = f"{employment.get('startDate')} – {employment.get('endDate')}"
        return [(BAD_DATE, dict(details, value=value))]
    if not start:
        return [(NO_START_DATE, details)]
    if end and end < start:
        return [(END_BEFORE_START, dict(details, value=f"{start} – {end}"))]
    return []


def bundle_problems(bundle):
    """The problems of a bundle (employee and employments, as the sync fetches them)."""
    problems = employee_problems(_dict(bundle.get("employee")))
    for item in bundle.get("employments") or []:
        problems += employment_problems(_dict(item.get("employment")))
    return problems


# -- what a mapping row keeps ------------------------------------------------------------------

# The keys the functions above read: the only part of Loket's data a mapping row stores.
# Loket's employee also carries identity documents, nationality, civil status, place of
# birth, a deviating postal address and more, which Odoo does not need.
KEPT = {
    "employee": {
        "id": None,
        "employeeNumber": None,
        "personalDetails": {
            "firstName": None,
            "initials": None,
            "prefix": None,
            "lastName": None,
            "prefixPartner": None,
            "lastNamePartner": None,
            "howToFormatLastName": {"key": None},
            "dateOfBirth": None,
            "gender": {"key": None},
        },
        "address": {
            "street": None,
            "houseNumber": None,
            "houseNumberAddition": None,
            "postalCode": None,
            "city": None,
            "country": {"isoCode": None},
        },
        "contactInformation": {
            "emailAddress": None,
            "mobilePhoneNumber": None,
            "phoneNumber": None,
            "businessEmailAddress": None,
        },
        "travel": {"travelDistanceToWork": None},
    },
    "employment": {"id": None, "payrollId": None, "startDate": None, "endDate": None},
    "entity": {
        "department": {"description": None},
        "deviatingFunctionDescription": None,
        "function": {"description": None},
        "distributionUnit": {"code": None},
    },
    "hours": {"averageHoursPerWeek": None, "aggregatedHoursPerWeek": None, "shift": {"shiftNumber": None}},
}


def _prune(value, shape):
    if shape is None or not isinstance(value, dict):
        return None if isinstance(value, dict | list) else value
    return {key: _prune(value[key], sub) for key, sub in shape.items() if key in value}


def minimal_bundle(bundle):
    """The part of a fetched bundle the sync uses, in the same shape:
    ``{"employee": …, "employments": [{"employment": …, "entity": …, "hours": …}]}``."""
    return {
        "employee": _prune(bundle.get("employee"), KEPT["employee"]),
        "employments": [
            {key: _prune(item.get(key), KEPT[key]) for key in ("employment", "entity", "hours")}
            for item in bundle.get("employments") or []
        ],
    }


def row_summary(bundle):
    """What the mapping row shows of the employments: first start, last end (empty while one
    runs or is to come), payroll numbers ("-" where Loket gives none)."""
    employments = [_dict(item.get("employment")) for item in bundle.get("employments") or []]
    starts = [_date_or_false(e.get("startDate")) for e in employments]
    ends = [_date_or_false(e.get("endDate")) for e in employments]
    return {
        "employment_start": min(filter(None, starts), default=False),
        "employment_end": False if not all(ends) else max(ends, default=False),
        "payroll_numbers": ", ".join(str(payroll_number(e) or "-") for e in employments),
    }
