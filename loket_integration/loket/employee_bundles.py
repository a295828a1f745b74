"""Loket's employer-wide lists joined into one bundle per employee (pure functions).

The employee sync reads four lists of the whole employer (employees, employments, and each
employment's actual organizational entity and working hours) instead of asking per
employee. ``join_bundles`` joins them, for all employees at once or for a chunk of them;
``staged`` gives what a fetch in batches keeps of one entity of a list until the join."""

# The lists, in the order a fetch in batches reads them: employees last, each chunk of
# them is then joined against what is kept of the other three.
LISTS = ("organizational_entities", "working_hours", "employments", "employees")


def staged(list_name, entity):
    """``(key, owner key, data)`` kept of one entity of ``list_name``: employees and
    employments by their id (an employment's owner is its employee), an organizational
    entity or working hours by their employment, with only the part the join uses."""
    if list_name == "employees":
        return entity["id"], None, entity
    if list_name == "employments":
        return entity["id"], entity["employee"]["id"], entity
    part = "organizationalEntity" if list_name == "organizational_entities" else "workingHours"
    return entity["employmentId"], None, entity.get(part)


def join_bundles(employees, employments, entities, hours, administration_id):
    """``[{"employee": …, "employments": [{"employment", "entity", "hours"}, …]}]``, one per
    employee of ``employees`` employed in ``administration_id`` or not employed at all.

    ``employments``: the employer's employments (at least those of ``employees``);
    ``entities`` and ``hours``: by employment id. An employee employed only in another
    payroll administration of the employer belongs to that administration and is left
    out; an employee Loket lists twice is kept once."""
    by_employee, elsewhere = {}, set()
    for employment in employments:
        administration = (employment.get("payrollAdministration") or {}).get("id")
        if administration and administration != administration_id:
            elsewhere.add(employment["employee"]["id"])
            continue
        by_employee.setdefault(employment["employee"]["id"], {})[employment["id"]] = {
            "employment": employment,
            "entity": entities.get(employment["id"]),
            "hours": hours.get(employment["id"]),
        }
    bundles = {}
    for employee in employees:
        if employee["id"] in elsewhere and employee["id"] not in by_employee:
            continue
        bundles[employee["id"]] = {
            "employee": employee,
            "employments": list(by_employee.get(employee["id"], {}).values()),
        }
    return list(bundles.values())
