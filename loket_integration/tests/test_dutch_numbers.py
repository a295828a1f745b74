"""Issue 19, point 14 (in part): numbers in the addon's Dutch sentences are written the Dutch way."""

import re

from odoo.tests import tagged

from .common import LoketCase


@tagged("post_install", "-at_install")
class TestDutchNumbers(LoketCase):
    n_employees = 2

    def test_the_sync_summary_gives_its_seconds_with_a_decimal_comma(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self._connect()
        self.integration.with_context(lang="nl_NL")._loket_sync_employees(full=True)
        summary = self.integration.last_sync_summary
        self.assertRegex(summary, r" \d+,\d s$", "seconds written as in 0.2 s")
        self.assertIsNone(re.search(r"\d\.\d s$", summary))
