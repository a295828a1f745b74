"""Joining Loket's employer-wide lists into one bundle per employee (loket/employee_bundles.py)."""

from loket.employee_bundles import LISTS, join_bundles, staged

ADMIN, OTHER = "adm-1", "adm-2"


def _employment(employment_id, employee_id, administration=ADMIN):
    return {"id": employment_id, "employee": {"id": employee_id}, "payrollAdministration": {"id": administration}}


def test_employments_entities_and_hours_go_to_their_employee():
    employees = [{"id": "e1"}, {"id": "e2"}]
    employments = [_employment("m1", "e1"), _employment("m2", "e1"), _employment("m3", "e2")]
    entities = {"m1": {"department": "Bakkerij"}, "m3": {"department": "Winkel"}}
    hours = {"m2": {"averageHoursPerWeek": 20}}
    bundles = join_bundles(employees, employments, entities, hours, ADMIN)
    assert [b["employee"]["id"] for b in bundles] == ["e1", "e2"]
    assert [(i["employment"]["id"], i["entity"], i["hours"]) for i in bundles[0]["employments"]] == [
        ("m1", {"department": "Bakkerij"}, None),
        ("m2", None, {"averageHoursPerWeek": 20}),
    ]
    assert [i["employment"]["id"] for i in bundles[1]["employments"]] == ["m3"]


def test_an_employee_of_another_administration_only_is_left_out():
    employees = [{"id": "e1"}, {"id": "e2"}, {"id": "e3"}]
    employments = [_employment("m1", "e1", OTHER), _employment("m2", "e2", OTHER), _employment("m3", "e2")]
    bundles = join_bundles(employees, employments, {}, {}, ADMIN)
    # e1: employed elsewhere only; e2: here too (its other employment is not his here); e3: not employed at all
    assert [(b["employee"]["id"], [i["employment"]["id"] for i in b["employments"]]) for b in bundles] == [
        ("e2", ["m3"]),
        ("e3", []),
    ]


def test_an_employee_listed_twice_is_kept_once():
    bundles = join_bundles([{"id": "e1"}, {"id": "e1"}], [_employment("m1", "e1")], {}, {}, ADMIN)
    assert len(bundles) == 1


def test_a_chunk_joins_like_the_whole_list():
    employees = [{"id": f"e{n}"} for n in range(6)]
    employments = [_employment(f"m{n}", f"e{n % 6}") for n in range(9)]
    entities = {f"m{n}": {"n": n} for n in range(9)}
    whole = join_bundles(employees, employments, entities, {}, ADMIN)
    chunks = []
    for start in (0, 4):
        chunk = employees[start : start + 4]
        ids = {e["id"] for e in chunk}
        mine = [m for m in employments if m["employee"]["id"] in ids]
        chunks += join_bundles(chunk, mine, {m["id"]: entities[m["id"]] for m in mine}, {}, ADMIN)
    assert chunks == whole


def test_staged_keeps_what_the_join_uses():
    assert LISTS[-1] == "employees", "employees last: their chunks are joined against the rest"
    assert staged("employees", {"id": "e1", "x": 1}) == ("e1", None, {"id": "e1", "x": 1})
    assert staged("employments", _employment("m1", "e1")) == ("m1", "e1", _employment("m1", "e1"))
    entity = {"employmentId": "m1", "organizationalEntity": {"department": "Bakkerij"}, "other": 1}
    assert staged("organizational_entities", entity) == ("m1", None, {"department": "Bakkerij"})
    hours = {"employmentId": "m1", "workingHours": {"averageHoursPerWeek": 38}}
    assert staged("working_hours", hours) == ("m1", None, {"averageHoursPerWeek": 38})
