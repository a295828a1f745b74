"""The client's resource table against Loket's official OpenAPI document."""

import json
import os
import re

import pytest

from loket import resources as R

SPEC = os.environ.get("LOKET_OPENAPI") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "reference", "loket-api-v2-openapi.json"
)


@pytest.fixture(scope="module")
def spec():
    if not os.path.exists(SPEC):
        pytest.skip(f"Loket OpenAPI document not found at {SPEC} (set LOKET_OPENAPI)")
    with open(SPEC, encoding="utf-8") as handle:
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
