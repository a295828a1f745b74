"""The union of the versions' .pot exports (scripts/export_pot.py): every version's terms and
every version's references, so that Odoo loads a translation for each record it names."""

import importlib.util
import os
import sys

import polib
import pytest

SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts")


@pytest.fixture(scope="module")
def export_pot():
    sys.path.insert(0, SCRIPTS)  # export_pot imports run_tests as a sibling
    try:
        spec = importlib.util.spec_from_file_location("export_pot", os.path.join(SCRIPTS, "export_pot.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(SCRIPTS)
    return module


def pot(*entries):
    template = polib.POFile()
    for msgid, occurrences in entries:
        template.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[(name, "") for name in occurrences]))
    return template


FIELD = "model:ir.model.fields,field_description:loket_integration.field_{}__display_name"


def test_a_term_of_both_versions_keeps_the_references_of_each(export_pot):
    # 19.0 also exports the display name of inherited and abstract models; a reference only
    # 19.0 has must stay, or Odoo 19.0 loads no Dutch for that record.
    merged = export_pot.union(
        {
            "18.0": pot(("Display Name", [FIELD.format("loket_job")])),
            "19.0": pot(("Display Name", [FIELD.format("hr_employee"), FIELD.format("loket_job")])),
        }
    )
    (entry,) = merged
    assert [name for name, _line in entry.occurrences] == [FIELD.format("hr_employee"), FIELD.format("loket_job")]
    assert export_pot.ONLY_ON not in entry.comment


def test_a_term_of_one_version_is_marked_with_it(export_pot):
    merged = export_pot.union({"18.0": pot(("Contract", ["code:a"])), "19.0": pot(("Version", ["code:b"]))})
    marks = {entry.msgid: entry.comment.strip() for entry in merged}
    assert marks == {"Contract": f"{export_pot.ONLY_ON}18.0", "Version": f"{export_pot.ONLY_ON}19.0"}
