"""Generating a large export and sending to Loket as loket.job kinds.

* ``send`` (``res_id``: the export): the rows to send are recorded (``pending``) by the
  request that asked; payload ``{"batches": [[row ids of one PATCH], ...] still to send,
  "row_ids": all of them, "partner_ids": [...]}``. Each batch sends one PATCH
  (``_loket_batch_size()`` rows, an employment at most once) and drops it from the
  payload, with the rows' statuses, in the same transaction: a worker killed in a batch
  leaves its rows pending and in the payload, and the batch is sent again (Loket's
  payroll period data is overwritten, so nothing is counted twice); the last batch
  posts the outcome on the export.
* ``export`` (``res_id``: the payroll period): the file of more than INLINE_LIMIT
  employees is made, kept and mailed in the background; payload ``{"employee_ids",
  "employee_scope", "recipient_ids", "send", "allow_empty"}``. The builder reads the period in one
  GROUP BY, so the file is one step; ``send`` then queues the ``send`` run of its rows.
"""

from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket.payroll_csv import PayrollCsvError
from .loket_job import INLINE_LIMIT


class LoketJob(models.Model):
    # One concept per file: these kinds of run live in a file of their own.
    _inherit = "loket.job"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[("export", "Generating an export"), ("send", "Sending to Loket")],
        ondelete={"export": "cascade", "send": "cascade"},
    )

    # -- send -------------------------------------------------------------------------

    def _loket_job_export(self):
        return self.env["loket.export"].sudo().browse(self.res_id).exists()

    def _loket_job_batch_send(self):
        export = self._loket_job_export()
        state = dict(self.payload or {})
        pending = list(state.get("batches") or [])
        batch = pending[0] if pending else []
        records = self.env["loket.export.row"].sudo().browse(batch).exists().filtered(lambda r: r.state == "pending")
        client, requests = self.integration_id._loket_counting_client()
        if records and export:
            export.with_context(loket_job_batch=True)._loket_send_rows(client, records)
        self.sudo().payload = dict(state, batches=pending[1:])
        sent = len(records.filtered(lambda r: r.state == "sent"))
        self._loket_add(
            done_count=len(batch),
            updated_count=sent,
            failed_count=len(records) - sent,
            request_count=requests(),
        )
        if len(pending) > 1:
            return False
        if export:
            rows = self.env["loket.export.row"].browse(state.get("row_ids") or []).exists()
            partners = self.env["res.partner"].browse(state.get("partner_ids") or [])
            export._loket_post_outcome(rows, Counter(rows.mapped("state")), partners)
        return True

    def _loket_job_summary_send(self):
        export = self._loket_job_export()
        if self.state == "failed" or not export:
            return None
        return self.env._(
            "%(name)s sent to Loket: %(sent)s row(s) sent, %(failed)s not delivered.",
            name=export.name,
            sent=self.updated_count,
            failed=self.failed_count,
        )

    # -- export -----------------------------------------------------------------------

    def _loket_job_batch_export(self):
        state = dict(self.payload or {})
        integration = self.integration_id
        period = self.env["loket.payroll.period"].browse(self.res_id)
        employees = self.env["hr.employee"].browse(state.get("employee_ids") or [])
        recipients = self.env["res.partner"].browse(state.get("recipient_ids") or [])
        export = self.env["loket.export"]._loket_generate_checked(
            integration,
            period,
            employees,
            recipients,
            state.get("employee_scope") or "all",
            allow_empty=bool(state.get("allow_empty")),
        )
        self.sudo().done_count = len(employees)
        if state.get("send"):
            export._loket_send(inline=False)
        return True

    def _loket_job_summary_export(self):
        export = self.env["loket.export"].search(  # the payload is gone: the latest export of the period
            [("integration_id", "=", self.integration_id.id), ("period_id", "=", self.res_id)], limit=1
        )
        if self.state == "failed" or not export:
            return None
        return self.env._(
            "Export %(name)s generated: %(rows)s row(s) for %(count)s employee(s).",
            name=export.name,
            rows=export.row_count,
            count=self.done_count,
        )


class LoketExport(models.Model):
    # One concept per file: an export's background runs live in a file of their own.
    _inherit = "loket.export"  # pylint: disable=consider-merging-classes-inherited

    loket_send_progress = fields.Char("Sending", compute="_compute_loket_send_progress")

    def _compute_loket_send_progress(self):
        progress = {job.res_id: job.progress_text for job in self._loket_send_job()}
        for export in self:
            export.loket_send_progress = progress.get(export._origin.id, False)

    def _loket_send_job(self):
        """The ``send`` runs of these exports that are queued or running."""
        return self.env["loket.job"].search(
            [("kind", "=", "send"), ("res_id", "in", self._origin.ids), ("state", "in", ("queued", "running"))]
        )

    @api.model
    def _loket_generate_checked(self, integration, period, employees, recipients, employee_scope, allow_empty=False):
        """``_generate`` for a user's request: a file without a value is refused (unless
        ``allow_empty``: the send of a period whose values are gone), and a value the file
        cannot hold is said plainly."""
        try:
            return self._generate(
                integration, period, employees, recipients, employee_scope=employee_scope, allow_empty=allow_empty
            )
        except PayrollCsvError as exc:
            raise UserError(self.env._("The Loket file cannot be made: %(error)s", error=str(exc))) from None

    def _loket_send_background(self, rows, partners):
        """Queue the ``send`` run of ``rows`` (recorded, pending)."""
        self.integration_id._loket_start_job(
            "send",
            payload={
                "batches": [records.ids for records in self._loket_batches(rows)],
                "row_ids": rows.ids,
                "partner_ids": partners.ids if partners else [],
            },
            total=len(rows),
            inline=False,
            res_id=self.id,
        )

    @api.model
    def _loket_export_in_background(
        self, integration, period, employees, recipients, employee_scope, send, allow_empty=False
    ):
        """The ``export`` run of ``employees`` when they are many (queued, or the one running
        for the period joined), else False: a few are exported in the request."""
        if len(employees) <= INLINE_LIMIT:
            return False
        return integration._loket_start_job(
            "export",
            payload={
                "employee_ids": employees.ids,
                "employee_scope": employee_scope,
                "recipient_ids": recipients.ids if recipients else [],
                "send": send,
                "allow_empty": allow_empty,
            },
            total=len(employees),
            inline=False,
            res_id=period.id,
        )
