#!/usr/bin/env python3
"""Start Odoo's server from a script path: with ``--workers`` Odoo re-runs
``sys.argv[0]`` for its long-polling process, which ``python3 -m odoo`` cannot serve.

That process (``odoo_server.py gevent …``) needs gevent. The benches do not use the bus:
where gevent is not installed, it waits for the server to end instead of failing, which
would make Odoo start it again at every beat of its main loop (a Python start each time,
taking the CPU the benches measure)."""

import importlib.util
import os
import sys
import time

if __name__ == "__main__":
    if sys.argv[1:2] == ["gevent"] and importlib.util.find_spec("gevent") is None:
        server = os.getppid()
        while os.getppid() == server:
            time.sleep(1)
        sys.exit(0)
    import odoo.cli

    odoo.cli.main()
