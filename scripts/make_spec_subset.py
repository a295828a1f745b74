#!/usr/bin/env python3
"""Write the part of Loket's OpenAPI document this addon uses into tests/.

    python3 scripts/make_spec_subset.py [FULL_DOCUMENT] [--output tests/loket_api_subset.json]

Reads the full Loket API v2 OpenAPI document (default: ``$LOKET_OPENAPI``, else
``../shared/reference/loket-api-v2-openapi.json`` beside the clone) and keeps, for each
documented resource of ``loket_integration/loket/resources.py``, its path, method,
parameters, request body and responses with their schemas; ``$ref``s are resolved,
and descriptions, summaries, examples and ``x-`` extensions dropped (facts, no prose).
The output is deterministic: ``tests/test_spec_conformance.py`` checks that it equals
the committed file whenever the full document is present.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "loket_integration"))

from loket import resources as R  # noqa: E402 - after the sys.path line above

DEFAULT_FULL = os.path.join(os.path.dirname(ROOT), "shared", "reference", "loket-api-v2-openapi.json")
DEFAULT_OUTPUT = os.path.join(ROOT, "tests", "loket_api_subset.json")
PROSE = {"description", "summary", "example", "examples", "externalDocs", "tags"}
KEPT = ("operationId", "parameters", "requestBody", "responses")
SOURCE = "Loket.nl API v2 OpenAPI document (APIs.guru snapshot 2023-03-06); made by scripts/make_spec_subset.py"


def full_document_path():
    return os.environ.get("LOKET_OPENAPI") or DEFAULT_FULL


def _resolve(document, ref, seen):
    if not ref.startswith("#/"):
        raise ValueError(f"Only local $refs are resolved, not {ref}")
    if ref in seen:
        raise ValueError(f"Recursive $ref {ref}")
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _facts(document, node, names=False, seen=()):
    """``node`` with ``$ref``s resolved and prose dropped; ``names``: ``node`` maps property
    names to schemas (a property may be called ``description``)."""
    if isinstance(node, list):
        return [_facts(document, item, seen=seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and not names:
        ref = node["$ref"]
        return _facts(document, _resolve(document, ref, seen), seen=(*seen, ref))
    if names:
        return {key: _facts(document, value, seen=seen) for key, value in node.items()}
    return {
        key: _facts(document, value, names=key == "properties", seen=seen)
        for key, value in node.items()
        if key not in PROSE and not key.startswith("x-")
    }


def make_subset(document):
    """The subset (a dict) of ``document`` for the documented resources of ``resources.ALL``."""
    paths, missing = {}, []
    for resource in R.ALL:
        if not resource.documented:
            continue
        item = document["paths"].get(resource.path) or {}
        operation = item.get(resource.method.lower())
        if operation is None:
            missing.append(f"{resource.method} {resource.path}")
            continue
        kept = {key: operation[key] for key in KEPT if key in operation}
        if item.get("parameters"):  # parameters shared by every method of the path
            kept["parameters"] = item["parameters"] + kept.get("parameters", [])
        paths.setdefault(resource.path, {})[resource.method.lower()] = _facts(document, kept)
    if missing:
        raise SystemExit(
            "Documented resources the document lacks (mark them documented=False in resources.py): "
            + ", ".join(missing)
        )
    return {
        "openapi": document["openapi"],
        "info": {"title": document["info"]["title"], "version": document["info"]["version"], "x-source": SOURCE},
        "paths": paths,
    }


def dumps(subset):
    return json.dumps(subset, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("document", nargs="?", default=full_document_path(), help="the full OpenAPI document")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="where to write the subset")
    args = parser.parse_args(argv)
    with open(args.document, encoding="utf-8") as handle:
        document = json.load(handle)
    text = dumps(make_subset(document))
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    sys.stdout.write(f"{args.output}: {text.count(chr(10))} lines, {len(text)} characters\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
