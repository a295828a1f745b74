from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..odoo_version import Constraint, domain_and
from .loket_job import INLINE_LIMIT

DECISIONS = [("to_decide", "To decide"), ("add", "Add"), ("skip", "Do not import"), ("map", "Map to existing")]
# Where a row stands: the decision, and whether it was applied.
STATUSES = [
    ("to_decide", "To decide"),
    ("to_add", "To add"),
    ("to_map", "To map"),
    ("added", "Added"),
    ("mapped", "Mapped"),
    ("skipped", "Not imported"),
]
# Bookkeeping of the synchronisation: not something to group the list by.
TECHNICAL_FIELDS = ("loket_id", "data", "data_hash", "pending_sync", "apply_job_id", "apply_sets_add")
# Who may read a Loket employee's personal data: those who may read private employee data
# (HR officers) and Loket administrators, who decide about and apply the rows.
PRIVATE_GROUPS = "hr.group_hr_user,loket_integration.group_loket_manager"
# A row keeps Loket's data (the part the sync uses, see employee_mapper.minimal_bundle) while
# it is needed: to decide and Add, and until the sync brought it into the bound employee.
# Then it is erased; the fingerprint, the ids and the employment summary stay.
NEEDS_DATA_DOMAIN = [
    ("decision", "!=", "skip"),
    "|",
    ("pending_sync", "=", True),
    ("status", "not in", ("added", "mapped")),
]
ERASABLE_DOMAIN = [
    "|",
    ("data", "!=", False),
    ("birth_date", "!=", False),
    "|",
    ("decision", "=", "skip"),
    "&",
    ("status", "in", ("added", "mapped")),
    ("pending_sync", "=", False),
]


class LoketEmployee(models.Model):
    """A Loket employee as last fetched, with the administrator's decision about it."""

    _name = "loket.employee"
    _description = "Loket employee"
    _inherit = ["loket.protected.fields.mixin"]
    # Loket's side of the row and the synchronisation's bookkeeping: the addon's code writes
    # them; a user decides (``decision``) and chooses the Odoo employee (``employee_id``).
    _loket_protected_fields = (
        "integration_id",
        "loket_id",
        "employee_number",
        "name",
        "birth_date",
        "work_email",
        "employment_start",
        "employment_end",
        "payroll_numbers",
        "suggested_employee_id",
        "data",
        "data_hash",
        "missing_in_loket",
        "sync_error",
        "pending_sync",
        "apply_job_id",
        "apply_sets_add",
    )
    _order = "integration_id, employee_number"
    _check_company_auto = True

    integration_id = fields.Many2one("loket.integration", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="integration_id.company_id", store=True)
    loket_id = fields.Char("Loket id", required=True, index=True)
    employee_number = fields.Integer("Employee number", help="The employee's number (werknemernummer) in Loket.")
    name = fields.Char()
    birth_date = fields.Date("Birth date", groups=PRIVATE_GROUPS)
    work_email = fields.Char("Work email")
    employment_start = fields.Date(
        "Employed from", help="Start of the first employment in this payroll administration."
    )
    employment_end = fields.Date("Employed until", help="End of the last employment; empty while one is running.")
    payroll_numbers = fields.Char("Payroll numbers", help="Personeelsnummers of the employee's employments.")
    decision = fields.Selection(DECISIONS, default="to_decide", required=True)
    status = fields.Selection(
        STATUSES,
        compute="_compute_status",
        store=True,
        help="The decision, and whether it was applied: 'To add' and 'To map' wait for Apply.",
    )
    suggested_employee_id = fields.Many2one(
        "hr.employee",
        string="Suggestion",
        readonly=True,
        check_company=True,
        help="An Odoo employee with the same name and birth date, or the same work email.",
    )
    employee_id = fields.Many2one("hr.employee", string="Odoo employee", check_company=True)
    employment_ids = fields.One2many("loket.employment", "loket_employee_id", string="Employments", readonly=True)
    data = fields.Json(
        groups=PRIVATE_GROUPS,
        prefetch=False,  # large: read when used, not with every list of rows
        help="What the sync uses of Loket's employee, employments, organizational entities and working hours; "
        "erased once the row no longer needs it",
    )
    data_hash = fields.Char(
        groups=PRIVATE_GROUPS, help="Fingerprint of data: unchanged Loket data is not processed again"
    )
    missing_in_loket = fields.Boolean(
        "No longer in Loket",
        readonly=True,
        help="Loket's list of employees of this payroll administration no longer holds this employee. "
        "The row and the Odoo employee are kept as they are.",
    )
    sync_error = fields.Char(
        "Sync error", readonly=True, help="Why the last synchronisation could not update this employee"
    )
    pending_sync = fields.Boolean(
        "Waiting for sync", help="Loket data changed since the bound Odoo employee was last updated"
    )
    # The rows a background apply run still has to do are marked on the rows, not listed in
    # the run: each batch reads its 200 rows, whatever the number of rows in the run.
    apply_job_id = fields.Many2one(
        "loket.job",
        "Apply run",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The run that still has to apply this row's decision",
    )
    apply_sets_add = fields.Boolean(
        "Run sets Add", readonly=True, copy=False, help="The apply run first sets this row's decision to Add"
    )

    _loket_unique = Constraint("unique(integration_id, loket_id)", "This Loket employee is listed already.")

    @api.depends("decision", "loket_id", "employee_id.loket_employee_id")
    def _compute_status(self):
        for row in self:
            applied = bool(row.employee_id) and row.employee_id.sudo().loket_employee_id == row.loket_id
            row.status = {
                "to_decide": "to_decide",
                "skip": "skipped",
                "add": "added" if applied else "to_add",
                "map": "mapped" if applied else "to_map",
            }[row.decision]

    def _check_company(self, fnames=None):
        """Odoo's refusal names the other company's records: a row of company B would tell who
        company A's employees are. The same refusal, without their names."""
        try:
            return super()._check_company(fnames)
        except UserError:
            raise UserError(
                self.env._("A Loket employee can only be mapped to an Odoo employee of its integration's company.")
            ) from None

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The sync's bookkeeping fields are not offered to group or sort the list by."""
        fields_info = super().fields_get(allfields, attributes)
        for name in TECHNICAL_FIELDS:
            for key in ("groupable", "sortable"):
                if key in fields_info.get(name, {}):
                    fields_info[name][key] = False
        return fields_info

    def _not_applied(self):
        """The rows whose decision may still change: an added or mapped employee stays bound."""
        return self.filtered(lambda row: row.status not in ("added", "mapped"))

    def action_add(self):
        self.check_access("write")  # before a run is queued or anything is written
        if len(self) > INLINE_LIMIT:  # many rows: the background run writes the decision with each batch
            return self._loket_start_apply(add=True)
        rows = self._not_applied()
        rows.write({"decision": "add"})
        return rows.action_apply()

    def action_skip(self):
        self.check_access("write")
        self._not_applied().write({"decision": "skip", "employee_id": False})
        self._loket_erase_unneeded()

    def action_map_suggested(self):
        self.check_access("write")
        rows = self._not_applied().filtered("suggested_employee_id")
        for row in rows:
            row.write({"decision": "map", "employee_id": row.suggested_employee_id.id})
        return rows.action_apply()

    def action_apply(self):
        """Apply the decisions: in this request for a few rows, in the background (loket.job) for many."""
        self.check_access("write")
        return self._loket_start_apply()

    def _loket_start_apply(self, add=False):
        """One apply run per integration of the rows (``add``: the run first sets their decision to Add).
        The rows are grouped in SQL, not read: a click on thousands of rows stays quick.
        Returns what the person is told: the runs' outcome, or that a run went to the background."""
        started, done = None, self.env["loket.job"]
        groups = self._read_group([("id", "in", self.ids)], ["integration_id"], ["id:array_agg"])
        for integration, row_ids in groups:
            ids = sorted(row_ids)
            if not add:
                integration._loket_check_decisions(self.browse(ids))
            payload = {"row_ids": ids, "add": add}  # moved onto the rows when the run starts
            job = integration._loket_start_job("apply_decisions", payload=payload, total=len(ids))
            if job.background:
                started = job._loket_started_notification()
            else:
                done |= job
        return started or (self._loket_applied_notification(done) if done else True)

    def _loket_applied_notification(self, jobs):
        """What the apply runs ``jobs`` did, then the rows still to decide (the list reloaded),
        or, when none is left, all the rows: the "To decide" filter would show an empty page."""
        added, mapped = sum(jobs.mapped("added_count")), sum(jobs.mapped("updated_count"))
        if added and mapped:
            message = self.env._(
                "%(added)s Loket employee(s) added to Odoo, %(mapped)s mapped to existing employees.",
                added=added,
                mapped=mapped,
            )
        elif mapped:
            message = self.env._("%(mapped)s Loket employee(s) mapped to existing employees.", mapped=mapped)
        else:
            message = self.env._("%(added)s Loket employee(s) added to Odoo.", added=added)
        integrations = jobs.integration_id
        left = self.search_count([("integration_id", "in", integrations.ids), ("status", "=", "to_decide")], limit=1)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "className": "o_loket_applied",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"}
                if left
                else self._loket_list_next(integrations),
            },
        }

    @api.model
    def _loket_list_next(self, integrations):
        """``_loket_list_action(integrations)`` as the next action of a notification: through a
        server action, so that the web client loads it (and renders its help as HTML)."""
        return {
            "type": "ir.actions.server",
            "id": self.env.ref("loket_integration.action_server_loket_employee_list").id,
            "context": {"loket_integration_ids": integrations.ids},
        }

    @api.model
    def _loket_list_action(self, integrations):
        """The Loket employees list of ``integrations`` (one, or all when several): filtered on
        "To decide" while rows are to decide, else every row, with an empty page that says why."""
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_employee")
        scoped = self
        if len(integrations) == 1:
            action["domain"] = [("integration_id", "=", integrations.id)]
            action["context"] = {"default_integration_id": integrations.id}
            scoped = self.with_context(default_integration_id=integrations.id)
        else:
            action["context"] = {}
        if scoped._loket_count_rows([("status", "=", "to_decide")]):
            action["context"]["search_default_to_decide"] = 1
        action["help"] = scoped.get_empty_list_help(self.env.ref("loket_integration.action_loket_employee").help)
        return action

    def _loket_count_rows(self, domain=()):
        """The rows the user sees (of the integration in the context, if any) matching ``domain``."""
        integration_id = self.env.context.get("default_integration_id")
        scope = [("integration_id", "=", integration_id)] if integration_id else []
        # sudo(False): an action's help is computed as superuser; the user's own rows are counted.
        return self.sudo(False).search_count(scope + list(domain))

    @api.model
    def get_empty_list_help(self, help_message):
        """The list's empty page says why it is empty: no rows yet (fetch them first), or filters
        that hide the rows there are ("To decide" once every row is decided)."""
        total = self._loket_count_rows()
        if not total:
            return super().get_empty_list_help(help_message)
        if not self._loket_count_rows([("status", "=", "to_decide")]):
            title = self.env._("Nothing to decide")
            text = self.env._(
                "All %(count)s Loket employees are added, mapped or not imported. "
                "Remove the filter “To decide” to see them.",
                count=total,
            )
        else:
            title = self.env._("No Loket employee matches these filters")
            text = self.env._("Remove or change the filters to see the %(count)s Loket employees.", count=total)
        return Markup("<p class='o_view_nocontent_smiling_face'>%s</p><p>%s</p>") % (title, text)

    def _loket_erase_unneeded(self, domain=None):
        """Erase Loket's personal data from the rows (``self``, or those of ``domain``) that no
        longer need it: not imported ones, and applied ones the sync brought into Odoo."""
        domain = [("id", "in", self.ids)] if domain is None else domain
        self.sudo().search(domain_and([domain, ERASABLE_DOMAIN])).write({"data": False, "birth_date": False})
