from odoo import fields, models


class LoketIntegration(models.Model):
    # The integration's side of the background runs (loket.job), in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    loket_job_ids = fields.One2many("loket.job", "integration_id", string="Runs")
    loket_job_count = fields.Integer("Runs count", compute="_compute_loket_jobs")
    loket_running_job_id = fields.Many2one("loket.job", string="Running job", compute="_compute_loket_jobs")
    loket_job_progress = fields.Char("Progress", compute="_compute_loket_jobs")
    loket_running_job_kinds = fields.Char(
        compute="_compute_loket_jobs", help="Kinds of the runs queued or running, for the form's buttons"
    )

    def _compute_loket_jobs(self):
        Job = self.env["loket.job"]
        ids = self._origin.ids
        counts = dict(Job._read_group([("integration_id", "in", ids)], ["integration_id"], ["__count"]))
        unfinished = Job.search([("integration_id", "in", ids), ("state", "in", ("queued", "running"))], order="id")
        for integration in self:
            jobs = unfinished.filtered(lambda j, i=integration: j.integration_id == i._origin)
            integration.loket_job_count = counts.get(integration._origin, 0)
            integration.loket_running_job_id = jobs[:1]
            integration.loket_job_progress = " · ".join(jobs.mapped("progress_text")) or False
            integration.loket_running_job_kinds = ",".join(jobs.mapped("kind")) or ""

    def action_open_loket_jobs(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("loket_integration.action_loket_job")
        action["domain"] = [("integration_id", "=", self.id)]
        action["context"] = {"default_integration_id": self.id}
        return action

    def _loket_start_job(self, kind, payload=None, total=0, inline=None, res_id=0, held=None):
        """``loket.job._loket_enqueue`` for this integration."""
        Job = self.env["loket.job"]
        return Job._loket_enqueue(self, kind, payload=payload, total=total, inline=inline, res_id=res_id, held=held)

    def _loket_counting_client(self):
        """A Loket client and a function giving the number of HTTP requests it made so far."""
        client = self._loket_client()
        calls = [0]
        send = client.transport.send

        def counted(*args, **kwargs):
            calls[0] += 1
            return send(*args, **kwargs)

        client.transport.send = counted
        return client, lambda: calls[0]
