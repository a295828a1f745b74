"""Two companies, one Loket employer: each company's integration reads and writes its own
company's employees, employments, departments and jobs only, whoever runs it (an administrator
with both companies selected, a Loket administrator of one company, the crons as superuser);
and no link the addon's models make crosses a company."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import common, new_test_user, tagged

from ..odoo_version import employee_field
from .common import LoketCase
from .test_employments import EmploymentsMixin

MANAGER = "base.group_user,loket_integration.group_loket_manager"
# What a sync may change on an employee, and what says to whom he belongs.
EMPLOYEE_FIELDS = [
    "name",
    "private_street",
    "private_zip",
    "private_city",
    "private_country_id",
    "birthday",
    employee_field("gender"),
    "private_email",
    "private_phone",
    "work_email",
    "km_home_work",
    "active",
    "company_id",
    "department_id",
    "loket_integration_id",
    "loket_employee_id",
    "loket_employee_number",
]
EMPLOYMENT_FIELDS = [
    "employee_id",
    "company_id",
    "job_id",
    "department_id",
    "date_start",
    "date_end",
    "payroll_number",
    "note",
    "active",
    "mirror_model",
    "mirror_res_id",
]
# Of Odoo's record mirroring an employment (the version part's), those of these fields it has.
MIRROR_FIELDS = ("employee_id", "company_id", "job_id", "department_id", "state", "date_start", "date_end")


class TwoCompaniesCase(LoketCase):
    """Company A's integration and company B's, on the same (fake) Loket employer."""

    n_employees = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.integration.company_id
        cls.company_b = cls.env["res.company"].create({"name": "Krakeling Zuid B.V."})
        cls.integration_b = cls.env["loket.integration"].create(
            {
                "name": "Krakeling Zuid",
                "company_id": cls.company_b.id,
                "environment": "custom",
                "api_url": cls.fake.environment.api_url,
                "oauth_url": cls.fake.environment.oauth_url,
            }
        )
        both = cls.company_a | cls.company_b
        cls.admin_ab = new_test_user(
            cls.env, "loket_admin_ab", groups=MANAGER, company_id=cls.company_a.id, company_ids=[Command.set(both.ids)]
        )
        cls.admin_b = new_test_user(
            cls.env,
            "loket_admin_b",
            groups=MANAGER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def setUp(self):
        super().setUp()
        # Per test: the fake rotates refresh tokens, the test's rollback would not.
        self._connect()
        self._connect(self.integration_b)
        self.fake.reset_logs()

    def _with_both_companies(self, record):
        """``record`` as the administrator who works with companies A and B selected."""
        companies = [self.company_a.id, self.company_b.id]
        return record.with_user(self.admin_ab).with_context(allowed_company_ids=companies)

    def _add_all_of_a(self):
        """Company A adds all Loket employees; its HR then keeps its own private cities."""
        self.integration.action_fetch_employees()
        self.integration.loket_employee_ids.action_add()
        employees = self.integration.loket_employee_ids.employee_id
        self.assertEqual(len(employees), self.n_employees)
        employees.private_city = "Eigen stad"
        return employees

    def _row_b(self, employee_a):
        """Company B's row of the Loket employee ``employee_a`` is bound to in company A."""
        return self.integration_b.loket_employee_ids.filtered(lambda row: row.loket_id == employee_a.loket_employee_id)

    def _snapshot(self, employees):
        """All a sync or a date run could change of ``employees``, their employments and Odoo's
        records of them (whatever the Odoo version's are)."""
        employees = employees.sudo().with_context(active_test=False)
        employments = (
            self.env["loket.employment"]
            .sudo()
            .with_context(active_test=False)
            .search([("employee_id", "in", employees.ids)], order="id")
        )
        mirrors = []
        for employment in employments.filtered("mirror_res_id"):
            mirror = self.env[employment.mirror_model].sudo().browse(employment.mirror_res_id)
            mirrors += mirror.read([name for name in MIRROR_FIELDS if name in mirror._fields])
        messages = (
            self.env["mail.message"]
            .sudo()
            .search_count([("model", "=", "hr.employee"), ("res_id", "in", employees.ids)])
        )
        return employees.read(EMPLOYEE_FIELDS), employments.read(EMPLOYMENT_FIELDS), mirrors, messages

    def _force_mapping(self, row, employee):
        """What no user can write, put into the database: ``row`` mapped to ``employee``."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loket_employee SET decision = 'map', employee_id = %s, pending_sync = true, status = 'mapped'"
            " WHERE id = %s",
            (employee.id, row.id),
        )
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestTwoCompaniesOneEmployer(TwoCompaniesCase):
    def test_company_b_fetched_with_both_companies_selected_maps_nothing_to_company_a(self):
        employees_a = self._add_all_of_a()
        before = self._snapshot(employees_a)
        integration_b = self._with_both_companies(self.integration_b)
        integration_b.action_fetch_employees()
        rows_b = self.integration_b.loket_employee_ids
        self.assertEqual(len(rows_b), self.n_employees)
        self.assertFalse(rows_b.employee_id, "company B's rows are bound to nobody before B decides")
        self.assertFalse(rows_b.suggested_employee_id & employees_a)
        self.assertEqual(set(rows_b.mapped("status")), {"to_decide"})
        integration_b.action_sync_employees()
        self.assertEqual(self._snapshot(employees_a), before)

    def test_each_company_adds_and_syncs_its_own_employees(self):
        employees_a = self._add_all_of_a()
        before_a = self._snapshot(employees_a)
        integration_b = self._with_both_companies(self.integration_b)
        integration_b.action_fetch_employees()
        integration_b.loket_employee_ids.action_add()
        employees_b = self.integration_b.loket_employee_ids.employee_id
        self.assertEqual(len(employees_b), self.n_employees)
        self.assertEqual(employees_b.company_id, self.company_b)
        self.assertEqual(employees_b.loket_integration_id, self.integration_b)
        employments_b = self.env["loket.employment"].search([("employee_id", "in", employees_b.ids)])
        self.assertEqual(employments_b.company_id, self.company_b)
        self.assertEqual(employments_b.integration_id, self.integration_b)
        self.assertEqual(employments_b.job_id.company_id, self.company_b)
        self.assertEqual(employments_b.department_id.company_id, self.company_b)
        self.assertEqual(self._snapshot(employees_a), before_a)
        # Loket changes an employee both companies employ: B's sync updates B's employee only.
        self.fake.change_employee(1, **{"address.city": "Amersfoort"})
        integration_b.action_sync_employees()
        self.assertEqual(self._snapshot(employees_a), before_a)
        bram = employees_b.filtered(lambda e: e.loket_employee_number == 1)
        self.assertEqual(bram.private_city, "Amersfoort")
        # And A's sync, run by the same administrator, updates A's employees only.
        before_b = self._snapshot(employees_b)
        self._with_both_companies(self.integration).action_sync_employees()
        self.assertEqual(self._snapshot(employees_b), before_b)
        anna = employees_a.filtered(lambda e: e.loket_employee_number == 1)
        self.assertEqual(anna.private_city, "Amersfoort")


@tagged("post_install", "-at_install")
class TestCompanyBAttacker(EmploymentsMixin, TwoCompaniesCase):
    """A Loket administrator of company B against company A's employees."""

    def test_a_row_of_company_b_cannot_be_mapped_to_an_employee_of_company_a(self):
        anna = self._add_all_of_a()[0]
        self.integration_b.with_user(self.admin_b).action_fetch_employees()
        # The row of another Loket employee: whatever the row says is not Anna's name.
        rows = self.integration_b.loket_employee_ids - self._row_b(anna)
        row = rows[0].with_user(self.admin_b)
        attempts = {
            "write": lambda: row.write({"decision": "map", "employee_id": anna.id, "pending_sync": True}),
            "suggestion": lambda: row.write({"suggested_employee_id": anna.id}),
            "create": lambda: row.create(
                {"integration_id": self.integration_b.id, "loket_id": "x-1", "decision": "map", "employee_id": anna.id}
            ),
        }
        for way, attempt in attempts.items():
            with self.subTest(way=way):
                with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
                    attempt()
                self.assertNotIn(anna.name, str(caught.exception))
        row.invalidate_recordset()
        self.assertFalse(row.employee_id | row.suggested_employee_id)
        self.assertNotIn(anna.name, str(row.read()))

    def test_a_row_forced_onto_an_employee_of_company_a_is_refused_by_the_nightly_sync_and_apply(self):
        employees_a = self._add_all_of_a()
        anna = employees_a[0]
        self.integration_b.with_user(self.admin_b).action_fetch_employees()
        row = self._row_b(anna)
        self._force_mapping(row, anna)
        before = self._snapshot(employees_a)
        self.env["loket.integration"]._cron_sync_employees()  # the nightly sync, as superuser
        self._run_loket_jobs()
        self.assertEqual(self._snapshot(employees_a), before)
        self.assertIn("another company", row.sync_error)
        self.assertNotIn(anna.name, row.sync_error)
        # Applying the row (by one who sees both companies) binds nobody of company A either.
        row.sync_error = False
        self._with_both_companies(row).action_apply()
        self.assertEqual(self._snapshot(employees_a), before)
        self.assertIn("another company", row.sync_error)

    def test_the_daily_date_run_leaves_an_employee_of_company_a_alone(self):
        # Anna's employment ended; company A keeps its leavers, company B would archive them.
        self._set_employments(1, (101, "2020-01-01", "2021-12-31"))
        self.integration.archive_leavers = False
        employees_a = self._add_all_of_a()
        anna = employees_a.filtered(lambda e: e.loket_employee_number == 1)
        self.assertTrue(anna.active)
        self.integration_b.with_user(self.admin_b).action_fetch_employees()
        self._force_mapping(self._row_b(anna), anna)
        before = self._snapshot(employees_a)
        self.env["loket.integration"]._cron_follow_employment_dates()
        self.assertEqual(self._snapshot(employees_a), before)
        self.assertIn("another company", self._row_b(anna).sync_error)


@tagged("post_install", "-at_install")
class TestCompanyLinks(common.TransactionCase):
    """Every link the addon's models make stays within one company."""

    # Links left unchecked, and why: the users who asked or ran something (a user works in
    # several companies, OdooBot runs the crons of all) and the partners mails go to.
    UNCHECKED_MODELS = ("res.users", "res.partner")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Bakkerij B B.V."})
        cls.integration_a = cls.env["loket.integration"].create({"name": "Integratie A"})
        cls.integration_b = cls.env["loket.integration"].create(
            {"name": "Integratie B", "company_id": cls.company_b.id}
        )
        cls.department_a = cls.env["hr.department"].create({"name": "Bakkerij A", "company_id": cls.env.company.id})
        cls.department_b = cls.env["hr.department"].create({"name": "Bakkerij B", "company_id": cls.company_b.id})
        Unit = cls.env["loket.distribution.unit"]
        cls.unit_a = Unit.create({"integration_id": cls.integration_a.id, "loket_id": "du-a", "code": "1", "name": "A"})
        cls.unit_b = Unit.create({"integration_id": cls.integration_b.id, "loket_id": "du-b", "code": "2", "name": "B"})
        cls.admin_b = new_test_user(
            cls.env,
            "links_admin_b",
            groups=MANAGER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def _refused(self, operation):
        with self.assertRaises(UserError), self.env.cr.savepoint():
            operation()
            self.env.flush_all()

    def test_a_cost_center_of_company_b_books_no_department_or_unit_of_company_a(self):
        CostCenter = self.env["loket.cost.center"].with_user(self.admin_b)
        own = {"integration_id": self.integration_b.id, "department_id": self.department_b.id}
        self._refused(
            lambda: CostCenter.create(
                dict(own, department_id=self.department_a.id, distribution_unit_id=self.unit_b.id)
            )
        )
        self._refused(lambda: CostCenter.create(dict(own, distribution_unit_id=self.unit_a.id)))
        cost_center = CostCenter.create(dict(own, distribution_unit_id=self.unit_b.id))
        self._refused(lambda: cost_center.write({"department_id": self.department_a.id}))
        self._refused(lambda: cost_center.write({"distribution_unit_id": self.unit_a.id}))

    def test_an_employee_of_company_a_is_bound_to_no_integration_of_company_b(self):
        employee = self.env["hr.employee"].create({"name": "Anna de Boer"})
        self._refused(lambda: employee.write({"loket_integration_id": self.integration_b.id}))
        employee.loket_integration_id = self.integration_a

    def test_loket_numbers_of_company_a_do_not_block_company_b(self):
        # Company A typed a Loket number on an employee of its own and bound two to its integration.
        Employee = self.env["hr.employee"]
        Employee.create({"name": "Anna de Boer", "loket_employee_number": 7})
        for number in (8, 9):
            Employee.create(
                {
                    "name": f"Werknemer A {number}",
                    "loket_integration_id": self.integration_a.id,
                    "loket_employee_number": number,
                }
            )
        # Company B adds the same Loket numbers, and types one of its own.
        company_b = {"company_id": self.company_b.id}
        for number in (7, 8):
            Employee.create(
                dict(
                    company_b,
                    name=f"Werknemer B {number}",
                    loket_integration_id=self.integration_b.id,
                    loket_employee_number=number,
                )
            )
        Employee.create(dict(company_b, name="Cees", loket_employee_number=9))
        # Within a company a number is still unique.
        self._refused(lambda: Employee.create({"name": "Dirk", "loket_employee_number": 8}))
        self._refused(lambda: Employee.create(dict(company_b, name="Els", loket_employee_number=7)))

    def test_every_link_to_a_record_of_a_company_is_checked(self):
        """Every many2one and many2many the addon defines, that points at records of a company
        (with a company, or of an integration), is ``check_company``, and its model checks it
        (``_check_company_auto``; a constraint on Odoo's models, which do not all check). The
        field a record takes its company from (its owner: integration, run) is left out."""
        problems = []
        for model_name in sorted(self.registry):
            Model = self.env[model_name]
            if Model._abstract:
                continue
            company = Model._fields.get("company_id")
            owner = company.related.split(".")[0] if company is not None and company.related else None
            if company is None:
                owner = "job_id" if model_name == "loket.fetch.item" else "integration_id"
            constrained = set()
            for method in Model._constraint_methods:
                names = method._constrains
                constrained.update(names(Model) if callable(names) else names)
            for name, field in Model._fields.items():
                if "loket_integration" not in (field._modules or ()) or field.type not in ("many2one", "many2many"):
                    continue
                Comodel = self.env[field.comodel_name]
                company_bound = "company_id" in Comodel._fields or "integration_id" in Comodel._fields
                if (
                    not company_bound
                    or name == owner
                    or field.related
                    or (field.compute and not field.store)
                    or field.comodel_name in self.UNCHECKED_MODELS
                ):
                    continue
                where = f"{model_name}.{name}"
                if not field.check_company:
                    problems.append(f"{where}: not check_company")
                if "company_id" not in Comodel._fields:
                    problems.append(f"{where}: {field.comodel_name} has no company_id to check")
                if not Model._check_company_auto and name not in constrained:
                    problems.append(f"{where}: {model_name} does not check it")
        self.assertFalse(problems, "\n" + "\n".join(problems))
