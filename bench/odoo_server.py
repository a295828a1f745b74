#!/usr/bin/env python3
"""Start Odoo's server from a script path: with ``--workers`` Odoo re-runs
``sys.argv[0]`` for its long-polling process, which ``python3 -m odoo`` cannot serve."""

import odoo.cli

if __name__ == "__main__":
    odoo.cli.main()
