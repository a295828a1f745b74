#!/usr/bin/env python3
"""Serve the Loket sandbox (see loket_integration/loket/testing/sandbox.py):

    python3 scripts/loket_sandbox.py --employees 25 --port 8070

Runs from a clone as it is: no pip install, no Odoo (only ``requests``)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "loket_integration"))

from loket.testing.sandbox import main

if __name__ == "__main__":
    sys.exit(main())
