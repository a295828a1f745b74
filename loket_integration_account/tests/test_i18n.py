"""The journal addon's translation template is Odoo's export of its terms, and Dutch covers it:
the main addon's checks, on this addon."""

from odoo.tests import tagged

from odoo.addons.loket_integration.tests import test_i18n


@tagged("post_install", "-at_install")
class TestJournalDutch(test_i18n.TestDutch):
    module = "loket_integration_account"
