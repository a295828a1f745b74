"""Loket employee and employment JSON → Odoo values (pure functions)."""

# Loket's howToFormatLastName keys (naamgebruik): own name, partner's name,
# partner's followed by own, own followed by partner's.
OWN, PARTNER, PARTNER_OWN, OWN_PARTNER = 1, 2, 3, 4
GENDERS = {1: "male", 2: "female"}


def _join(*parts):
    return " ".join(p.strip() for p in parts if p and p.strip())


def dutch_name(personal):
    """``Jan de Vries``, ``J. van der Berg``, ``Anna Bakker-de Jong``: first name (else
    initials), then the last name as the employee chose to use it (naamgebruik)."""
    given = personal.get("firstName") or personal.get("initials")
    own = _join(personal.get("prefix"), personal.get("lastName"))
    partner = _join(personal.get("prefixPartner"), personal.get("lastNamePartner"))
    use = (personal.get("howToFormatLastName") or {}).get("key") or OWN
    if not partner or use == OWN:
        last = own
    elif use == PARTNER:
        last = partner
    elif use == PARTNER_OWN:
        last = f"{partner}-{own}"
    else:
        last = f"{own}-{partner}"
    return _join(given, last)


def street_line(address):
    """``Kerkstraat 12 A``: street, house number and addition."""
    if not address:
        return False
    return (
        _join(address.get("street"), str(address.get("houseNumber") or ""), address.get("houseNumberAddition")) or False
    )


def employee_values(employee):
    """``hr.employee`` values of a Loket employee; ``private_country_code`` is resolved by the caller."""
    personal = employee.get("personalDetails") or {}
    address = employee.get("address") or {}
    contact = employee.get("contactInformation") or {}
    return {
        "name": dutch_name(personal),
        "private_street": street_line(address),
        "private_zip": address.get("postalCode") or False,
        "private_city": address.get("city") or False,
        "private_country_code": (address.get("country") or {}).get("isoCode") or False,
        "birthday": personal.get("dateOfBirth") or False,
        "gender": GENDERS.get((personal.get("gender") or {}).get("key"), "other"),
        "private_email": contact.get("emailAddress") or False,
        "private_phone": contact.get("mobilePhoneNumber") or contact.get("phoneNumber") or False,
        "work_email": contact.get("businessEmailAddress") or False,
        "km_home_work": (employee.get("travel") or {}).get("travelDistanceToWork") or 0,
    }


def contract_values(employment, organizational_entity=None, working_hours=None):
    """``hr.contract`` values of a Loket employment; department and job names are resolved by the caller."""
    entity = organizational_entity or {}
    hours = working_hours or {}
    function = entity.get("function") or {}
    return {
        "loket_employment_id": employment["id"],
        "loket_payroll_number": employment.get("payrollId") or 0,
        "date_start": employment.get("startDate"),
        "date_end": employment.get("endDate") or False,
        "department_name": (entity.get("department") or {}).get("description") or False,
        "job_name": entity.get("deviatingFunctionDescription") or function.get("description") or False,
        "weekly_hours": hours.get("averageHoursPerWeek") or hours.get("aggregatedHoursPerWeek") or 0.0,
        "shift_number": (hours.get("shift") or {}).get("shiftNumber") or 0,
        "distribution_unit_code": str((entity.get("distributionUnit") or {}).get("code") or "") or False,
    }
