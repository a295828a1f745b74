"""Straight to Loket: an export's entries sent as Loket's payroll period data.

The entries are the export's own (``_loket_export_data``, the source of the file
too); ``loket/payroll_period_data.py`` turns them into PATCH items. Every row of
a send is recorded before its batch goes out and gets a status from Loket's
answer, committed per batch, so a partial failure keeps what Loket accepted and
an interrupted send is completed by the next one.
"""

import logging
from collections import Counter, defaultdict
from decimal import Decimal

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket import LoketConnectionError, LoketError, LoketInvalidGrantError
from ..loket.payroll_period_data import BATCH_SIZE, batches, current_rows, payroll_period_item, rows_to_send
from ..loket.payroll_periods import periods_from_loket
from ..odoo_version import group_users
from .loket_job import INLINE_LIMIT

_logger = logging.getLogger(__name__)

DELIVERIES = [
    ("file", "File by e-mail"),
    ("api", "Straight to Loket"),
    ("both", "File by e-mail and straight to Loket"),
]


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    delivery = fields.Selection(
        DELIVERIES,
        default="file",
        required=True,
        help="How a period's hours reach Loket: as the import file mailed to the payroll administrator, "
        "written straight into Loket's payroll period data, or both.",
    )

    def _loket_delivers_to_api(self):
        return self.delivery in ("api", "both")

    def _loket_require_connected(self):
        self.ensure_one()
        if self.state != "connected" or not self._loket_can_call():
            raise UserError(self.env._("%(name)s is not connected to Loket: connect it first.", name=self.name))

    def _loket_fetch_payroll_components(self, year):
        """Loket's payroll components of ``year`` for the administration, replacing the listed ones."""
        self._require_administration()
        rows = self._loket_call(lambda client: list(client.payroll_components(self.loket_administration_id, year)))
        self.env["loket.payroll.component"]._replace_for(self, year, rows)


class LoketExport(models.Model):
    # One concept per file: sending an export to Loket lives in a file of its own.
    # A send that needs attention gives the Loket administrators an activity on the export.
    _name = "loket.export"
    _inherit = ["loket.export", "mail.activity.mixin"]  # pylint: disable=consider-merging-classes-inherited

    row_ids = fields.One2many("loket.export.row", "export_id", string="Rows sent to Loket")
    delivery = fields.Selection(related="integration_id.delivery")
    rows_sent = fields.Integer("Rows sent", compute="_compute_row_counts", help="Rows this version sent to Loket")
    rows_failed = fields.Integer("Rows not delivered", compute="_compute_row_counts")
    # What Loket holds for the period from every send of the integration, whichever version is read.
    loket_held_rows = fields.Integer(
        "Rows Loket holds",
        compute="_compute_loket_held",
        help="Rows (employment × distribution unit) with a value that Loket holds for this payroll period, "
        "from this version's send and the others'",
    )
    loket_held_totals_text = fields.Text("Totals Loket holds", compute="_compute_loket_held")

    @api.depends("row_ids.state")
    def _compute_row_counts(self):
        counts = {
            (export.id, state): count
            for export, state, count in self.env["loket.export.row"]._read_group(
                [("export_id", "in", self.ids)], ["export_id", "state"], ["__count"]
            )
        }
        for export in self:
            export.rows_sent = counts.get((export.id, "sent"), 0)
            export.rows_failed = sum(counts.get((export.id, s), 0) for s in ("refused", "not_sent", "pending"))

    @api.depends("row_ids.state")
    @api.depends_context("lang", "uid")
    def _compute_loket_held(self):
        for export in self:
            held = self._loket_held_rows(export.integration_id, export.year, export.period_number)
            totals, rows = defaultdict(Decimal), 0
            for row in held.values():
                values = row._values
                rows += any(values.values())
                for component, value in values.items():
                    totals[component] += value
            export.loket_held_rows = rows
            export.loket_held_totals_text = export._totals_text({c: v for c, v in totals.items() if v})

    # -- actions ------------------------------------------------------------------------

    def action_send_to_loket(self):
        """Send what Loket does not hold yet (all of it the first time, the failed rest after)."""
        self.ensure_one()
        self.check_access("read")  # a Loket user of the export's company
        outcome = self.sudo()._loket_send()
        if outcome is None:  # sent by a background run
            return self._loket_send_job()._loket_started_notification()
        return self._loket_notification(outcome)

    def action_open_rows(self):
        """The export's rows; the stat button clicked says which (``loket_rows``: sent or not_delivered)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_export_row")
        action["domain"] = [("export_id", "=", self.id)]
        wanted = self.env.context.get("loket_rows") or ("not_delivered" if self.rows_failed else None)
        action["context"] = {f"search_default_{wanted}": 1} if wanted in ("sent", "not_delivered") else {}
        return action

    # -- sending ------------------------------------------------------------------------

    def _loket_send(self, partners=None, inline=None):
        """Send this export's rows; ``Counter`` of the row states of this send. The outcome
        is posted on the export (and mailed to ``partners``). More than INLINE_LIMIT rows
        (or ``inline=False``) are sent by a background run (loket.job kind ``send``): then,
        as while such a run is under way, ``None``."""
        self.ensure_one()
        if self.loket_send_progress:  # a run sends this export already
            return None
        current, info = self._loket_checked_rows()
        delivered = self._loket_delivered_rows()
        wanted = rows_to_send(current, {key: row._values for key, row in delivered.items()})
        if not wanted:
            self.message_post(
                body=self.env._("Loket holds this period's data already: nothing sent.")
                if current
                else self.env._("Nothing to export: no hours or wage components for this period, nothing sent."),
                partner_ids=partners.ids if partners else None,
            )
            return Counter()
        rows = self._loket_record_rows(wanted, info, delivered)
        if not (len(rows) <= INLINE_LIMIT if inline is None else inline):
            self._loket_send_background(rows, partners)
            return None
        self.integration_id._loket_commit()  # recorded before the first batch goes out
        client = self.integration_id._loket_client()
        for records in self._loket_batches(rows):
            self._loket_send_rows(client, records)
            self.integration_id._loket_commit()  # what this batch confirmed stays, whatever the next one does
        outcome = Counter(rows.mapped("state"))
        self._loket_post_outcome(rows, outcome, partners)
        return outcome

    def _loket_batches(self, rows):
        """The row records ``rows`` in the batches of one PATCH each (each employment at most once per batch)."""
        by_key = {row._key: row for row in rows}
        return [
            rows.browse([by_key[r.key].id for r in batch])
            for batch in batches([row._as_period_data_row() for row in rows], self._loket_batch_size())
        ]

    def _loket_send_rows(self, client, records):
        """One PATCH of the row ``records``; their statuses from Loket's answer."""
        self._loket_send_batch(client, [record._as_period_data_row() for record in records], records)

    def _loket_send_batch(self, client, batch, records):
        items = [payroll_period_item(row, self.year, self.period_number) for row in batch]
        integration = self.integration_id
        try:
            result = client.patch_payroll_period_data(integration.loket_employer_id, items)
        except LoketInvalidGrantError as exc:
            integration._loket_mark_disconnected(exc)  # the error: each administrator reads it in his language
            self.row_ids.filtered(lambda r: r.state == "pending").write(
                {"state": "not_sent", "message": exc.loket_text or exc.text}
            )
            if not self.env.context.get("loket_job_batch"):  # a run's batch is committed by the run
                self.integration_id._loket_commit()
            raise UserError(
                self.env._("Loket no longer accepts the login of %(name)s; connect it again.", name=integration.name)
            ) from None
        except (
            LoketConnectionError
        ) as exc:  # no answer after the client's retries: the next batches would fare no better
            _logger.warning("Loket payroll period data of %s not sent: %s", self.name, exc)
            text = integration._loket_error_text(exc)
            unsent = self.row_ids.filtered(lambda r: r.state == "pending")
            unsent.write({"state": "not_sent", "message": text})
            if not self.env.context.get("loket_job_batch"):  # a run's batch is committed by the run
                self._loket_post_outcome(unsent, Counter(unsent.mapped("state")))
                integration._loket_commit()
            raise UserError(
                self.env._(
                    "%(text)s\nThe rows not sent wait on the export: “Send failed rows again” sends them.",
                    text=text,
                )
            ) from None
        except LoketError as exc:  # after the client's retries: this batch did not arrive
            _logger.warning("Loket payroll period data batch of %s not sent: %s", self.name, exc)
            records.write({"state": "not_sent", "message": integration._loket_error_text(exc)})
            return
        # ``batch`` and ``records`` are in the same order: no need to read the records back.
        refused = records.browse()
        for row, record in zip(batch, records, strict=True):
            if row.employment_id in result.failed:
                messages = result.failed[row.employment_id]
                record.write({"state": "refused", "message": "\n".join(m.description for m in messages)})
                refused |= record
        (records - refused).write({"state": "sent", "message": False, "sent_at": fields.Datetime.now()})

    def _loket_batch_size(self):
        return BATCH_SIZE

    def _loket_delivered_rows(self):
        """``{(employment id, unit key): loket.export.row}``: what Loket holds for this
        period from earlier sends, of this export's employees only (an export of some
        employees leaves the others alone)."""
        return self._loket_held_rows(self.integration_id, self.year, self.period_number, self.employee_ids)

    @api.model
    def _loket_held_rows(self, integration, year, period_number, employees=None):
        """``{(employment id, unit key): loket.export.row}``: what Loket holds for the period
        from the integration's earlier sends (the latest sent row per key), of ``employees``
        when given."""
        domain = [
            ("integration_id", "=", integration.id),
            ("year", "=", year),
            ("period_number", "=", period_number),
            ("state", "=", "sent"),
        ]
        if employees:
            domain.append(("employee_id", "in", employees.ids))
        delivered = {}
        for row in self.env["loket.export.row"].search(domain, order="sent_at desc, id desc"):
            delivered.setdefault(row._key, row)
        return delivered

    def _loket_record_rows(self, wanted, info, delivered):
        """The row records to send: this export's unfinished ones reused, new ones created.
        A row no entry has any more (its hours deleted: sent as 0) is named as it was last sent."""
        Row = self.env["loket.export.row"]
        existing = {row._key: row for row in self.row_ids if row.state != "sent"}
        rows = Row
        to_create = []
        for row in wanted:
            before = delivered.get(row.key, Row)
            payroll_number, employee_id = info["employments"].get(
                row.employment_id, (before.payroll_number, before.employee_id.id)
            )
            values = {
                "values": {str(c): str(v) for c, v in row.values},
                "state": "pending",
                "message": False,
            }
            if row.key in existing:
                existing[row.key].write(values)
                rows |= existing[row.key]
            else:
                to_create.append(
                    dict(
                        values,
                        export_id=self.id,
                        integration_id=self.integration_id.id,
                        company_id=self.company_id.id,
                        year=self.year,
                        period_number=self.period_number,
                        employment_id=row.employment_id,
                        distribution_unit_key=row.distribution_unit_key or False,
                        distribution_unit_code=info["units"].get(row.distribution_unit_key)
                        or before.distribution_unit_code,
                        payroll_number=payroll_number,
                        employee_id=employee_id or False,
                    )
                )
        return rows | Row.create(to_create)

    # -- checks before anything is sent ---------------------------------------------------

    def _loket_checked_rows(self):
        """``(rows, info)`` of this export, after every check that can run before sending:
        a clear error naming what is wrong, and nothing sent."""
        integration = self.integration_id
        integration._loket_require_connected()
        if self.newer_export_id:
            raise UserError(
                self.env._(
                    "%(name)s is outdated: version %(version)s (%(newer)s) was generated after it; send that one.",
                    name=self.name,
                    version=self.newer_export_id.version,
                    newer=self.newer_export_id.name,
                )
            )
        if self.is_outdated:
            raise UserError(
                self.env._("The timesheets of %(name)s changed after it was made: generate it again.", name=self.name)
            )
        data = integration._loket_export_data(self.date_from, self.date_to, self.employee_ids or None)
        employments = self._loket_employments({e.payroll_number for e in data.entries})
        units = {u.code: u.loket_id for u in integration.with_context(active_test=False).distribution_unit_ids}
        rows, missing = current_rows(data.entries, {n: e[0] for n, e in employments.items()}, units)
        problems = []
        if missing["payroll_numbers"]:
            problems.append(
                self.env._(
                    "Employments without a Loket employment (fetch the employees again): payroll number(s) %(numbers)s",
                    numbers=", ".join(map(str, sorted(missing["payroll_numbers"]))),
                )
            )
        if missing["distribution_units"]:
            problems.append(
                self.env._(
                    "Distribution units Loket does not list (refresh them on the integration): %(codes)s",
                    codes=", ".join(sorted(missing["distribution_units"])),
                )
            )
        problems += self._loket_component_problems({c for row in rows for c, _v in row.values})
        problems += self._loket_period_problems()
        if problems:
            raise UserError(
                self.env._("Nothing was sent to Loket:\n%(problems)s", problems="\n".join(f"• {p}" for p in problems))
            )
        info = {
            "employments": {employment: (number, employee) for number, (employment, employee) in employments.items()},
            "units": {key: code for code, key in units.items()},
        }
        return rows, info

    def _loket_employments(self, payroll_numbers):
        """``{payroll number: (Loket employment id, employee id)}`` of the integration's
        employees. Read in SQL, as the export reads the payroll bindings."""
        if not payroll_numbers:
            return {}
        self.env["loket.employment"].flush_model(["payroll_number", "loket_id", "employee_id", "integration_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (le.payroll_number) le.payroll_number, le.loket_id, e.id
              FROM loket_employment le
              JOIN hr_employee e ON e.id = le.employee_id
             WHERE e.loket_integration_id = %s AND le.payroll_number = ANY(%s)
               AND le.loket_id IS NOT NULL
          ORDER BY le.payroll_number, le.date_start DESC, le.id DESC
            """,
            (self.integration_id.id, sorted(payroll_numbers)),
        )
        return {number: (employment, employee) for number, employment, employee in self.env.cr.fetchall()}

    def _loket_component_problems(self, used):
        integration = self.integration_id
        components = integration.payroll_component_ids.filtered(lambda c: c.year == self.year)
        if used and not components:
            integration._loket_fetch_payroll_components(self.year)
            components = integration.payroll_component_ids.filtered(lambda c: c.year == self.year)
        listed = {c.number: c for c in components}
        problems = []
        unknown = sorted(used - set(listed))
        if unknown:
            problems.append(
                self.env._(
                    "Components Loket does not list for %(year)s: %(numbers)s",
                    year=self.year,
                    numbers=", ".join(map(str, unknown)),
                )
            )
        closed = sorted(n for n in used if n in listed and not listed[n].collective_mutation_possible)
        if closed:
            problems.append(
                self.env._(
                    "Components Loket does not open to collective mutation: %(names)s",
                    names=", ".join(listed[n].display_name for n in closed),
                )
            )
        return problems

    def _loket_period_problems(self):
        if self.period_id.from_loket:
            return []
        integration = self.integration_id
        rows = integration._loket_call(lambda c: list(c.payroll_periods(integration.loket_administration_id)))
        known = {(p.year, p.number) for p in periods_from_loket(rows)}
        if (self.year, self.period_number) in known:
            return []
        return [
            self.env._(
                "Loket does not know payroll period %(period)s of %(year)s in this payroll administration",
                period=self.period_number,
                year=self.year,
            )
        ]

    # -- reporting ------------------------------------------------------------------------

    def _loket_outcome_text(self, outcome):
        return self.env._(
            "Sent to Loket: %(sent)s row(s) sent, %(refused)s refused, %(not_sent)s not sent.",
            sent=outcome.get("sent", 0),
            refused=outcome.get("refused", 0),
            not_sent=outcome.get("not_sent", 0) + outcome.get("pending", 0),
        )

    def _loket_post_outcome(self, rows, outcome, partners=None):
        failed = rows.filtered(lambda r: r.state != "sent")
        lines = Markup().join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(employee)s (payroll number %(number)s): %(message)s",
                employee=row.employee_id.sudo().name or row.employment_id,
                number=row.payroll_number,
                message=row.message or row.state,
            )
            for row in failed[:50]
        )
        body = escape(self._loket_outcome_text(outcome)) + (Markup("<ul>%s</ul>") % lines if lines else "")
        self.message_post(body=body, partner_ids=partners.ids if partners else None)

    def _loket_notification(self, outcome):
        if not outcome:
            message, kind = self.env._("Loket holds this period's data already: nothing sent."), "info"
        else:
            failed = outcome.get("refused", 0) + outcome.get("not_sent", 0) + outcome.get("pending", 0)
            message, kind = self._loket_outcome_text(outcome), "warning" if failed else "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message, "next": {"type": "ir.actions.act_window_close"}},
        }

    def _loket_send_scheduled(self, recipients):
        """The scheduled export's send: its outcome goes to the recipients; a refusal or
        failure gives the Loket administrators an activity."""
        self.ensure_one()
        try:  # in the scheduled action already: sent here, committed per batch
            outcome, problem = self._loket_send(recipients, inline=True) or Counter(), None
        except UserError as exc:
            outcome, problem = Counter(), str(exc)
            self.message_post(body=problem, partner_ids=recipients.ids)
        failed = outcome.get("refused", 0) + outcome.get("not_sent", 0) + outcome.get("pending", 0)
        if problem or failed:
            managers = group_users(self.env.ref("loket_integration.group_loket_manager")).filtered(
                lambda user: self.company_id in user.company_ids
            )
            for user in managers:
                self.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Loket send needs attention"),
                    note=self.integration_id._loket_text_html(problem or self._loket_outcome_text(outcome)),
                    user_id=user.id,
                )
        return outcome
