#!/usr/bin/env python3
"""Regenerate ``loket_integration/i18n/loket_integration.pot`` with Odoo's own exporter.

Installs the addon from this working tree in a throwaway database (without demo data, like
``make test``), exports its terms with ``odoo --i18n-export`` (``odoo.tools.translate.trans_export``),
drops the database, then brings every ``i18n/<lang>.po`` in line with the new template:
translations of unchanged terms are kept, new terms get an empty msgstr, vanished terms go.

    python3 scripts/export_pot.py            # PGHOST/PGPORT/PGUSER/PGPASSWORD as for make test
"""

import os
import subprocess
import sys
import tempfile
import time

import polib
from run_tests import ADDON, OPTIONAL_MODULES, ROOT, addons_path, free_port, pg_args

I18N = os.path.join(ROOT, ADDON, "i18n")
POT = os.path.join(I18N, f"{ADDON}.pot")


def export_pot(target):
    db = f"loket_pot_{os.getpid()}_{int(time.time())}"
    odoo = [sys.executable, "-m", "odoo", "--database", db, *pg_args(), "--addons-path", addons_path()]
    quiet = ["--stop-after-init", "--log-level", "warn", "--max-cron-threads", "0", "--http-port", str(free_port())]
    try:
        # With the optional modules, as make test: they change inherited labels (hr.contract's).
        init = ",".join((ADDON, *OPTIONAL_MODULES))
        subprocess.run([*odoo, "--init", init, "--without-demo", "all", *quiet], cwd=ROOT, check=True)
        export = [*odoo, f"--i18n-export={target}", f"--modules={ADDON}", *quiet]
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
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, f"{ADDON}.pot")
        export_pot(target)
        pot = polib.pofile(target, wrapwidth=78)
        pot.save(POT)
    print(f"{POT}: {len(pot)} terms")
    for name in sorted(os.listdir(I18N)):
        if name.endswith(".po"):
            untranslated, dropped = merge(os.path.join(I18N, name), pot)
            print(f"{name}: {untranslated} term(s) to translate, {dropped} obsolete term(s) removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
