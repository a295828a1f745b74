"""Control characters in Loket's data (a NUL in one employee's first name): PostgreSQL refuses
them, so the fetch, 'Synchronise now' and the nightly sync stopped for everyone and Odoo logged
the failing query, every employee's raw record in it. Also: no page of Loket's is kept in a
run's payload (Loket users read runs)."""

import contextlib
import logging
from unittest.mock import patch

from odoo.tests import tagged

from ..loket import resources as R
from .common import LoketCase


class CapturedLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@tagged("post_install", "-at_install")
class TestControlCharactersInLoketData(LoketCase):
    n_employees = 4

    def setUp(self):
        super().setUp()
        self._connect()
        self.numbers = sorted(e["employeeNumber"] for e in self.fake.data["employees"])

    @contextlib.contextmanager
    def _log_without_personal_data(self):
        """Everything Odoo logs meanwhile: no ERROR, and none of the employees' personal data."""
        handler = CapturedLog()
        logger = logging.getLogger("odoo")
        logger.addHandler(handler)
        try:
            yield handler
        finally:
            logger.removeHandler(handler)
        errors = [r.getMessage()[:200] for r in handler.records if r.levelno >= logging.ERROR]
        self.assertEqual(errors, [])
        text = "\n".join(r.getMessage() for r in handler.records)
        for employee in self.fake.data["employees"]:
            personal = employee["personalDetails"]
            for value in (personal["lastName"], personal["dateOfBirth"], employee["address"]["street"]):
                self.assertNotIn(str(value), text)

    @contextlib.contextmanager
    def _job_writes(self):
        """The payloads written on loket.job (which a Loket User reads)."""
        Job = type(self.env["loket.job"])
        written = []
        create, write = Job.create, Job.write

        def spy_create(records, vals_list):
            for vals in vals_list if isinstance(vals_list, list) else [vals_list]:
                written.append(vals.get("payload"))
            return create(records, vals_list)

        def spy_write(records, vals):
            written.append(vals.get("payload"))
            return write(records, vals)

        with patch.object(Job, "create", spy_create), patch.object(Job, "write", spy_write):
            yield written

    def _rows(self):
        return {r.employee_number: r for r in self.integration.loket_employee_ids}

    def test_a_nul_in_one_name_stops_no_fetch_and_no_sync(self):
        first, second, third, fourth = self.numbers
        self.fake.employee(first)["personalDetails"]["firstName"] = "Ja\x00n"
        self.fake.employee(second)["address"]["city"] = "Gou\x1bda\x00"
        with self._log_without_personal_data(), self._job_writes() as payloads:
            self.integration.action_fetch_employees()
        rows = self._rows()
        self.assertEqual(sorted(rows), self.numbers)  # every employee fetched
        self.assertTrue(rows[first].name.startswith("Jan "))
        self.assertEqual(rows[second].data["employee"]["address"]["city"], "Gouda")
        for payload in filter(None, payloads):  # no page of Loket's in a run's payload
            self.assertNotIn("employees", payload)
            self.assertNotIn(self.fake.employee(third)["personalDetails"]["lastName"], str(payload))
        self.integration.loket_employee_ids.action_add()
        employees = {n: r.employee_id for n, r in self._rows().items()}
        self.assertTrue(all(employees.values()))
        self.assertTrue(employees[first].name.startswith("Jan "))
        self.assertEqual(employees[second].private_city, "Gouda")
        # The nightly sync (inline) and 'Synchronise now' with control characters in what changed.
        self.fake.change_employee(third, **{"personalDetails.firstName": "Pi\x00et\x07"})
        self.fake.change_employee(fourth, **{"address.city": "Utrecht"})
        with self._log_without_personal_data():
            self.integration._loket_sync_employees()
        self.assertTrue(employees[third].name.startswith("Piet "))
        self.assertEqual(employees[fourth].private_city, "Utrecht")
        self.assertIn("0 failed", self.integration.last_sync_summary)
        self.fake.change_employee(fourth, **{"address.city": "Zwo\x00lle"})
        with self._log_without_personal_data():
            self.integration.action_sync_employees()
        self.assertEqual(employees[fourth].private_city, "Zwolle")

    def test_the_background_sync_goes_on_past_a_nul(self):
        self.integration.action_fetch_employees()
        self.integration.loket_employee_ids.action_add()
        first, second = self.numbers[:2]
        self.fake.change_employee(first, **{"personalDetails.lastName": "Vis\x00ser"})
        self.fake.change_employee(second, **{"address.city": "Delft"})
        with self._log_without_personal_data():
            self.env["loket.integration"]._cron_sync_employees()
            self._run_loket_jobs()
        job = self.env["loket.job"].search([("kind", "=", "sync_employees")], limit=1)
        self.assertEqual(job.state, "done", job.error)
        employees = {n: r.employee_id for n, r in self._rows().items()}
        self.assertIn("Visser", employees[first].name)
        self.assertEqual(employees[second].private_city, "Delft")

    def test_a_run_loket_fails_keeps_lokets_words_out_of_the_log(self):
        """Loket's messages may name an employee: the failed run holds them, the log does not."""
        name = self.fake.employee(self.numbers[0])["personalDetails"]["lastName"]
        description = f"Dienstverband van {name} is geblokkeerd"
        self.fake.fail(
            R.EMPLOYMENTS.path,
            status=400,
            body={"messages": [{"code": 7, "type": "BrokenBusinessRule", "description": description}]},
        )
        job = self.integration._loket_start_job("fetch_employees", inline=False)
        with self._log_without_personal_data():
            self._run_loket_jobs()
        self.assertEqual(job.state, "failed")
        self.assertIn(description, job.error)
