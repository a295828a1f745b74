from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..loket.employee_mapper import KEPT
from ..odoo_version import public_read_group
from .common import LoketCase

PRIVATE = ("birth_date", "data", "data_hash")


def _keys(value, prefix=""):
    """Dotted keys of nested dicts (lists looked into)."""
    if isinstance(value, list):
        return set().union(*(_keys(v, prefix) for v in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    keys = set()
    for key, sub in value.items():
        keys.add(prefix + key)
        keys |= _keys(sub, f"{prefix}{key}.")
    return keys


@tagged("post_install", "-at_install")
class TestEmployeePrivacy(LoketCase):
    n_employees = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        loket_user = "loket_integration.group_loket_user,base.group_user,base.group_allow_export"
        cls.loket_user = new_test_user(cls.env, "loket_only", groups=loket_user)
        cls.hr_officer = new_test_user(cls.env, "loket_hr", groups=loket_user + ",hr.group_hr_user")

    def setUp(self):
        super().setUp()
        self._connect()
        # Loket's employee carries more than Odoo needs: an identity document, for one.
        self.fake.employee(1)["identityDocument"] = {"documentIdentification": "NX1234567", "typeOfDocument": None}
        self.integration.action_fetch_employees()
        self.rows = {r.employee_number: r for r in self.integration.loket_employee_ids}

    def test_a_loket_user_reads_no_personal_data(self):
        Rows = self.env["loket.employee"].with_user(self.loket_user)
        rows = Rows.search([("integration_id", "=", self.integration.id)])
        self.assertEqual(len(rows), 4)  # the list itself stays readable
        self.assertTrue(all(rows.mapped("name")))
        for name in PRIVATE:
            with self.subTest(name), self.assertRaises(AccessError):
                rows.read([name])
            with self.subTest(name), self.assertRaises(AccessError):
                Rows.search_read([("id", "in", rows.ids)], [name])
            with self.subTest(name), self.assertRaises(AccessError):
                public_read_group(Rows, [("id", "in", rows.ids)], [name])
            with self.subTest(name), self.assertRaises(AccessError):
                rows.export_data([name])
            with self.subTest(name), self.assertRaises(AccessError):
                Rows.search([(name, "!=", False)])
        self.assertFalse(set(PRIVATE) & set(rows.read()[0]))  # all fields: the private ones left out
        self.assertFalse(set(PRIVATE) & set(Rows.fields_get()))

    def test_an_hr_officer_and_a_loket_administrator_read_it(self):
        loket = self.fake.employee(2)["personalDetails"]["dateOfBirth"]
        for user in (self.hr_officer, self.env.ref("base.user_admin")):
            row = self.rows[2].with_user(user)
            self.assertEqual(str(row.read(["birth_date"])[0]["birth_date"]), loket)
            self.assertTrue(row.data["employee"]["address"]["city"])
            self.assertEqual(row.export_data(["birth_date"])["datas"], [[row.birth_date]])

    def test_the_screens_render_for_a_loket_user_without_the_private_fields(self):
        for user, shown in ((self.loket_user, False), (self.hr_officer, True)):
            views = self.env["loket.employee"].with_user(user).get_views([(False, "list"), (False, "form")])
            for kind in ("list", "form"):
                arch = views["views"][kind]["arch"]
                self.assertIn('name="employee_number"', arch)
                self.assertEqual('name="birth_date"' in arch, shown, (user.login, kind))
                self.assertNotIn('name="data"', arch)

    def test_a_row_keeps_only_what_the_sync_uses(self):
        row = self.rows[1]
        allowed = _keys(KEPT["employee"], "employee.") | {"employee", "employments"}
        for key in ("employment", "entity", "hours"):
            allowed |= _keys(KEPT[key], f"employments.{key}.") | {f"employments.{key}"}
        self.assertLessEqual(_keys(row.data), allowed)
        self.assertNotIn("NX1234567", str(row.data))
        self.assertIn("employee.address.city", _keys(row.data))  # what Add needs

    def test_loket_data_is_erased_once_the_row_no_longer_needs_it(self):
        rows = self.rows
        rows[1].action_add()
        rows[2].action_skip()
        existing = self.env["hr.employee"].create({"name": "Bestaand"})
        rows[3].write({"decision": "map", "employee_id": existing.id})
        rows[3].action_apply()
        self.assertTrue(rows[4].data and rows[4].birth_date)  # to decide: kept for the decision and Add
        for number in (1, 2):
            self.assertFalse(rows[number].data or rows[number].birth_date, number)
            self.assertTrue(rows[number].data_hash and rows[number].loket_id and rows[number].name)
        self.assertTrue(rows[3].data)  # mapped: kept until the sync brought it into the employee
        self.integration._loket_sync_employees()
        self.assertEqual(existing.private_city, self.fake.employee(3)["address"]["city"])
        self.assertFalse(rows[3].data or rows[3].birth_date)
        # Loket changes an added employee: the data is stored for the sync, then erased again.
        self.fake.change_employee(1, **{"address.city": "Gouda"})
        self.integration.action_fetch_employees()
        self.assertEqual(rows[1].data["employee"]["address"]["city"], "Gouda")
        self.integration._loket_sync_employees()
        self.assertEqual(rows[1].employee_id.private_city, "Gouda")
        self.assertFalse(rows[1].data)
        # Unchanged data is not stored again.
        self.integration._loket_sync_employees(full=True)
        self.assertFalse(rows[1].data or rows[2].data or rows[3].data)

    def test_adding_a_row_not_imported_before_fetches_its_data_again(self):
        row = self.rows[2]
        row.action_skip()
        self.assertFalse(row.data)
        row.action_add()
        self.assertEqual(row.status, "added")
        self.assertEqual(row.employee_id.private_city, self.fake.employee(2)["address"]["city"])
        self.assertFalse(row.data)

    def test_mapping_a_row_not_imported_before_syncs_with_its_data(self):
        row = self.rows[4]
        row.action_skip()
        existing = self.env["hr.employee"].create({"name": "Bestaand"})
        row.write({"decision": "map", "employee_id": existing.id})
        row.action_apply()
        self.integration._loket_sync_employees()
        self.assertFalse(row.sync_error)
        self.assertEqual(existing.private_city, self.fake.employee(4)["address"]["city"])
        self.assertFalse(row.data)
