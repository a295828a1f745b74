from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..loket.testing import FakeLoket
from ..odoo_version import employee_field
from .common import LoketCase


@tagged("post_install", "-at_install")
class TestEmployeeBadInput(LoketCase):
    n_employees = 4

    def setUp(self):
        super().setUp()
        self._connect()

    def _rows(self):
        self.integration.action_fetch_employees()
        return {r.employee_number: r for r in self.integration.loket_employee_ids}

    def _add_all(self):
        rows = self._rows()
        self.integration.loket_employee_ids.action_add()
        return rows

    def test_an_employee_without_any_name_gets_a_sync_error_and_nothing_is_lost(self):
        personal = self.fake.employee(1)["personalDetails"]
        personal.update(firstName=None, initials=None, prefix=None, lastName="  ", lastNamePartner=None)
        rows = self._add_all()
        self.assertFalse(rows[1].employee_id)
        self.assertIn("no name", rows[1].sync_error)
        self.assertEqual(rows[1].status, "to_add")
        self.assertTrue(rows[1].data)  # kept for the next try
        self.assertTrue(all(rows[n].employee_id for n in (2, 3, 4)))  # the others are added
        self.assertFalse(rows[2].sync_error)
        # Loket gets the name: the next Add goes through and the error goes.
        self.fake.change_employee(1, **{"personalDetails.lastName": "Visser"})
        rows = self._rows()
        rows[1].action_apply()
        self.assertEqual(rows[1].employee_id.name, "Visser")
        self.assertFalse(rows[1].sync_error)

    def test_missing_or_null_addresses_countries_and_details_give_empty_fields(self):
        self.fake.employee(1)["address"] = None
        self.fake.employee(2)["address"]["country"] = None
        self.fake.employee(2)["address"]["street"] = None
        three = self.fake.employee(3)
        three.update(contactInformation=None, travel=None)
        three["personalDetails"].update(gender=None, howToFormatLastName=None, dateOfBirth=None, firstName=None)
        del self.fake.employee(4)["address"]["country"]
        rows = self._add_all()
        for number in (1, 2, 3, 4):
            self.assertTrue(rows[number].employee_id, rows[number].sync_error)
        one, two, three, four = (rows[n].employee_id for n in (1, 2, 3, 4))
        self.assertFalse(one.private_street or one.private_city or one.private_country_id)
        self.assertFalse(two.private_country_id)
        address = self.fake.employee(2)["address"]
        number = " ".join(str(p) for p in (address["houseNumber"], address["houseNumberAddition"]) if p)
        self.assertEqual(two.private_street, number)  # no street: the number is what is known
        self.assertEqual(two.private_city, self.fake.employee(2)["address"]["city"])
        self.assertFalse(three.birthday or three.private_email or three.work_email)
        self.assertEqual((three[employee_field("gender")], three.km_home_work), ("other", 0))
        self.assertTrue(three.name.startswith(self.fake.employee(3)["personalDetails"]["initials"]))
        self.assertFalse(four.private_country_id)

    def test_missing_or_malformed_dates(self):
        self.fake.employments_of(1)[0]["startDate"] = None
        self.fake.employee(2)["personalDetails"]["dateOfBirth"] = "31-12-1980"
        rows = self._add_all()
        self.assertFalse(rows[1].employee_id)
        self.assertIn("has no start date", rows[1].sync_error)
        self.assertFalse(rows[1].employment_start)
        self.assertFalse(rows[2].employee_id)
        self.assertIn("31-12-1980", rows[2].sync_error)
        # A bound employee whose employment gets a date that is not one: recorded, retried, others synced.
        employment = self.fake.employments_of(3)[0]
        employment["endDate"] = "2025-13-01"
        self.fake.version_numbers[employment["id"]] += 1
        self.fake.change_employee(4, **{"address.city": "Gouda"})
        self.integration._loket_sync_employees()
        self.assertIn("2025-13-01", rows[3].sync_error)
        self.assertTrue(rows[3].pending_sync)
        self.assertTrue(rows[3].data)
        self.assertEqual(rows[4].employee_id.private_city, "Gouda")
        self.assertIn("1 failed", self.integration.last_sync_summary)
        binding = self.env["loket.employment"].search([("loket_id", "=", employment["id"])])
        self.assertTrue(binding)
        self.assertFalse(binding.date_end)  # nothing half-written
        # An end before the start is refused the same way.
        employment["endDate"] = "2000-01-01"
        self.fake.version_numbers[employment["id"]] += 1
        self.integration._loket_sync_employees()
        self.assertIn("ends before it starts", rows[3].sync_error)

    def test_an_employment_without_payroll_number(self):
        employment = self.fake.employments_of(4)[0]
        employment["payrollId"] = None
        rows = self._add_all()
        row = rows[4]
        self.assertTrue(row.employee_id, row.sync_error)
        self.assertEqual(row.payroll_numbers, "-")
        binding = self.env["loket.employment"].search([("loket_id", "=", employment["id"])])
        self.assertEqual(binding.payroll_number, 0)
        self.assertIn("no payroll number", binding.display_name)
        # Loket gives it one later: the binding follows.
        employment["payrollId"] = 4711
        self.fake.version_numbers[employment["id"]] += 1
        self.integration._loket_sync_employees()
        self.assertEqual(binding.payroll_number, 4711)
        self.assertEqual(row.payroll_numbers, "4711")


@tagged("post_install", "-at_install")
class TestTwoIntegrationsSameNumbers(LoketCase):
    """Two employers in one company and database, each with an employee number 1."""

    n_employees = 3

    def setUp(self):
        super().setUp()
        self._connect()
        other = FakeLoket(n_employees=2, seed=7, api_url="https://api.other-loket.test/v2",
                          oauth_url="https://oauth.other-loket.test")  # fmt: skip
        other.client_id, other.client_secret = self.fake.client_id, self.fake.client_secret
        other.install(self.rsps)
        self.other_fake = other
        self.other = self.env["loket.integration"].create(
            {"name": "Andere werkgever", "environment": "custom", "api_url": other.environment.api_url,
             "oauth_url": other.environment.oauth_url}
        )  # fmt: skip
        self.other._loket_exchange_code(other.issue_code(self.other._loket_redirect_uri()))
        self.other.administration_option_id = self.env["loket.administration.option"].search(
            [("integration_id", "=", self.other.id)], limit=1
        )

    def test_nothing_is_mixed_up(self):
        for integration in (self.integration, self.other):
            integration.action_fetch_employees()
            integration.loket_employee_ids.action_add()
        Employee = self.env["hr.employee"]
        ones = Employee.search([("loket_employee_number", "=", 1)])
        self.assertEqual(len(ones), 2)
        self.assertEqual(ones.loket_integration_id, self.integration | self.other)
        mine = ones.filtered(lambda e: e.loket_integration_id == self.integration)
        theirs = ones - mine
        self.assertEqual(mine.loket_employee_id, self.fake.employee(1)["id"])
        self.assertEqual(theirs.loket_employee_id, self.other_fake.employee(1)["id"])
        self.assertEqual(mine.loket_mapping_id.integration_id, self.integration)
        self.assertEqual(theirs.loket_mapping_id.integration_id, self.other)
        self.assertEqual(len(self.integration.loket_employee_ids), 3)
        self.assertEqual(len(self.other.loket_employee_ids), 2)
        payroll = {e: self._employments(e).payroll_number for e in ones}
        self.assertEqual(payroll[theirs], self.other_fake.employments_of(1)[0]["payrollId"])
        # A change at the other employer reaches only its own employee number 1.
        city = mine.private_city
        self.other_fake.change_employee(1, **{"address.city": "Zierikzee"})
        self.other._loket_sync_employees()
        self.integration._loket_sync_employees()
        self.assertEqual(theirs.private_city, "Zierikzee")
        self.assertEqual(mine.private_city, city)
        # Within one integration a number stays unique.
        two = Employee.search([("loket_employee_number", "=", 2), ("loket_integration_id", "=", self.integration.id)])
        with self.assertRaises(ValidationError):
            two.loket_employee_number = 3
