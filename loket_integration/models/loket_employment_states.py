"""Employments follow Loket's dates: leavers, the passing of time, employees gone from Loket's
list, and Loket data too incomplete to use. Odoo's own records of the employments (contracts)
follow the bindings in the version part (``loket.employment.mirror``)."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..loket import employee_mapper
from ..loket.contract_plan import departure_date


class LoketIntegration(models.Model):
    # One concept per file: this part of loket.integration lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    archive_leavers = fields.Boolean(
        "Archive leavers",
        default=True,
        help="When an employee's last Loket employment has ended, the Odoo employee is archived the day "
        "after, with its departure date and the reason 'Loket: employment ended'.",
    )

    # -- leavers ------------------------------------------------------------------------------

    def _loket_follow_leaver(self, employee, employments):
        """Archive an employee whose last Loket employment (``employments``: his active
        bindings) has ended, when the integration says so, and bring back one archived that
        way when Loket employs him again."""
        spans = employments._loket_spans()
        left_on = departure_date(spans, fields.Date.context_today(self))
        reason = self.env.ref("loket_integration.departure_reason_loket_ended", raise_if_not_found=False)
        if left_on and employee.active and self.archive_leavers:
            employee._loket_archive_leaver(left_on, reason)
        elif not left_on and spans and not employee.active and reason and employee.departure_reason_id == reason:
            employee._loket_unarchive_returner()

    # -- what the passing of time changes -------------------------------------------------------

    def _loket_follow_dates(self):
        """What a new day changes while Loket's data stays the same: Odoo's records follow the
        bindings again (the version part: an employment overlapping another one takes over
        when that one ends), leavers are archived. Rows of employees no longer in Loket's
        list are left alone."""
        for integration in self:
            rows = self.env["loket.employee"].search(
                [
                    ("integration_id", "=", integration.id),
                    ("status", "in", ("added", "mapped")),
                    ("missing_in_loket", "=", False),
                ]
            )
            rows = integration._loket_own_company_rows(rows)  # the cron runs as superuser
            employees = rows.employee_id.with_context(active_test=False)
            employments = integration._loket_employments_of(employees)
            self.env["loket.employment.mirror"]._loket_mirror(employments)
            by_employee = defaultdict(list)
            for employment in employments:
                by_employee[employment.employee_id.id].append(employment.id)
            for employee in employees:
                integration._loket_follow_leaver(employee, employments.browse(by_employee[employee.id]))
            rows._loket_erase_unneeded([("integration_id", "=", integration.id)])

    @api.model
    def _cron_follow_employment_dates(self):
        self.search([])._loket_follow_dates()

    # -- Loket's list -------------------------------------------------------------------------

    def _loket_rows_lacking_data(self):
        """Loket ids of the rows whose erased Loket data is needed again (a row not imported
        that is now to be added or mapped): the next fetch stores it whatever its fingerprint."""
        self.ensure_one()
        from .loket_employee import NEEDS_DATA_DOMAIN

        rows = (
            self.env["loket.employee"]
            .sudo()
            .search([("integration_id", "=", self.id), ("data", "=", False), *NEEDS_DATA_DOMAIN])
        )
        return rows.mapped("loket_id")

    def _loket_refresh_rows(self, job):
        """Fetch Loket's list again, all of it within this batch of ``job``: rows whose Loket
        data was erased and is needed again get it back (the fetch of loket_employee_fetch.py,
        its lists held by ``job``)."""
        self.ensure_one()
        state = {}

        def fetch(client):
            while not self._loket_fetch_batch(job, state, client)[0]:
                pass

        self._loket_call(fetch)

    # -- Loket data too incomplete to use --------------------------------------------------------

    def _loket_data_problems(self, row):
        """Why this row's Loket data cannot be brought into Odoo, as one sentence per problem; "" if none."""
        if not row.data:
            return self.env._("Loket's data for this employee is not at hand: fetch the employees again.")
        messages = {
            employee_mapper.NO_NAME: self.env._("Loket gives no name for this employee."),
            employee_mapper.BAD_BIRTH_DATE: self.env._("Loket's birth date %(value)s is not a date."),
            employee_mapper.NO_START_DATE: self.env._(
                "The employment with payroll number %(payroll_number)s has no start date in Loket."
            ),
            employee_mapper.BAD_DATE: self.env._(
                "The employment with payroll number %(payroll_number)s has dates that are not dates: %(value)s."
            ),
            employee_mapper.END_BEFORE_START: self.env._(
                "The employment with payroll number %(payroll_number)s ends before it starts: %(value)s."
            ),
        }
        return " ".join(messages[code] % details for code, details in employee_mapper.bundle_problems(row.data))

    def _loket_check_data(self, row):
        problems = self._loket_data_problems(row)
        if problems:
            raise UserError(problems)

    def _loket_rows_ready(self, rows):
        """The rows whose Loket data can be applied; the others get their problems as sync error."""
        ready = self.env["loket.employee"]
        for row in rows:
            problems = self._loket_data_problems(row)
            if problems:
                row.sudo().sync_error = problems
            else:
                ready |= row
        ready.filtered("sync_error").sync_error = False
        return ready
