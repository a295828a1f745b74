"""The employee kinds of loket.job: fetching employees, applying decisions, synchronising."""

from odoo import models

from .loket_employee_sync import BATCH_SIZE

STORE_CHUNK = 1000  # fetched employees stored per step, to keep the ORM's cache small


class LoketJob(models.Model):
    _inherit = "loket.job"

    # -- fetch employees (payload: {"employees": first page, when the request read it}) --

    def _loket_job_batch_fetch_employees(self):
        integration = self.integration_id
        client, requests = integration._loket_counting_client()
        employees = (self.payload or {}).get("employees")
        bundles = integration._loket_call(
            lambda client: integration._loket_fetch_employee_bundles(client, employees=employees), client
        )
        new_rows = self.env["loket.employee"]
        for start in range(0, len(bundles), STORE_CHUNK):
            new_rows |= integration._loket_store_employees(bundles[start : start + STORE_CHUNK])
            self._loket_release_cache()
        self.write({"payload": {}, "total_count": len(bundles)})
        self._loket_add(
            done_count=len(bundles), fetched_count=len(bundles), new_count=len(new_rows), request_count=requests()
        )
        return True

    # -- apply decisions (payload: {"row_ids": [loket.employee ids still to apply]}) -----

    def _loket_job_batch_apply_decisions(self):
        ids = (self.payload or {}).get("row_ids") or []
        batch, rest = ids[:BATCH_SIZE], ids[BATCH_SIZE:]
        rows = self.env["loket.employee"].browse(batch).exists()
        added, mapped = self.integration_id._loket_apply_decisions(rows)
        self.payload = {"row_ids": rest}
        self._loket_add(done_count=len(batch), added_count=added, updated_count=mapped)
        self._loket_release_cache()
        return not rest

    def _loket_job_join_apply_decisions(self, payload):
        """A second Apply while one runs: its rows are added to the run."""
        ids = (self.payload or {}).get("row_ids") or []
        known = set(ids)
        new = [i for i in (payload or {}).get("row_ids") or [] if i not in known]
        if new:
            self.write({"payload": {"row_ids": ids + new}, "total_count": self.total_count + len(new)})

    # -- synchronise (payload: {"full": bool} then the sync's state) -----------------------

    def _loket_job_batch_sync_employees(self):
        integration = self.integration_id
        state = dict(self.payload or {})
        if "started" not in state:  # the first step: read Loket, refresh the rows
            client, requests = integration._loket_counting_client()
            started = integration._loket_call(
                lambda client: integration._loket_sync_start(state.get("full"), client), client
            )
            self._loket_add(request_count=requests())
            if started is None:
                return True  # Loket changed nothing
            pending = self.env["loket.employee"].search_count(integration._loket_pending_domain())
            self.write({"payload": started, "total_count": pending})
            self._loket_add(fetched_count=started["employees"], new_count=len(started["new_row_ids"]))
            return False
        handled = integration._loket_sync_batch(state)
        if handled:
            self.write(
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

    def _loket_job_summary_sync_employees(self):
        if self.state == "failed":
            return None
        return self.env._("Employee synchronisation: %(summary)s", summary=self.integration_id.last_sync_summary)
