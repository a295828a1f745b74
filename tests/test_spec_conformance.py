"""The client's resource table against Loket's official OpenAPI document.

The document's part this addon uses is kept in ``tests/loket_api_subset.json`` (made by
``scripts/make_spec_subset.py``), so these tests run from a fresh clone. Where the full
document is present (``$LOKET_OPENAPI`` or ``../shared/reference/`` beside the clone),
the committed subset must be exactly what the script makes of it.
"""

import importlib.util
import json
import os
import re

import pytest

from loket import resources as R

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUBSET = os.path.join(ROOT, "tests", "loket_api_subset.json")
SCRIPT = os.path.join(ROOT, "scripts", "make_spec_subset.py")


def _script():
    spec = importlib.util.spec_from_file_location("make_spec_subset", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def spec():
    with open(SUBSET, encoding="utf-8") as handle:  # committed: a missing file fails, it does not skip
        return json.load(handle)


def _versions(operation, method):
    if method == "GET":
        content = operation["responses"]["200"].get("content") or {}
    else:
        content = operation.get("requestBody", {}).get("content") or {}
    return sorted(re.findall(r"version=([\d-]+)", " ".join(content)))


@pytest.mark.parametrize("resource", [r for r in R.ALL if r.documented], ids=lambda r: f"{r.method} {r.path}")
def test_resource_matches_the_document(spec, resource):
    assert resource.path in spec["paths"], "path not in the OpenAPI document"
    operation = spec["paths"][resource.path].get(resource.method.lower())
    assert operation, f"{resource.method} not allowed on {resource.path}"
    versions = _versions(operation, resource.method)
    assert versions, "the document names no versioned media type"
    assert resource.version == versions[-1], f"not the newest version {versions}"
    names = {p["name"] for p in operation.get("parameters", [])}
    assert "Accept" in names
    assert resource.paged == ({"pageNumber", "pageSize"} <= names), "paging parameters differ from the document"
    if resource.collection:
        schema = json.dumps(operation["responses"]["200"]["content"])
        assert '"_embedded"' in schema


def test_undocumented_resources_follow_the_conventions():
    for resource in R.ALL:
        if not resource.documented:
            assert resource.path.startswith("/providers/employers")
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", resource.version)


def test_the_subset_holds_exactly_the_documented_resources(spec):
    used = {(r.path, r.method.lower()) for r in R.ALL if r.documented}
    held = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert held == used, "run scripts/make_spec_subset.py after changing loket/resources.py"


def test_the_subset_keeps_facts_not_prose(spec):
    def walk(node, names=False):
        if isinstance(node, list):
            for item in node:
                yield from walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if not names:
                    yield key
                yield from walk(value, names=not names and key == "properties")

    keys = set(walk(spec["paths"]))
    assert not keys & {"description", "summary", "example", "examples", "$ref"}
    assert {"parameters", "responses", "schema", "properties", "type"} <= keys


def test_the_subset_is_what_the_script_makes_of_the_full_document():
    script = _script()
    full = script.full_document_path()
    if not os.path.exists(full):
        pytest.skip(
            f"full Loket OpenAPI document not found at {full} (set LOKET_OPENAPI): the committed subset "
            "was checked above, its regeneration is not"
        )
    with open(full, encoding="utf-8") as handle:
        document = json.load(handle)
    with open(SUBSET, encoding="utf-8") as handle:
        committed = handle.read()
    assert script.dumps(script.make_subset(document)) == committed, "run scripts/make_spec_subset.py"
