import logging

import psycopg2
from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..loket import (
    ENVIRONMENTS,
    LoketClient,
    LoketConnectionError,
    LoketEnvironment,
    LoketError,
    LoketInvalidGrantError,
    LoketOAuth,
)
from ..loket.payroll_periods import FOUR_WEEKLY, MONTH, WEEK
from ..odoo_version import Constraint, check_field_access, group_users
from .loket_token import TokenKeeper

_logger = logging.getLogger(__name__)

CALLBACK_PATH = "/loket/oauth/callback"
PERIOD_TYPES = [(MONTH, "Month"), (FOUR_WEEKLY, "4 weeks"), (WEEK, "Week")]
ADMINISTRATIONS_INLINE_LIMIT = 10  # employers whose administrations a request asks for itself


class LoketIntegration(models.Model):
    """One Loket payroll administration connected to one Odoo company."""

    _name = "loket.integration"
    _description = "Loket integration"
    _inherit = ["mail.thread", "mail.activity.mixin", "loket.protected.fields.mixin"]
    _check_company_auto = True
    # Loket's answers and the connection's state: the addon's own code sets them (see the mixin).
    _loket_protected_fields = (
        "state",
        "last_error",
        "loket_employer_id",
        "loket_employer_name",
        "loket_administration_id",
        "loket_administration_name",
        "last_sync",
        "last_sync_summary",
        "last_full_sync",
        "employee_version_numbers",
        "last_export",
    )
    # The custom environment's URLs decide where the client secret and the tokens are sent.
    _loket_system_fields = ("api_url", "oauth_url")
    _order = "company_id, name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, tracking=True)
    environment = fields.Selection(
        [("production", "Production"), ("acceptance", "Acceptance"), ("custom", "Custom URLs")],
        default="production",
        required=True,
        tracking=True,
    )
    api_url = fields.Char("API base URL", groups="base.group_system", help="e.g. https://api.loket-acc.nl/v2")
    oauth_url = fields.Char("OAuth server URL", groups="base.group_system", help="e.g. https://oauth.loket-acc.nl")
    state = fields.Selection(
        [("draft", "Draft"), ("connected", "Connected"), ("error", "Error"), ("disconnected", "Disconnected")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    last_error = fields.Text(readonly=True, copy=False)
    has_refresh_token = fields.Boolean(compute="_compute_has_refresh_token")

    administration_option_id = fields.Many2one(
        "loket.administration.option",
        string="Payroll administration",
        domain="[('integration_id', '=', id)]",
        copy=False,
        check_company=True,
    )
    loket_employer_id = fields.Char("Loket employer id", readonly=True, copy=False)
    loket_employer_name = fields.Char("Employer", readonly=True, copy=False)
    loket_administration_id = fields.Char("Loket payroll administration id", readonly=True, copy=False, index=True)
    loket_administration_name = fields.Char("Payroll administration name", readonly=True, copy=False)
    client_number = fields.Char(
        "Payroll client number",
        tracking=True,
        copy=False,
        help="Loket's clientNumber of the payroll administration (formerly 'aansluitnummer ULSA'); "
        "the aanslnr column of the export file.",
    )
    payroll_period_type = fields.Selection(PERIOD_TYPES, default=MONTH, required=True)
    last_sync = fields.Datetime(readonly=True, copy=False)
    last_export = fields.Datetime(readonly=True, copy=False)

    distribution_unit_ids = fields.One2many("loket.distribution.unit", "integration_id")
    payroll_component_ids = fields.One2many("loket.payroll.component", "integration_id")
    cost_center_ids = fields.One2many("loket.cost.center", "integration_id", string="Cost centers", copy=True)
    hour_code_ids = fields.One2many("loket.hour.code", "integration_id", string="Hour codes", copy=True)
    wage_component_ids = fields.One2many("loket.wage.component", "integration_id", string="Wage components", copy=True)
    default_hour_code_id = fields.Many2one(
        "hr.work.entry.type",
        string="Worked hours code",
        default=lambda self: self.env.ref("hr_work_entry.work_entry_type_attendance", raise_if_not_found=False),
        help="Hour code of timesheet lines that get none from their task, project or leave type.",
    )
    components_year = fields.Integer(
        "Components year", default=lambda self: fields.Date.today().year, help="Year of the fetched payroll components"
    )

    _administration_company_unique = Constraint(
        "unique(company_id, loket_administration_id)",
        "This Loket payroll administration is already connected for this company.",
    )

    # -- computed -------------------------------------------------------------------------

    def _compute_has_refresh_token(self):
        tokens = self.env["loket.token"].sudo().search([("integration_id", "in", self.ids)])
        with_token = {t.integration_id.id for t in tokens if t.refresh_token}
        for integration in self:
            integration.has_refresh_token = integration.id in with_token

    # -- administration choice ------------------------------------------------------------

    @api.onchange("administration_option_id")
    def _onchange_administration_option_id(self):
        if self.administration_option_id:
            self.update(self.administration_option_id._integration_values())

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo checks field groups on read and write only: the custom URLs (system admins) on
        # create too, whether they come as values or as the context's defaults (``default_api_url``).
        defaults = {
            key.removeprefix("default_"): value for key, value in self.env.context.items() if key.startswith("default_")
        }
        for vals in vals_list:
            given = {name for name in self._loket_system_fields if vals.get(name) or defaults.get(name)}
            check_field_access(self, "create", sorted(given))
        integrations = super().create(vals_list)
        for integration, vals in zip(integrations, vals_list, strict=True):
            integration._loket_apply_option(vals)
        return integrations

    def write(self, vals):
        result = super().write(vals)
        self._loket_apply_option(vals)
        return result

    def _loket_apply_option(self, vals):
        """Choosing an administration fills employer, administration, client number and period
        type: Loket's values, written by the addon once the user's own write was allowed."""
        if not vals.get("administration_option_id"):
            return
        option = self.env["loket.administration.option"].browse(vals["administration_option_id"])
        values = {
            key: value
            for key, value in option._integration_values().items()
            if key not in vals and (key != "client_number" or not vals.get("client_number"))
        }
        if values:
            self.sudo().write(values)
        if "loket_administration_id" in values:  # a new administration: its lists come with it
            self._loket_fetch_configuration_lists()

    def _loket_fetch_configuration_lists(self):
        """Loket's distribution units and payroll components of the chosen administration,
        so that cost centers and component numbers can be entered at once. A fault keeps the
        choice and says on the integration which buttons fetch them later."""
        # Not ``_loket_can_call()``: in the login's own request the stored refresh token is
        # committed on a cursor of its own, after this transaction's snapshot (REPEATABLE READ):
        # ``has_refresh_token`` reads False here. The client reads the tokens under their lock.
        ready = self.filtered(lambda i: i.loket_administration_id and all(i._loket_oauth_client_config()))
        for integration in ready:
            try:
                with self.env.cr.savepoint():
                    integration.action_refresh_distribution_units()
                    integration.action_refresh_payroll_components()
            except UserError as exc:
                integration.message_post(
                    body=self.env._(
                        "Loket's distribution units and payroll components could not be fetched yet: %(error)s "
                        "Use “Fetch distribution units from Loket” and “Fetch payroll components from Loket” "
                        "on the integration.",
                        error=str(exc),
                    )
                )

    def _loket_check_manage(self):
        """Connecting, disconnecting and asking Loket for its lists are for those who may change
        the integration (Loket administrators of its company): checked before any token is
        touched or any request is made."""
        if not self:
            raise AccessError(self.env._("No Loket integration given."))
        self.check_access("write")

    # -- Loket client ---------------------------------------------------------------------

    def _loket_environment(self):
        self.ensure_one()
        if self.environment == "custom":
            record = self.sudo()
            if not record.api_url or not record.oauth_url:
                raise UserError(self.env._("Enter the API and OAuth URLs of the custom Loket environment."))
            return LoketEnvironment.custom(record.api_url, record.oauth_url)
        return ENVIRONMENTS[self.environment]

    @api.model
    def _loket_oauth_client_config(self):
        """``(client id, client secret)`` from the settings; either may be empty."""
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param("loket_integration.client_id"), params.get_param("loket_integration.client_secret")

    @api.model
    def _loket_oauth_credentials(self):
        client_id, secret = self._loket_oauth_client_config()
        if not client_id or not secret:
            raise UserError(self.env._("Enter the Loket OAuth client id and secret first (Settings → Loket.nl)."))
        return client_id, secret

    def _loket_can_call(self):
        """Whether a Loket call can be attempted at all (connected, administration, OAuth client)."""
        self.ensure_one()
        return bool(self.has_refresh_token and self.loket_administration_id and all(self._loket_oauth_client_config()))

    def _loket_redirect_uri(self):
        return self.get_base_url().rstrip("/") + CALLBACK_PATH

    def _loket_client(self):
        """A ``LoketClient`` for this integration. It reads the stored tokens only under
        the integration's token lock (never from this transaction's snapshot) and
        commits rotated ones at once."""
        self.ensure_one()
        client_id, secret = self._loket_oauth_credentials()
        keeper = TokenKeeper(self.env, self.ids)
        environment = self._loket_environment()
        oauth = LoketOAuth(environment, client_id, secret, on_tokens=keeper.save, refresh_guard=keeper.guard)
        return LoketClient(environment, oauth)

    def _loket_call(self, operation, client=None):
        """Run ``operation(client)``; Loket's failures become translated UserErrors
        carrying Loket's own text. A rejected refresh token disconnects the
        integration (committed even though the error rolls the action back)."""
        self.ensure_one()
        try:
            return operation(client or self._loket_client())
        except LoketInvalidGrantError as exc:
            self._loket_mark_disconnected(exc)
            text = self.env._("Loket no longer accepts this integration's login; connect it again.")
            if exc.loket_text:
                text += "\n" + self.env._("Loket said: %(text)s", text=exc.loket_text)
            raise UserError(text) from None
        except LoketError as exc:
            raise UserError(self._loket_error_text(exc)) from None

    def _loket_error_text(self, exc):
        """``exc`` for the person who asked, in their language (models/loket_error_texts.py)."""
        if isinstance(exc, LoketConnectionError):  # no answer at all: which integration asked is all there is to add
            return self._loket_error_reason(exc)
        return self.env._(
            "Loket request failed for integration %(name)s: %(reason)s",
            name=self.display_name,
            reason=self._loket_error_reason(exc),
        )

    def _loket_mark_disconnected(self, reason):
        """Loket refused the stored login: erase it, set 'disconnected' and give the
        Loket administrators an activity — once, however many workers were refused at
        the same moment (the first one to erase the tokens does it), and on a cursor
        of its own, so that it survives the caller's rollback. ``reason``: Loket's error
        (each administrator reads it in his own language) or a text."""
        # Pending writes of this transaction reach the rows first: flushed later, they would undo this.
        self.flush_recordset()
        keeper, held_here = TokenKeeper(self.env, self.ids), False
        with keeper.locked_cursor() as cr:
            erased = self.browse(keeper.erase(cr))
            if erased:
                try:
                    with cr.savepoint():
                        cr.execute(
                            "SELECT id FROM loket_integration WHERE id IN %s FOR UPDATE NOWAIT", [tuple(erased.ids)]
                        )
                except psycopg2.errors.LockNotAvailable:
                    held_here = True  # this very transaction holds the rows: the write must come from here
                else:
                    erased.with_env(self.env(cr=cr)).sudo()._loket_apply_disconnection(reason)
        if held_here:
            erased.sudo().write({"state": "disconnected", "last_error": self._loket_reason_text(reason)})
        else:
            self.invalidate_recordset(["state", "last_error"])

    def _loket_forget_login(self, reason=False):
        """Erase the stored tokens at once (under the token lock, so that no refresh in
        flight stores them again) and mark the integrations disconnected."""
        keeper = TokenKeeper(self.env, self.ids)
        with keeper.locked_cursor() as cr:
            keeper.erase(cr)
        self.sudo().write({"state": "disconnected", "last_error": reason})

    @api.model
    def _loket_text_html(self, text):
        """``text`` as HTML that shows it as text, its line breaks kept: for activity notes, which
        take a str for HTML, and texts holding Loket's words (names, its messages), which must
        never become a link or an image."""
        return Markup("<br/>").join(escape(line) for line in text.splitlines())

    def _loket_reason_text(self, reason):
        """A disconnection's ``reason`` (a Loket error or a text) in this environment's language."""
        return self._loket_error_reason(reason) if isinstance(reason, LoketError) else reason

    def _loket_apply_disconnection(self, reason):
        self.write({"state": "disconnected", "last_error": self._loket_reason_text(reason)})
        managers = group_users(self.env.ref("loket_integration.group_loket_manager")).filtered(
            lambda user: self.company_id in user.company_ids
        )
        for integration in self:
            for user in managers:
                in_their_words = integration.with_context(lang=user.lang)  # each administrator reads his own language
                integration.activity_schedule(
                    "loket_integration.mail_activity_type_connect_again",
                    summary=in_their_words.env._("Connect Loket again"),
                    note=self._loket_text_html(
                        in_their_words.env._(
                            "Loket rejected the stored login of %(name)s: %(reason)s",
                            name=integration.name,
                            reason=in_their_words._loket_reason_text(reason),
                        )
                    ),
                    user_id=user.id,
                )

    def _loket_close_connect_again(self):
        """The login works again: every administrator's "Connect Loket again" is marked done.
        sudo: the one who connects closes the activities of the other administrators too."""
        self.sudo().activity_feedback(
            ["loket_integration.mail_activity_type_connect_again"],
            feedback=self.env._("Connected to Loket again by %(user)s.", user=self.env.user.name),
        )

    # -- actions --------------------------------------------------------------------------

    def action_connect(self):
        """Send the user to Loket's login page (username, password and 2FA are typed there)."""
        self.ensure_one()
        self._loket_check_manage()
        client_id, secret = self._loket_oauth_credentials()
        state = self.env["loket.oauth.state"]._issue(self)
        oauth = LoketOAuth(self._loket_environment(), client_id, secret)
        return {
            "type": "ir.actions.act_url",
            "url": oauth.authorize_url(self._loket_redirect_uri(), state),
            "target": "self",
        }

    def _loket_exchange_code(self, code):
        """The OAuth callback's second half: store the refresh token, list the administrations."""
        self.ensure_one()
        client = self._loket_client()
        try:
            client.oauth.exchange_code(code, self._loket_redirect_uri())
        except LoketError as exc:  # about this login's code, not a stored token: nothing to disconnect
            raise UserError(self.env._("Loket refused the login: %(text)s", text=exc.loket_text or exc.text)) from None
        self.sudo().write({"state": "connected", "last_error": False})
        self._loket_close_connect_again()
        self._loket_fetch_administrations(client)
        self.message_post(body=self.env._("Connected to Loket by %(user)s.", user=self.env.user.name))

    def action_refresh_administrations(self):
        self.ensure_one()
        self._loket_check_manage()
        job = self._loket_fetch_administrations()
        return job._loket_started_notification() if job else True

    def _loket_fetch_administrations(self, client=None):
        """List the payroll administrations the login reaches. Loket lists them per employer
        (one request each; an accountant reaches hundreds): this request reads the first
        page of employers and, for a few, their administrations too; more are loaded by a
        background run (loket.job kind ``fetch_administrations``), returned."""
        self.ensure_one()
        client = client or self._loket_client()
        employers, pages, size = self._loket_call(lambda client: client.employers_page(1), client)
        state = {
            "employers": [{"id": e["id"], "companyName": e.get("companyName")} for e in employers],
            "next": 0,
            "page": 2 if pages > 1 else 0,
            "total": size,
        }
        if pages > 1 or len(employers) > ADMINISTRATIONS_INLINE_LIMIT:
            return self._loket_start_job("fetch_administrations", payload=state, total=size, inline=False)
        while not self._loket_administrations_step(state, client)[-1]:
            pass
        return self.env["loket.job"]

    def action_test_connection(self):
        self.ensure_one()
        self._loket_check_manage()
        employers = self._loket_call(lambda client: client.check_connection())
        if self.state != "connected" or self.last_error:  # no write otherwise: workers would contend for the row
            self.sudo().write({"state": "connected", "last_error": False})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Loket answered: %(count)s employer(s) reachable.", count=len(employers)),
            },
        }

    def action_disconnect(self):
        self._loket_check_manage()
        self._loket_forget_login()
        for integration in self:
            integration.message_post(body=self.env._("Disconnected from Loket; tokens erased."))

    def _require_administration(self):
        self.ensure_one()
        if not self.loket_employer_id or not self.loket_administration_id:
            raise UserError(self.env._("Choose the Loket payroll administration of %(name)s first.", name=self.name))

    def action_refresh_distribution_units(self):
        self._loket_check_manage()
        self._require_administration()
        rows = self._loket_call(lambda client: list(client.distribution_units(self.loket_employer_id)))
        self.env["loket.distribution.unit"]._replace_for(self, rows)

    def action_refresh_payroll_components(self):
        self._loket_check_manage()
        self._loket_fetch_payroll_components(self.components_year or fields.Date.today().year)

    def action_add_used_hour_codes(self):
        """One hour code row per work entry type used on the company's timesheets (or its default),
        and per work entry type of its time off types and public holidays."""
        self.ensure_one()
        self._loket_check_manage()
        Line = self.env["account.analytic.line"]
        groups = Line._read_group(
            [("company_id", "=", self.company_id.id), ("project_id", "!=", False), ("loket_hour_code_id", "!=", False)],
            ["loket_hour_code_id"],
        )
        used = {code for (code,) in groups} | set(self.default_hour_code_id)
        used |= set(Line._loket_leave_work_entry_types(self.company_id))
        missing = [code for code in used if code not in self.hour_code_ids.work_entry_type_id]
        self.hour_code_ids = [Command.create({"work_entry_type_id": code.id}) for code in missing]

    @api.model
    def action_add_integration(self):
        """'Add Loket integration' from the Settings."""
        self.check_access("create")
        return {
            "type": "ir.actions.act_window",
            "res_model": "loket.integration",
            "view_mode": "form",
            "target": "current",
            # No environment is chosen for the admin: an untouched form is not saved on leaving
            # (Odoo saves a valid new record when the page is left), and none points at Loket's
            # production by default.
            "context": {"default_name": self.env.company.name, "default_environment": False},
        }

    # -- screens: the form's next step ----------------------------------------------------
    # (kept apart from the connection code above)

    next_step = fields.Selection(
        [
            ("connect", "Connect"),
            ("choose_administration", "Choose the payroll administration"),
            ("fetch_employees", "Fetch employees"),
            ("export", "Export"),
        ],
        compute="_compute_next_step",
        help="What the integration form offers as its main button.",
    )
    loket_employee_count = fields.Integer(compute="_compute_loket_employee_count")

    @api.depends("loket_employee_ids")
    def _compute_loket_employee_count(self):
        groups = self.env["loket.employee"]._read_group(
            [("integration_id", "in", self._origin.ids)], ["integration_id"], ["__count"]
        )
        counts = {integration.id: count for integration, count in groups}
        for integration in self:
            integration.loket_employee_count = counts.get(integration._origin.id, 0)

    @api.depends("state", "loket_administration_id", "loket_employee_count")
    def _compute_next_step(self):
        for integration in self:
            if integration.state != "connected":
                integration.next_step = "connect"
            elif not integration.loket_administration_id:
                integration.next_step = "choose_administration"
            elif not integration.loket_employee_count:
                integration.next_step = "fetch_employees"
            else:
                integration.next_step = "export"

    def action_open_all_loket_employees(self):
        """The integration's Loket employees, whatever their status."""
        self.check_access("read")
        action = self.action_open_loket_employees()
        action["context"] = {"default_integration_id": self.id}
        return action
