#!/usr/bin/env python3
"""Runs one bench on every Odoo version found and prints its ratios side by side.

    python3 bench/run_versions.py bench_export.py --employees 1000
    LOKET_ODOO_PYTHONS="python3 /opt/odoo19-venv/bin/python" python3 bench/run_versions.py bench_send.py

The versions are the test command's (scripts/run_tests.py: ``LOKET_ODOO_PYTHONS`` or this
python plus the well-known venvs, the first python per Odoo series); the bench runs with each
python in turn (its own database), its whole output kept in ``bench/<bench>-<series>.out``.
Then each line that carries a ratio (``1.23×``, ``ratio= 1.23x``, ``MET``) is listed once with
each version's figures beside it: the line's words with its numbers as ``#``, then per version
the ratios of that line. A version that did not run, or a bench that failed on it, is said so.
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))

from run_tests import odoo_versions, supported_series  # noqa: E402

RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*[×x](?![a-z])")
RATIO_LINE = re.compile(r"ratio|×|\d\s*x\b|\bMET\b|NOT MET")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def ratio_lines(output):
    """``[(label, ratios)]`` of a bench's output: its lines that carry a ratio."""
    lines = []
    for line in output.splitlines():
        if RATIO_LINE.search(line):
            label = NUMBER.sub("#", line.strip())
            verdict = " NOT MET" if "NOT MET" in line else (" MET" if "MET" in line else "")
            lines.append((label, " ".join(f"{r}×" for r in RATIO.findall(line)) + verdict))
    return lines


def main(argv):
    if not argv:
        sys.exit(__doc__)
    bench, args = argv[0], argv[1:]
    script = bench if os.path.isabs(bench) else os.path.join(HERE, os.path.basename(bench))
    versions, _without = odoo_versions()
    results = {}
    for series in sorted(versions):
        python = versions[series][0]
        print(f"== {os.path.basename(script)} on Odoo {series} ({python}) ==", flush=True)
        proc = subprocess.run([python, script, *args], capture_output=True, text=True, check=False, cwd=HERE)
        out_path = os.path.join(HERE, f"{os.path.splitext(os.path.basename(script))[0]}-{series}.out")
        with open(out_path, "w", encoding="utf-8") as handle:
            handle.write(proc.stdout + proc.stderr)
        sys.stdout.write(proc.stdout)
        if proc.returncode:
            print(f"!!! {os.path.basename(script)} FAILED on Odoo {series} (status {proc.returncode}; {out_path})")
            sys.stdout.write(proc.stderr[-3000:])
        results[series] = (proc.returncode, ratio_lines(proc.stdout))
    missing = [s for s in supported_series() if s not in versions]
    print(f"\n== {os.path.basename(script)} {' '.join(args)}: ratios per Odoo version ==")
    labels = list(dict.fromkeys(label for _rc, lines in results.values() for label, _r in lines))
    width = max([len(label) for label in labels] + [10])
    print(f"{'':{width}}  " + "  ".join(f"{s:>16}" for s in sorted(results)))
    for label in labels:
        cells = []
        for series in sorted(results):
            ratios = [r for lab, r in results[series][1] if lab == label]
            cells.append(f"{' / '.join(ratios) or '-':>16}")
        print(f"{label:{width}}  " + "  ".join(cells))
    for series, (returncode, _lines) in sorted(results.items()):
        if returncode:
            print(f"Odoo {series}: the bench FAILED (status {returncode})")
    for series in missing:
        print(f"Odoo {series}: NOT RUN (no python imports it; LOKET_ODOO_PYTHONS)")
    return 1 if any(rc for rc, _l in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
