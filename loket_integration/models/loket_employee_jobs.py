"""The employee kinds of loket.job: fetching employees, applying decisions, synchronising."""

from odoo import models

from ..loket.employee_bundles import LISTS
from .loket_employee_sync import BATCH_SIZE


class LoketJob(models.Model):
    _inherit = "loket.job"

    def _loket_cleanup(self):
        """A run that ends (done or failed) deletes what it held of Loket's lists (loket.fetch.item)."""
        result = super()._loket_cleanup()
        self.env["loket.fetch.item"].sudo()._loket_drop(self.ids)
        return result

    # -- fetch employees (payload: the state of integration._loket_fetch_batch, which reads
    #    Loket's lists a few pages per batch, then joins and stores them a chunk per batch) --

    def _loket_job_prepare_fetch_employees(self, employees=None):
        """The employees' only page, read by the request already: kept with the lists
        (loket.fetch.item, which only the addon reads), not asked of Loket again."""
        if employees is not None:
            self.integration_id._loket_stage_page(self, "employees", employees)
            self.sudo().payload = dict(self.payload or {}, employees_staged=True)

    # Counters of a fetch: Done / Total are employees (those joined / those Loket listed).

    def _loket_job_batch_fetch_employees(self):
        state = dict(self.payload or {})
        finished, joined, _new_rows = self._loket_fetch_step(state)
        self._loket_add(done_count=joined)
        self.sudo().payload = state
        self._loket_release_cache()
        return finished

    def _loket_fetch_step(self, state):
        """One batch of the fetch (integration._loket_fetch_batch) on ``state``, its Loket
        requests and employees counted on this run. Returns what the batch returns, and
        ``state["listed"]``: the employees Loket listed, once its lists are read."""
        integration = self.integration_id
        client, requests = integration._loket_counting_client()
        reading = state.get("list", 0) < len(LISTS)
        finished, joined, new_rows = integration._loket_call(
            lambda client: integration._loket_fetch_batch(self, state, client), client
        )
        if reading and state.get("list", 0) >= len(LISTS):  # the lists are read: the employees are counted
            state["listed"] = (
                self.env["loket.fetch.item"]
                .sudo()
                .search_count([("job_id", "=", self.id), ("list_name", "=", "employees")])
            )
            if self.kind == "fetch_employees":
                self.sudo().total_count = state["listed"]  # Loket's count now, not the request's guess
        self._loket_add(fetched_count=joined, new_count=len(new_rows), request_count=requests())
        return finished, joined, new_rows

    # -- apply decisions: the rows still to apply carry the run (loket.employee.apply_job_id,
    #    apply_sets_add when the run sets their decision to Add first), so that a batch reads
    #    its own rows only; the payload ({"row_ids", "add"}) is the request's, moved onto
    #    the rows when the run starts ----------------------------------------------------

    def _loket_job_prepare_apply_decisions(self):
        self.sudo().write({"total_count": self._loket_take_rows(self.payload or {}), "payload": {}})

    def _loket_job_join_apply_decisions(self, payload):
        """A second Apply (or Add) while one runs: its rows are added to the run."""
        self.sudo().total_count += self._loket_take_rows(payload or {})

    def _loket_take_rows(self, payload):
        """Mark the rows of ``payload`` as this run's; returns how many were not already.
        (Rows of a run that failed keep its mark until another run takes them.)"""
        Rows = self.env["loket.employee"]
        # A row bound to another company's employee is not the run's (it gets its error instead).
        rows = self.integration_id._loket_own_company_rows(Rows.browse(payload.get("row_ids") or []))
        mine = Rows.search([("id", "in", rows.ids), ("apply_job_id", "=", self.id)])
        new = rows - mine
        new.sudo().write({"apply_job_id": self.id, "apply_sets_add": bool(payload.get("add"))})
        if payload.get("add"):
            mine.sudo().write({"apply_sets_add": True})
        return len(new)

    def _loket_job_batch_apply_decisions(self):
        Rows = self.env["loket.employee"]
        rows = Rows.search([("apply_job_id", "=", self.id)], order="id", limit=BATCH_SIZE)
        to_add = rows.filtered("apply_sets_add")._not_applied()
        to_add.write({"decision": "add"})
        integration = self.integration_id
        if integration._loket_rows_lacking_data():
            integration._loket_refresh_rows(self)  # rows not imported before: their Loket data was erased
        added, mapped = integration._loket_apply_decisions(rows)
        rows._loket_erase_unneeded()
        rows.sudo().write({"apply_job_id": False, "apply_sets_add": False})
        self._loket_add(done_count=len(rows), added_count=added, updated_count=mapped)
        self._loket_release_cache()
        return not Rows.search_count([("apply_job_id", "=", self.id)], limit=1)

    # -- synchronise (payload: {"full": bool} then the sync's state). Counters: Done / Total
    #    are the employees Loket listed; those whose data did not change are done once the
    #    fetch is over, the bound ones that changed when they are updated (or failed). ------

    def _loket_job_batch_sync_employees(self):
        state = dict(self.payload or {})
        if "started" not in state:
            return self._loket_sync_step_start(state.get("full"))
        if "fetch" in state:
            return self._loket_sync_step_fetch(state)
        integration = self.integration_id
        handled = integration._loket_sync_batch(state)
        if handled:
            self.sudo().write(
                {
                    "payload": state,
                    "done_count": self.done_count + handled,
                    "updated_count": state["changed"],
                    "failed_count": len(state["failed_ids"]),
                }
            )
            self._loket_release_cache()
            return False
        integration._loket_sync_end(state)
        return True

    def _loket_sync_step_start(self, full):
        """The first step: read what changed in Loket (True: nothing did, the run is over)."""
        integration = self.integration_id
        client, requests = integration._loket_counting_client()
        started = integration._loket_call(lambda client: integration._loket_sync_start(self, full, client), client)
        self._loket_add(request_count=requests())
        if started is None:
            return True
        self.sudo().payload = started
        return False

    def _loket_sync_step_fetch(self, state):
        """A batch of the fetch; once it is over, the bound rows that changed are the run's total."""
        finished, joined, new_rows = self._loket_fetch_step(state["fetch"])
        state["employees"] += joined
        state["new_row_ids"] += new_rows.ids
        if finished:
            integration = self.integration_id
            integration._loket_sync_fetched(self)
            del state["fetch"]
            pending = self.env["loket.employee"].search_count(integration._loket_pending_domain())
            total = max(state["employees"], pending)  # (a row still pending from an earlier run counts too)
            self.sudo().write({"total_count": total, "done_count": total - pending})
        self.sudo().payload = state
        self._loket_release_cache()
        return False

    def _loket_job_summary_sync_employees(self):
        if self.state == "failed":
            return None
        return self.env._("Employee synchronisation: %(summary)s", summary=self.integration_id.last_sync_summary)
