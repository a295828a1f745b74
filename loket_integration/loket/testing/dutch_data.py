"""Deterministic, spec-shaped Loket data for N generated Dutch employees."""

import datetime
import random
import uuid

FIRST_NAMES = ["Jan", "Anna", "Pieter", "Sanne", "Daan", "Fleur", "Lotte", "Bram", "Emma", "Sem", "Noor", "Thijs"]
LAST_NAMES = ["Berg", "Vries", "Dijk", "Jansen", "Bakker", "Visser", "Smit", "Meer", "Boer", "Mulder", "Bos", "Wit"]
PREFIXES = ["", "", "", "van", "de", "van der", "van den", "ter", "van 't", "den"]
STREETS = ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Oude Gracht", "Wilhelminalaan"]
CITIES = [("Utrecht", "3511"), ("Amersfoort", "3811"), ("Zwolle", "8011"), ("Leiden", "2311"), ("Delft", "2611")]
ADDITIONS = [None, None, None, "A", "bis", "2", "hs"]
GENDERS = [{"key": 1, "value": "Man"}, {"key": 2, "value": "Vrouw"}]
NAME_USES = [
    {"key": 1, "value": "Eigen naam"},
    {"key": 2, "value": "Naam partner"},
    {"key": 3, "value": "Naam partner gevolgd door eigen naam"},
    {"key": 4, "value": "Eigen naam gevolgd door naam partner"},
]
NETHERLANDS = {"isoCode": "NL", "key": 528, "value": "Nederland"}
MONTH = {"key": 1, "value": "Maand"}
DEPARTMENTS = [(1, "Directie"), (2, "Productie"), (3, "Verkoop"), (4, "Administratie")]
DISTRIBUTION_UNITS = [(10, "Kantoor Utrecht"), (20, "Werkplaats Zwolle"), (30, "Buitendienst")]
# Each department's employees are paid on one distribution unit, as an employer sets it up:
# the README's cost center mapping (department → distribution unit) then holds for everyone.
DEPARTMENT_UNITS = {
    "Directie": "Kantoor Utrecht",
    "Productie": "Werkplaats Zwolle",
    "Verkoop": "Buitendienst",
    "Administratie": "Kantoor Utrecht",
}
FUNCTIONS = ["Medewerker", "Teamleider", "Monteur", "Adviseur"]
PAYROLL_COMPONENTS = [
    (1, "Uren gewerkt", {"key": 1, "value": "Uren"}),
    (28, "Overuren", {"key": 1, "value": "Uren"}),
    (30, "Uren verlof", {"key": 1, "value": "Uren"}),
    (31, "Uren ziek", {"key": 1, "value": "Uren"}),
    (45, "Dagen gewerkt", {"key": 2, "value": "Dagen"}),
    (86, "Nabetaling", {"key": 3, "value": "Bedragen"}),
    (402, "Km woon-werk", {"key": 4, "value": "Kilometers"}),
]


def _uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _ref(key, code, description):
    return {"key": key, "code": code, "description": description}


def generate_employer_data(n_employees=10, seed=1, year=None, client_number=5555):
    """Employer, administration, departments, distribution units, components,
    periods, employees and employments, as the Loket API would return them."""
    rng = random.Random(seed)
    year = year or datetime.date.today().year
    employer = {
        "id": _uuid(rng),
        "companyName": "Bakkerij De Gouden Krakeling B.V.",
        "employerNumber": 4711,
        "address": {
            "street": "Dorpsstraat",
            "houseNumber": 1,
            "houseNumberAddition": None,
            "postalCode": "3511 AB",
            "city": "Utrecht",
            "country": NETHERLANDS,
        },
    }
    administration = {
        "id": _uuid(rng),
        "name": "Bakkerij De Gouden Krakeling",
        "description": "Maandverloning",
        "clientNumber": client_number,
        "payrollPeriodType": MONTH,
        "startDate": f"{year - 3}-01-01",
        "endDate": None,
    }
    departments = [{"id": _uuid(rng), "code": c, "description": d, "subDepartmentOf": None} for c, d in DEPARTMENTS]
    units = [{"id": _uuid(rng), "code": c, "description": d} for c, d in DISTRIBUTION_UNITS]
    functions = [{"key": _uuid(rng), "description": f, "group": None} for f in FUNCTIONS]
    components = [
        {
            "key": key,
            "description": name,
            "category": category,
            "deductionOrPayment": {"key": 1, "value": "Uitbetaling"},
            "canBeSupplemented": True,
            "isCollectiveMutationPossible": True,
        }
        for key, name, category in PAYROLL_COMPONENTS
    ]
    periods = []
    for y in (year - 1, year):
        for month in range(1, 13):
            start = datetime.date(y, month, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            periods.append(
                {
                    "id": y * 100 + month,
                    "year": y,
                    "periodNumber": month,
                    "startDate": start.isoformat(),
                    "endDate": end.isoformat(),
                    "payrollPeriodType": MONTH,
                    "testYear": False,
                }
            )

    employees, employments, org_entities, working_hours = [], [], [], []
    payroll_id = 0
    for number in range(1, n_employees + 1):
        first = rng.choice(FIRST_NAMES)
        prefix = rng.choice(PREFIXES) or None
        last = rng.choice(LAST_NAMES)
        has_partner = rng.random() < 0.25
        city, pc = rng.choice(CITIES)
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 40 * 365))
        employee_id = _uuid(rng)
        personal = {
            "firstName": first if rng.random() > 0.1 else None,
            "initials": first[0] + ".",
            "prefix": prefix,
            "lastName": last,
            "prefixPartner": rng.choice(PREFIXES) or None if has_partner else None,
            "lastNamePartner": rng.choice(LAST_NAMES) if has_partner else None,
            "howToFormatLastName": rng.choice(NAME_USES) if has_partner else NAME_USES[0],
            "dateOfBirth": birth.isoformat(),
            "gender": rng.choice(GENDERS),
        }
        personal["formattedName"] = " ".join(p for p in (personal["initials"], prefix, last) if p)
        employees.append(
            {
                "id": employee_id,
                "employeeNumber": number,
                "personalDetails": personal,
                "address": {
                    "street": rng.choice(STREETS),
                    "houseNumber": rng.randrange(1, 250),
                    "houseNumberAddition": rng.choice(ADDITIONS),
                    "postalCode": f"{pc} {chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}",
                    "city": city,
                    "country": NETHERLANDS,
                },
                "contactInformation": {
                    "emailAddress": f"{first.lower()}.{last.lower()}{number}@example.nl",
                    "phoneNumber": f"030-{rng.randrange(1000000, 9999999)}",
                    "mobilePhoneNumber": f"06-{rng.randrange(10000000, 99999999)}",
                    "businessEmailAddress": f"{first.lower()}{number}@krakeling.example.nl",
                    "businessPhoneNumber": None,
                    "businessMobilePhoneNumber": None,
                    "faxNumber": None,
                },
                "travel": {"travelDistanceToWork": rng.randrange(0, 60)},
            }
        )
        # One in eight had an earlier, ended employment before the current one.
        spans = [(datetime.date(year - 2, 1, 1), None)]
        if rng.random() < 0.125:
            spans = [
                (datetime.date(year - 3, 3, 1), datetime.date(year - 2, 12, 31)),
                (datetime.date(year - 1, 2, 1), None),
            ]
        for start, end in spans:
            payroll_id += 1
            employment_id = _uuid(rng)
            employments.append(
                {
                    "id": employment_id,
                    "employee": {
                        "id": employee_id,
                        "employeeNumber": number,
                        "firstName": personal["firstName"],
                        "initials": personal["initials"],
                        "prefix": prefix,
                        "lastName": last,
                        "formattedName": personal["formattedName"],
                        "dateOfBirth": personal["dateOfBirth"],
                    },
                    "payrollAdministration": {
                        "id": administration["id"],
                        "clientNumber": client_number,
                        "name": administration["name"],
                        "description": administration["description"],
                    },
                    "payrollId": payroll_id,
                    "incomeRelationshipNumber": len(spans),
                    "startDate": start.isoformat(),
                    "endDate": end.isoformat() if end else None,
                    "historicalStartDate": None,
                }
            )
            department = rng.choice(departments)
            rng.choice(units)  # still drawn, so that the data drawn after it stays that of a seed
            unit = next(u for u in units if u["description"] == DEPARTMENT_UNITS[department["description"]])
            function = rng.choice(functions)
            org_entities.append(
                {
                    "employmentId": employment_id,
                    "organizationalEntity": {
                        "id": _uuid(rng),
                        "startDate": start.isoformat(),
                        "endDate": end.isoformat() if end else None,
                        "department": _ref(department["id"], department["code"], department["description"]),
                        "distributionUnit": _ref(unit["id"], unit["code"], unit["description"]),
                        "function": function,
                        "deviatingFunctionDescription": None,
                        "placeOfEmployment": None,
                    },
                }
            )
            hours = rng.choice([16.0, 24.0, 32.0, 36.0, 38.0, 40.0])
            working_hours.append(
                {
                    "employmentId": employment_id,
                    "workingHours": {
                        "id": _uuid(rng),
                        "startDate": start.isoformat(),
                        "endDate": end.isoformat() if end else None,
                        "averageHoursPerWeek": hours,
                        "aggregatedHoursPerWeek": hours,
                        "deviatingHoursPerWeek": None,
                        "regularWorkPattern": True,
                        "shift": {"shiftNumber": 1, "fullTimeHoursPerWeek": 40.0, "bonusPercentage": 0},
                    },
                }
            )
    return {
        "employer": employer,
        "administration": administration,
        "departments": departments,
        "distribution_units": units,
        "payroll_components": components,
        "payroll_periods": periods,
        "employees": employees,
        "employments": employments,
        "organizational_entities": org_entities,
        "working_hours": working_hours,
    }
