"""Fetching a large employer's employees in batches: Loket's four employer-wide lists are
read a few pages per batch and kept as loket.fetch.item, then joined chunk by chunk into
the Loket employees rows. Memory and time per batch stay those of a few pages, whatever
the number of employees, and a run interrupted between batches goes on from its payload."""

from odoo import models
from odoo.tools import SQL

from ..loket.employee_bundles import LISTS, join_bundles, staged

PAGES_PER_BATCH = 8  # Loket pages (250 entities each) read by one batch
JOIN_CHUNK = 250  # employees joined and stored by one batch (a Loket page's worth)


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    def _loket_fetch_batch(self, job, state, client):
        """One batch of fetching the employees for run ``job``. ``state`` (kept in the run's
        payload, updated here): ``{"list": index in LISTS, "page": next page}`` while Loket's
        lists are read (``"employees_staged"``: the request kept the employees' only page
        already), then ``{"after": last employee item}`` while the employees are joined and
        stored; the last chunk also flags the rows Loket no longer lists. Returns ``(finished,
        employees joined, new rows)``."""
        self.ensure_one()
        if state.setdefault("list", 0) < len(LISTS):
            self._loket_fetch_pages(job, state, client)
            return False, 0, self.env["loket.employee"]
        joined, new_rows = self._loket_join_chunk(job, state)
        if joined == JOIN_CHUNK:
            return False, joined, new_rows
        self._loket_flag_missing_staged(job)
        self.env["loket.fetch.item"].sudo()._loket_drop(job.ids, LISTS)
        return True, joined, new_rows

    def _loket_fetch_pages(self, job, state, client):
        """Read up to PAGES_PER_BATCH pages of Loket's lists, from where ``state`` says, into
        loket.fetch.item."""
        budget = PAGES_PER_BATCH
        while budget and state["list"] < len(LISTS):
            name = LISTS[state["list"]]
            if name == "employees" and state.pop("employees_staged", False):  # no request for it
                state.update(list=state["list"] + 1, page=1)
                continue
            pages = client.employer_list_pages(name, self.loket_employer_id, start=state.setdefault("page", 1))
            for number, entities, total in pages:
                self._loket_stage_page(job, name, entities)
                budget -= 1
                if number >= total:
                    state.update(list=state["list"] + 1, page=1)
                    break
                state["page"] = number + 1
                if not budget:
                    break

    def _loket_stage_page(self, job, name, entities):
        """Keep what the join needs of one page of Loket's list ``name`` for run ``job``."""
        Items = self.env["loket.fetch.item"].sudo()
        values = []
        for entity in entities:
            key, owner, data = staged(name, entity)
            values.append({"job_id": job.id, "list_name": name, "key": key, "owner_key": owner, "data": data})
        Items.create(values)
        Items.invalidate_model()  # the page is in the database: its entities need not stay in memory

    def _loket_join_chunk(self, job, state):
        """Join the next JOIN_CHUNK employees (in Loket's order) with their employments, entities and
        working hours, and store them as rows. Returns ``(employees joined, new rows)``."""
        Items = self.env["loket.fetch.item"].sudo()
        mine = [("job_id", "=", job.id)]
        employees = Items.search_fetch(
            [*mine, ("list_name", "=", "employees"), ("id", ">", state.get("after") or 0)],
            ["key", "data"],
            order="id",  # Loket's order
            limit=JOIN_CHUNK,
        )
        if not employees:
            return 0, self.env["loket.employee"]
        keys = employees.mapped("key")
        employments = Items.search_fetch(
            [*mine, ("list_name", "=", "employments"), ("owner_key", "in", keys)], ["key", "data"]
        )
        parts = Items.search_fetch(
            [
                *mine,
                ("list_name", "in", ("organizational_entities", "working_hours")),
                ("key", "in", employments.mapped("key")),
            ],
            ["list_name", "key", "data"],
        )
        by_list = {"organizational_entities": {}, "working_hours": {}}
        for item in parts:
            by_list[item.list_name][item.key] = item.data
        bundles = join_bundles(
            employees.mapped("data"),
            employments.mapped("data"),
            by_list["organizational_entities"],
            by_list["working_hours"],
            self.loket_administration_id,
        )
        kept = {bundle["employee"]["id"] for bundle in bundles}
        # What was joined is no longer needed; an employee left out (employed elsewhere only)
        # goes too, so that the employees kept are those Loket lists for this administration.
        Items._loket_drop_ids((employments + parts + employees.filtered(lambda item: item.key not in kept)).ids)
        state["after"] = employees[-1].id
        return len(employees), self._loket_store_employees(bundles)

    def _loket_flag_missing_staged(self, job):
        """Flag the rows of employees Loket no longer lists, and unflag those it lists again
        (rows are never deleted), against the employees the run kept: one query finds the
        rows whose flag is wrong, whatever the number of rows."""
        Rows = self.env["loket.employee"]
        Rows.flush_model(["integration_id", "loket_id", "missing_in_loket"])
        self.env["loket.fetch.item"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT row.id, COALESCE(row.missing_in_loket, false)
                  FROM loket_employee row
                 WHERE row.integration_id = %s
                   AND COALESCE(row.missing_in_loket, false) = EXISTS(
                           SELECT 1 FROM loket_fetch_item item
                            WHERE item.job_id = %s AND item.list_name = 'employees' AND item.key = row.loket_id)
                """,
                self.id,
                job.id,
            )
        )
        wrong = self.env.cr.fetchall()
        Rows.browse([row_id for row_id, missing in wrong if not missing]).sudo().write({"missing_in_loket": True})
        Rows.browse([row_id for row_id, missing in wrong if missing]).sudo().write({"missing_in_loket": False})
