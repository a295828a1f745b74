#!/usr/bin/env python3
"""Regenerate each addon's ``<addon>/i18n/<addon>.pot`` with Odoo's own exporter.

Installs the addons from this working tree in a throwaway database (without demo data, like
``make test``), exports each one's terms with ``odoo --i18n-export`` (``odoo.tools.translate.trans_export``),
drops the database — on every Odoo version the test command finds (run_tests.odoo_versions()):
an addon's template is the union of the versions' exports, a term only one version exports
marked ``only on Odoo <series>`` (test_i18n.py allows the other version's) — then brings every
``i18n/<lang>.po`` in line with the new template:
translations of unchanged terms are kept, new terms get an empty msgstr, vanished terms go.
An addon without a Dutch file gets one, with the main addon's header (its glossary).

    python3 scripts/export_pot.py            # PGHOST/PGPORT/PGUSER/PGPASSWORD as for make test
"""

import os
import subprocess
import sys
import tempfile
import time

import polib
from run_tests import (
    ADDON,
    ADDONS,
    OPTIONAL_MODULES,
    ROOT,
    VERSIONS_DIR,
    addons_path,
    free_port,
    odoo_versions,
    pg_args,
    version_addons,
)

ONLY_ON = "only on Odoo "  # the mark of a term one Odoo version exports and the other not


def export_pots(series, python, odoo_dirs, targets):
    """``targets``: {addon: path of the .pot to write}, exported by ``python``'s Odoo ``series``."""
    db = f"loket_pot_{os.getpid()}_{int(time.time())}"
    odoo = [python, "-m", "odoo", "--database", db, *pg_args(), "--addons-path", addons_path(odoo_dirs, series)]
    quiet = ["--stop-after-init", "--log-level", "warn", "--max-cron-threads", "0", "--http-port", str(free_port())]
    here = tempfile.gettempdir()  # 19.0: from a folder without an odoo/
    try:
        # With the optional modules, as make test: they change inherited labels.
        init = ",".join((*ADDONS, *version_addons(series), *OPTIONAL_MODULES))
        subprocess.run([*odoo, "--init", init, "--without-demo", "all", *quiet], cwd=here, check=True)
        for addon, target in targets.items():
            subprocess.run(export_command(series, python, odoo, db, addon, target, quiet), cwd=here, check=True)
    finally:
        subprocess.run([python, "-m", "odoo", "db", *pg_args(), "drop", db], capture_output=True, check=False)


def export_command(series, python, odoo, db, addon, target, quiet):
    """Odoo's exporter of one addon's terms. 18.0: ``--i18n-export`` of the server; 19.0: the
    ``i18n export`` command, which takes its connection and addons path from a config file."""
    if series < "19.0":
        return [*odoo, f"--i18n-export={target}", f"--modules={addon}", *quiet]
    config = f"{target}.conf"
    connection = odoo[odoo.index("--database") + 2 :]  # --db_host value ... --addons-path value
    options = dict(zip(connection[::2], connection[1::2], strict=True))
    with open(config, "w", encoding="utf-8") as conf:
        conf.write("[options]\n")
        for option, value in options.items():
            conf.write(f"{option.lstrip('-').replace('-', '_')} = {value}\n")
    return [python, "-m", "odoo", "i18n", "export", "-c", config, "-d", db, "-o", target, addon]


def union(pots):
    """{series: pot} of one addon: one template, the first version's order, the other
    versions' own terms after it, each term not every version exports marked with the one it
    comes from, each term with the references of every version."""
    merged = None
    for series, pot in sorted(pots.items()):
        if merged is None:
            merged = pot
            continue
        ids = {entry.msgid for entry in pot}
        for entry in merged:
            if entry.msgid not in ids and ONLY_ON not in entry.comment:
                entry.comment += f"\n{ONLY_ON}{min(pots)}"
        known = {entry.msgid: entry for entry in merged}
        for entry in pot:
            if entry.msgid not in known:
                entry.comment += f"\n{ONLY_ON}{series}"
                merged.append(entry)
                continue
            # Every version's references: Odoo loads a record's translation only through a
            # reference naming it (19.0 exports the display name of inherited models, 18.0 not).
            ours = known[entry.msgid]
            ours.occurrences = sorted(set(ours.occurrences) | set(entry.occurrences))
    return merged


def merge(po_path, pot):
    old = polib.pofile(po_path, wrapwidth=78)
    kept = {entry.msgid: entry for entry in old if not entry.obsolete}
    new = polib.POFile(wrapwidth=78)
    new.header = old.header
    new.metadata = {**old.metadata, "POT-Creation-Date": pot.metadata.get("POT-Creation-Date", "")}
    for entry in pot:
        previous = kept.get(entry.msgid)
        new.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=previous.msgstr if previous else "",
                comment=entry.comment,
                occurrences=entry.occurrences,
                flags=entry.flags + (["fuzzy"] if previous and previous.fuzzy else []),
            )
        )
    new.save(po_path)
    return sum(not entry.msgstr for entry in new), len(set(kept) - {entry.msgid for entry in pot})


def main():
    os.environ.setdefault("PGPASSWORD", "odoo")
    main_dutch = os.path.join(ROOT, ADDON, "i18n", "nl.po")
    versions, _without = odoo_versions()
    if not versions:
        print("No python here imports Odoo: nothing exported (see the README, Tests).")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        pots, folders = {}, {}  # {addon: {series: pot}}, {addon: its folder}
        for series, (python, odoo_dirs) in sorted(versions.items()):
            # Each version's own part (odoo_versions/<series>/) too: its own terms.
            targets = {
                addon: os.path.join(tmp, f"{series}-{addon}.pot") for addon in (*ADDONS, *version_addons(series))
            }
            export_pots(series, python, odoo_dirs, targets)
            for addon, target in targets.items():
                pots.setdefault(addon, {})[series] = polib.pofile(target, wrapwidth=78)
                own = os.path.join(VERSIONS_DIR, series, addon)
                folders[addon] = own if addon in version_addons(series) else os.path.join(ROOT, addon)
        print(f"Exported on Odoo {', '.join(sorted(versions))}")
        for addon, per_series in pots.items():
            i18n = os.path.join(folders[addon], "i18n")
            os.makedirs(i18n, exist_ok=True)
            pot = union(per_series)
            pot.save(os.path.join(i18n, f"{addon}.pot"))
            print(f"{addon}.pot: {len(pot)} terms")
            dutch = os.path.join(i18n, "nl.po")
            if not os.path.exists(dutch):
                header = polib.pofile(main_dutch, wrapwidth=78)
                fresh = polib.POFile(wrapwidth=78)
                fresh.header, fresh.metadata = header.header, dict(header.metadata)
                fresh.save(dutch)
            for name in sorted(os.listdir(i18n)):
                if name.endswith(".po"):
                    untranslated, dropped = merge(os.path.join(i18n, name), pot)
                    print(f"{addon}/{name}: {untranslated} term(s) to translate, {dropped} obsolete term(s) removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
