#!/usr/bin/env python3
"""Regenerate each addon's ``<addon>/i18n/<addon>.pot`` with Odoo's own exporter.

Installs the addons from this working tree in a throwaway database (without demo data, like
``make test``), exports each one's terms with ``odoo --i18n-export`` (``odoo.tools.translate.trans_export``),
drops the database, then brings every ``i18n/<lang>.po`` in line with the new template:
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
from run_tests import ADDON, ADDONS, OPTIONAL_MODULES, ROOT, addon_dir, addons_path, free_port, pg_args, version_addons


def export_pots(targets):
    """``targets``: {addon: path of the .pot to write}."""
    db = f"loket_pot_{os.getpid()}_{int(time.time())}"
    odoo = [sys.executable, "-m", "odoo", "--database", db, *pg_args(), "--addons-path", addons_path()]
    quiet = ["--stop-after-init", "--log-level", "warn", "--max-cron-threads", "0", "--http-port", str(free_port())]
    try:
        # With the optional modules, as make test: they change inherited labels (hr.contract's).
        init = ",".join((*ADDONS, *version_addons(), *OPTIONAL_MODULES))
        subprocess.run([*odoo, "--init", init, "--without-demo", "all", *quiet], cwd=ROOT, check=True)
        for addon, target in targets.items():
            export = [*odoo, f"--i18n-export={target}", f"--modules={addon}", *quiet]
            subprocess.run(export, cwd=ROOT, check=True)
    finally:
        subprocess.run([sys.executable, "-m", "odoo", "db", *pg_args(), "drop", db], capture_output=True, check=False)


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
    with tempfile.TemporaryDirectory() as tmp:
        # The version part of the running Odoo too (odoo_versions/<series>/): its own terms.
        targets = {addon: os.path.join(tmp, f"{addon}.pot") for addon in (*ADDONS, *version_addons())}
        export_pots(targets)
        for addon, target in targets.items():
            i18n = os.path.join(addon_dir(addon), "i18n")
            os.makedirs(i18n, exist_ok=True)
            pot = polib.pofile(target, wrapwidth=78)
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
