"""Loading the payroll administrations a Loket login reaches, as a loket.job kind.

Loket lists administrations per employer, one request each; an accountant's login
reaches hundreds of employers. The request that connects reads the first page of
employers (``loket.integration._loket_fetch_administrations``) and hands the rest to
this run: payload ``{"employers": [{"id", "companyName"}], "next": index of the next
employer to ask, "page": the next page of employers to read (0: all read), "total"}``.
Each batch is one ``loket.integration._loket_administrations_step``: the options fill
in as the run goes, and a batch done again stores the same options again. A few
employers take the same steps in the request, without a run.
"""

from odoo import fields, models
from odoo.tools import formatLang

EMPLOYERS_PER_BATCH = 50


class LoketJob(models.Model):
    # One concept per file: this kind of run lives in a file of its own.
    _inherit = "loket.job"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[("fetch_administrations", "Loading administrations")],
        ondelete={"fetch_administrations": "cascade"},
    )

    def _compute_progress_text(self):
        result = super()._compute_progress_text()
        for job in self.filtered(lambda j: j.kind == "fetch_administrations" and j.total_count):
            job.progress_text = self.env._(
                "Loading administrations: %(done)s / %(total)s employers",
                done=formatLang(self.env, job.done_count, digits=0),
                total=formatLang(self.env, job.total_count, digits=0),
            )
        return result

    def _loket_job_batch_fetch_administrations(self):
        state = dict(self.payload or {})
        client, requests = self.integration_id._loket_counting_client()
        asked, stored, finished = self.integration_id._loket_administrations_step(state, client)
        self.sudo().write({"payload": state, "total_count": state["total"]})
        self._loket_add(done_count=asked, fetched_count=stored, request_count=requests())
        return finished

    def _loket_job_summary_fetch_administrations(self):
        if self.state == "failed":
            return None
        return self.env._(
            "Administrations loaded: %(administrations)s payroll administration(s) of %(employers)s employer(s).",
            administrations=formatLang(self.env, self.fetched_count, digits=0),
            employers=formatLang(self.env, self.done_count, digits=0),
        )


class LoketIntegration(models.Model):
    # One concept per file: loading the administrations lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    def _loket_administrations_step(self, state, client):
        """One step of loading the administrations: ``state`` (the payload above, and
        ``total``: the employers Loket counts) advanced in place. Reads one more page of
        employers when some are left, then asks the next EMPLOYERS_PER_BATCH employers
        for their administrations and stores them; the last step forgets the employers
        the login no longer reaches and chooses the only administration for the user.
        Returns ``(employers asked, administrations stored, finished)``."""
        self.ensure_one()
        Option = self.env["loket.administration.option"]
        employers = list(state.get("employers") or [])
        if state.get("page"):
            more, pages, total = self._loket_call(lambda client: client.employers_page(state["page"]), client)
            employers += [{"id": e["id"], "companyName": e.get("companyName")} for e in more]
            state["page"] = state["page"] + 1 if state["page"] < pages else 0
            state["total"] = total
        start = state.get("next", 0)
        batch = employers[start : start + EMPLOYERS_PER_BATCH]

        def fetch(client):
            return [(employer, row) for employer in batch for row in client.payroll_administrations(employer["id"])]

        rows = self._loket_call(fetch, client)
        Option._replace_for(self, rows, employer_ids=[e["id"] for e in batch])
        state.update(employers=employers, next=start + len(batch), total=max(state.get("total", 0), len(employers)))
        finished = not state["page"] and state["next"] >= len(employers)
        if finished:
            Option._keep_employers(self, [e["id"] for e in employers])
            options = Option.search([("integration_id", "=", self.id)])
            if not self.administration_option_id and len(options) == 1:
                self.administration_option_id = options
        return len(batch), len(rows), finished
