from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.loket_integration.loket import journal as J
from odoo.addons.loket_integration.models.loket_protected_fields import DEFAULT_PREFIX, LoketProtectedFields
from odoo.addons.loket_integration.odoo_version import Constraint

JOURNAL_NAME = "Lonen en salarissen"  # the Dutch name bookkeepers know the salary journal by
JOURNAL_CODE = "LON"
MANAGER_GROUPS = ("account.group_account_manager", "base.group_system")
READER_GROUPS = ("account.group_account_readonly", *MANAGER_GROUPS)


def check_journal_rights(env, manage=True):
    """Configuring and booking the payroll journal is for accounting managers and system
    administrators; reading it for accountants too. Checked before anything is changed,
    sent to Loket or erased."""
    groups = MANAGER_GROUPS if manage else READER_GROUPS
    if env.su or any(env.user.has_group(group) for group in groups):
        return
    raise AccessError(
        env._("Only accounting managers may configure or book the Loket payroll journal.")
        if manage
        else env._("Only accountants may see the Loket payroll journal.")
    )


def check_protected(records, vals_list):
    """The main addon's check of the fields only the addon writes (``_loket_protected_fields``),
    context ``default_*`` keys included; called here rather than inherited, so that the main
    addon's model keeps only its own models."""
    defaults = {key.removeprefix(DEFAULT_PREFIX) for key in records.env.context if key.startswith(DEFAULT_PREFIX)}
    LoketProtectedFields._loket_check_protected(records, defaults.union(*vals_list))


def form_action(record):
    """The action that opens ``record`` in its form."""
    return {
        "type": "ir.actions.act_window",
        "res_model": record._name,
        "res_id": record.id,
        "view_mode": "form",
        "views": [(False, "form")],
    }


class LoketJournalSettings(models.Model):
    """How one Loket integration's payroll journal is booked in Odoo: journal, date, draft or
    posted, whether Loket hears of it; with its ledger account and cost center mappings
    and the journal runs read from Loket."""

    _name = "loket.journal.settings"
    _description = "Loket payroll journal"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _rec_name = "integration_id"
    _order = "company_id, integration_id"
    _loket_protected_fields = ("last_fetch", "last_error")

    integration_id = fields.Many2one(
        "loket.integration", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="integration_id.company_id", store=True, index=True)
    journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        tracking=True,
        help="The general journal the payroll entries are booked in (e.g. 'Lonen en salarissen').",
    )
    date_choice = fields.Selection(
        [("period_end", "Last day of the payroll period"), ("booking_day", "Day of booking")],
        string="Booking date",
        default="period_end",
        required=True,
        tracking=True,
    )
    post_entries = fields.Boolean(
        "Post entries", tracking=True, help="Off: entries are left as drafts for review (the default)."
    )
    mark_processed = fields.Boolean(
        "Mark processed in Loket",
        default=True,
        tracking=True,
        help="After booking, tell Loket the journal run was processed (its status becomes 'Journaal geëxporteerd').",
    )
    rounding_account_id = fields.Many2one(
        "account.account",
        string="Rounding account",
        check_company=True,
        tracking=True,
        help="Where the difference of a journal run that does not balance (Loket's rounding) is booked. "
        "Empty: such runs are refused.",
    )
    auto_book = fields.Boolean(
        "Book new runs every night",
        tracking=True,
        help="The scheduled action reads Loket's journal runs every night and books the new ready ones; "
        "reading the runs by hand books a new ready run the same way, in the background.",
    )
    book_from = fields.Date(
        "Book runs from",
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        tracking=True,
        help="The scheduled action books only runs of payroll periods ending on or after this date "
        "(older runs were booked before Odoo did it).",
    )
    reviewer_id = fields.Many2one(
        "res.users",
        default=lambda self: self._default_reviewer(),
        tracking=True,
        help="Who gets an activity to review each entry the scheduled action books.",
    )
    account_ids = fields.One2many("loket.journal.account", "settings_id", string="Ledger accounts")
    analytic_ids = fields.One2many("loket.journal.analytic", "settings_id", string="Cost centers and cost units")
    run_ids = fields.One2many("loket.journal.run", "settings_id", string="Journal runs")
    run_count = fields.Integer(compute="_compute_counts")
    unmapped_count = fields.Integer("Unmapped accounts", compute="_compute_counts")
    last_fetch = fields.Datetime("Last read from Loket", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)

    _integration_unique = Constraint(
        "unique(integration_id)", "This Loket integration has its payroll journal already."
    )

    @api.depends("integration_id")
    def _compute_display_name(self):
        # The integration's name: accountants read the payroll journal, not the integration.
        for settings in self:
            settings.display_name = settings.integration_id.sudo().display_name

    def _default_reviewer(self):
        user = self.env.user
        return user if any(user.has_group(group) for group in READER_GROUPS[:2]) else user.browse()

    @api.depends("run_ids", "account_ids.account_id")
    def _compute_counts(self):
        for settings in self:
            settings.run_count = len(settings.run_ids)
            settings.unmapped_count = len(settings.account_ids.filtered(lambda row: not row.account_id))

    @api.model_create_multi
    def create(self, vals_list):
        check_journal_rights(self.env)
        check_protected(self, vals_list)
        records = super().create(vals_list)
        for settings in records.filtered(lambda s: not s.journal_id):
            settings.journal_id = settings._existing_salary_journal()
        return records

    @api.model
    def _ensure_for(self, integrations=None):
        """Payroll journal settings for the integrations that have none (all of them at install)."""
        integrations = (
            integrations
            if integrations is not None
            else self.env["loket.integration"].with_context(active_test=False).search([])
        )
        have = set(self.search([("integration_id", "in", integrations.ids)]).integration_id.ids)
        return self.create([{"integration_id": i.id} for i in integrations if i.id not in have])

    def write(self, vals):
        check_journal_rights(self.env)
        LoketProtectedFields._loket_check_protected(self, vals)
        return super().write(vals)

    def unlink(self):
        check_journal_rights(self.env)
        self.check_access("unlink")  # before mail.thread erases the chatter
        return super().unlink()

    def _check_manage(self):
        check_journal_rights(self.env)
        if not self:
            raise AccessError(self.env._("No Loket payroll journal given."))
        self.check_access("write")

    # -- the journal ------------------------------------------------------------------------

    def _existing_salary_journal(self):
        # Rights were checked by the caller (a system administrator may lack Accounting's own).
        Journal = self.env["account.journal"].sudo()
        return Journal.search(
            [
                *Journal._check_company_domain(self.company_id),
                ("type", "=", "general"),
                "|",
                ("code", "=", JOURNAL_CODE),
                ("name", "=ilike", JOURNAL_NAME),
            ],
            limit=1,
        )

    def action_create_journal(self):
        """Use the company's salary journal, or make one: 'Lonen en salarissen' (general)."""
        self._check_manage()
        for settings in self:
            journal = settings._existing_salary_journal()
            if not journal:
                Journal = self.env["account.journal"].sudo()
                codes = set(Journal.search(Journal._check_company_domain(settings.company_id)).mapped("code"))
                code = next(c for c in (JOURNAL_CODE, *(f"{JOURNAL_CODE}{n}" for n in range(2, 100))) if c not in codes)
                journal = Journal.create(
                    {"name": JOURNAL_NAME, "code": code, "type": "general", "company_id": settings.company_id.id}
                )
            settings.journal_id = journal
        return True

    # -- reading Loket ----------------------------------------------------------------------

    def action_fetch_runs(self):
        """Read the journal runs from Loket: new ones are listed with Loket's totals, the status
        of the others follows Loket's (removed, replaced)."""
        self._check_manage()
        for settings in self:
            settings._fetch_runs()
        return self._notification(
            self.env._("%(count)s journal run(s) read from Loket.", count=len(self.run_ids)), "success"
        )

    def _loket(self, operation, client=None):
        """``operation(client)`` for this integration; Loket's failures as ``LoketFault``. Rights
        were checked by the caller: the integration (and its login) is used in sudo mode."""
        self.ensure_one()
        integration = self.integration_id.sudo()
        integration._require_administration()
        try:
            return integration._loket_call(operation, client)
        except UserError as exc:
            raise LoketFault(str(exc)) from None

    def _fetch_runs(self, client=None):
        self.ensure_one()
        client = client or self._loket(lambda client: client)
        administration = self.integration_id.sudo().loket_administration_id
        runs = self._loket(lambda c: list(c.journal_runs(administration)), client)
        records = self.env["loket.journal.run"]._sync_from_loket(self, runs)
        for run in records.filtered(lambda r: not r.summary_read and J.has_results(int(r.loket_status))):
            rows = self._loket(lambda c, run=run: c.journal_run_results(run.loket_id), client)
            try:
                run._store_summary(rows)
            except UserError as exc:  # one run's bad line: kept on that run, the others are read
                run.sudo().write({"error": str(exc)})
        self.sudo().write({"last_fetch": fields.Datetime.now(), "last_error": False})
        return records

    # -- mappings ---------------------------------------------------------------------------

    def _list_for_mapping(self, entry):
        """List the ledger accounts, cost centers and cost units of ``entry`` (a
        ``journal.JournalEntry``) for mapping; new rows get a proposal."""
        self.ensure_one()
        new_accounts = self.env["loket.journal.account"]._list_for_mapping(self, entry.accounts)
        new_analytics = self.env["loket.journal.analytic"]._list_for_mapping(self, "cost_center", entry.cost_centers)
        new_analytics |= self.env["loket.journal.analytic"]._list_for_mapping(self, "cost_unit", entry.cost_units)
        new_accounts._propose()
        new_analytics._propose()

    def action_propose_mappings(self):
        """Propose an Odoo account for each unmapped Loket ledger account (same code) and an
        analytic account for each unmapped cost center and cost unit."""
        self._check_manage()
        self.account_ids.filtered(lambda row: not row.account_id)._propose()
        self.analytic_ids.filtered(lambda row: not row.analytic_account_id)._propose()
        return True

    # -- screens ----------------------------------------------------------------------------

    def action_open_runs(self):
        check_journal_rights(self.env, manage=False)
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration_account.action_loket_journal_run")
        action["domain"] = [("settings_id", "in", self.ids)]
        action["context"] = {"search_default_filter_open": 1}
        return action

    @staticmethod
    def _notification(message, kind="info", sticky=False):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": sticky,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


class LoketFault(UserError):
    """Loket could not be asked (down, 429, 5xx, an answer that is not JSON, a refused login):
    the scheduled action stops for this integration tonight and tries again tomorrow."""
