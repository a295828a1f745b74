from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import requests
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..loket.transport import Transport
from ..models import loket_oauth_state
from ..models.loket_oauth_state import _digest
from ..odoo_version import USER_GROUPS
from .common import LoketCase, LoketHttpCase

CALLBACK_LOGGER = "odoo.addons.loket_integration.controllers.oauth_callback"


@tagged("post_install", "-at_install")
class TestOAuthCallback(LoketHttpCase):
    def _start_login(self, login="admin"):
        user = self.env["res.users"].search([("login", "=", login)])
        action = self.integration.with_user(user).action_connect()
        query = parse_qs(urlsplit(action["url"]).query)
        self.assertTrue(action["url"].startswith(self.fake.environment.authorize_url))
        self.assertEqual(query["redirect_uri"], [self.integration._loket_redirect_uri()])
        return query["state"][0]

    def _callback(self, **params):
        code = self.fake.issue_code(self.integration._loket_redirect_uri())
        query = "&".join(f"{k}={v}" for k, v in dict({"code": code}, **params).items())
        return self.url_open(f"/loket/oauth/callback?{query}", allow_redirects=False)

    def _assert_refused(self, response, message):
        """The callback answered 400 with ``message`` and stored nothing: no code was
        exchanged, no token kept, the integration is not connected."""
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, response.text)
        self.assertEqual(self.fake.token_requests, [])
        self.assertFalse(self.env["loket.token"].sudo().search([("integration_id", "=", self.integration.id)]))
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.state, "draft")

    def _state_record(self, state):
        return self.env["loket.oauth.state"].sudo().search([("state_hash", "=", _digest(state))])

    def test_callback_with_valid_state_connects_and_stores_only_the_refresh_token(self):
        self.authenticate("admin", "admin")
        state = self._start_login()
        response = self._callback(state=state)
        self.assertIn(response.status_code, (302, 303))
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.state, "connected")
        token = self.env["loket.token"].sudo().search([("integration_id", "=", self.integration.id)])
        self.assertIn(token.refresh_token, self.fake.refresh_tokens)
        # Nothing but Loket's tokens is kept: no password field anywhere.
        for model in ("loket.integration", "loket.token", "res.config.settings"):
            ours = [
                f
                for f in self.env[model]._fields
                if "password" in f and (model != "res.config.settings" or "loket" in f)
            ]
            self.assertFalse(ours, model)
        self.assertEqual(self.fake.token_requests, ["authorization_code"])
        options = self.env["loket.administration.option"].search([("integration_id", "=", self.integration.id)])
        self.assertEqual(options.mapped("loket_administration_id"), [self.fake.administration_id])

    def test_callback_refuses_wrong_missing_and_reused_state(self):
        self.authenticate("admin", "admin")
        state = self._start_login()
        with self.assertLogs(CALLBACK_LOGGER, "WARNING") as refusals:
            forged = self._callback(state="forged")
            self.assertEqual(forged.status_code, 400)
            missing = self._callback()
            self.assertEqual(missing.status_code, 400)
            self.assertIn(self._callback(state=state).status_code, (302, 303))
            replayed = self._callback(state=state)
            self.assertEqual(replayed.status_code, 400)  # single use
        self.assertEqual(len(refusals.records), 3)
        self.assertEqual(self.fake.token_requests, ["authorization_code"])  # the replayed code was not exchanged
        # Each refusal says why, in the page and in the log.
        for response in (forged, missing):
            self.assertIn("This Loket login link is not valid.", response.text)
        self.assertIn("has been used already", replayed.text)
        self.assertIn("has been used already", refusals.output[2])

    def test_a_loket_administrator_without_system_rights_can_connect(self):
        new_test_user(self.env, "loket_admin", groups="loket_integration.group_loket_manager,base.group_user")
        self.authenticate("loket_admin", "loket_admin")
        state = self._start_login("loket_admin")
        self.assertIn(self._callback(state=state).status_code, (302, 303))
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.state, "connected")
        self.assertTrue(self.integration.has_refresh_token)

    def test_a_refused_code_is_reported_on_the_integration(self):
        self.authenticate("admin", "admin")
        state = self._start_login()
        response = self.url_open(f"/loket/oauth/callback?code=forged-code&state={state}", allow_redirects=False)
        self.assertEqual(response.status_code, 502)
        self.assertIn("Unknown or used code", response.text)
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.state, "error")
        self.assertIn("Unknown or used code", self.integration.last_error)
        self.assertFalse(self.integration.activity_ids)  # nothing was disconnected

    def test_callback_refuses_a_state_issued_to_another_user(self):
        new_test_user(self.env, "loket_other", groups="loket_integration.group_loket_manager,base.group_user")
        state = self._start_login("admin")
        self.authenticate("loket_other", "loket_other")
        with self.assertLogs(CALLBACK_LOGGER, "WARNING"):
            response = self._callback(state=state)
            self.assertEqual(response.status_code, 400)
        self.assertEqual(self.fake.token_requests, [])
        self._assert_refused(response, "started by another user")
        self.assertFalse(self._state_record(state).used)  # the user who started it can still finish it
        self.authenticate("admin", "admin")
        self.assertIn(self._callback(state=state).status_code, (302, 303))

    def test_callback_refuses_an_expired_state(self):
        self.authenticate("admin", "admin")
        state = self._start_login()
        self._state_record(state).expires_at = "2000-01-01 00:00:00"
        with self.assertLogs(CALLBACK_LOGGER, "WARNING") as refusals:
            response = self._callback(state=state)
        self._assert_refused(response, "has expired")
        self.assertIn("has expired", refusals.output[0])
        self.assertFalse(self._state_record(state).used)

    def test_callback_refuses_a_state_of_another_database(self):
        """A login started in another database (e.g. the production database this one was
        copied from while the login was under way: same rows, other name) is not finished here."""
        self.authenticate("admin", "admin")
        tag = loket_oauth_state._database_tag
        with patch.object(loket_oauth_state, "_database_tag", lambda dbname: tag(f"{dbname}_production")):
            state = self._start_login()
        self.assertTrue(self._state_record(state))
        with self.assertLogs(CALLBACK_LOGGER, "WARNING"):
            response = self._callback(state=state)
        self._assert_refused(response, "started in another Odoo database")
        self.assertFalse(self._state_record(state).used)

    def test_only_who_may_change_the_integration_can_connect_it(self):
        new_test_user(self.env, "loket_reader", groups="loket_integration.group_loket_user,base.group_user")
        with self.assertRaises(AccessError):  # a Loket user reads the integration, does not replace its login
            self._start_login("loket_reader")
        manager = new_test_user(
            self.env, "loket_demoted", groups="loket_integration.group_loket_manager,base.group_user"
        )
        state = self._start_login("loket_demoted")
        manager[USER_GROUPS] = [Command.unlink(self.env.ref("loket_integration.group_loket_manager").id)]
        self.authenticate("loket_demoted", "loket_demoted")
        with self.assertLogs(CALLBACK_LOGGER, "WARNING"):
            self._assert_refused(self._callback(state=state), "You may no longer connect Krakeling")
        self.assertFalse(self._state_record(state).used)


@tagged("post_install", "-at_install")
class TestIntegration(LoketCase):
    def test_administration_dropdown_comes_from_loket_and_prefills_client_number(self):
        self._connect()
        option = self.integration.administration_option_id
        self.assertEqual(option.loket_administration_id, self.fake.administration_id)
        self.assertEqual(self.integration.client_number, "5555")
        self.assertEqual(self.integration.loket_employer_id, self.fake.employer_id)
        self.assertEqual(self.integration.payroll_period_type, "month")

    def test_one_integration_per_company_and_administration(self):
        self._connect()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.integration.copy({"loket_administration_id": self.integration.loket_administration_id})

    def test_component_numbers_are_validated_against_loket(self):
        self._connect()  # choosing the administration fetched its components: forget them
        self.integration.payroll_component_ids.sudo().unlink()
        attendance = self.env.ref("hr_work_entry.work_entry_type_attendance")
        with self.assertRaises(ValidationError):  # components not fetched yet
            self.integration.hour_code_ids = [(0, 0, {"work_entry_type_id": attendance.id, "component_number": "1"})]
        self.integration.action_refresh_payroll_components()
        for bad in ("999", "abc", "1234", "1.5"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.integration.hour_code_ids = [
                    (0, 0, {"work_entry_type_id": attendance.id, "component_number": bad})
                ]
        self.integration.hour_code_ids = [(0, 0, {"work_entry_type_id": attendance.id, "component_number": "86"})]
        self.assertIn("not in an hours category", self.integration.hour_code_ids.component_warning)
        self.integration.hour_code_ids.component_number = "1"
        self.assertFalse(self.integration.hour_code_ids.component_warning)
        self.assertEqual(self.integration.hour_code_ids.component_id.name, "Uren gewerkt")
        self.integration.hour_code_ids.component_number = ""  # blank = not exported
        self.assertFalse(self.integration.hour_code_ids.component_id)

    def test_loket_user_cannot_read_tokens_nor_change_mappings(self):
        self._connect()
        user = new_test_user(self.env, "loket_user", groups="loket_integration.group_loket_user,base.group_user")
        integration = self.integration.with_user(user)
        self.assertEqual(integration.state, "connected")
        with self.assertRaises(AccessError):
            self.env["loket.token"].with_user(user).search([]).mapped("refresh_token")
        with self.assertRaises(AccessError):
            integration.write({"client_number": "1"})
        with self.assertRaises(AccessError):
            self.env["loket.cost.center"].with_user(user).create(
                {"integration_id": integration.id, "department_id": self.env["hr.department"].create({"name": "X"}).id}
            )
        manager = new_test_user(self.env, "loket_mgr", groups="loket_integration.group_loket_manager,base.group_user")
        with self.assertRaises(AccessError):  # not even a Loket administrator: system admins only
            self.env["loket.token"].with_user(manager).search([]).mapped("refresh_token")

    def test_other_company_cannot_see_the_integration(self):
        other = self.env["res.company"].create({"name": "Andere B.V."})
        user = new_test_user(
            self.env,
            "loket_other_company",
            groups="loket_integration.group_loket_manager,base.group_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(self.env["loket.integration"].with_user(user).search([]))
        with self.assertRaises(AccessError):
            self.integration.with_user(user).read(["name"])

    def test_rejected_refresh_token_disconnects_and_warns_the_administrators(self):
        self._connect()
        self.fake.revoke_refresh_tokens()
        self.fake.expire_access_tokens()
        exc = self.assertRaisesKeepingCommits(UserError, self.integration.action_test_connection)
        self.assertIn("connect it again", str(exc))
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.state, "disconnected")
        self.assertFalse(self.integration.has_refresh_token)
        self.assertTrue(self.integration.activity_ids.filtered(lambda a: "Connect Loket again" in a.summary))

    def test_connecting_again_closes_the_connect_again_activities(self):
        """Each Loket administrator's "Connect Loket again" is marked done once the login works again."""
        new_test_user(self.env, "loket_nl_admin", groups="loket_integration.group_loket_manager,base.group_user")
        self._connect()
        self.fake.revoke_refresh_tokens()
        self.fake.expire_access_tokens()
        self.assertRaisesKeepingCommits(UserError, self.integration.action_test_connection)
        self.integration.invalidate_recordset()
        reconnect = self.integration.activity_ids.filtered(lambda a: "Connect Loket again" in a.summary)
        self.assertGreaterEqual(len(reconnect), 2)
        other = self.integration.activity_schedule("mail.mail_activity_data_todo", summary="Kostenplaatsen nalopen")
        self._connect()
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.state, "connected")
        self.assertEqual(self.integration.activity_ids, other, "only the reconnect activities are closed")
        # Done: gone (18.0), or kept archived as done (19.0).
        self.assertFalse(reconnect.exists().filtered("active"))
        done = self.integration.message_ids.filtered(
            lambda m: m.mail_activity_type_id and "Connect Loket again" in m.body
        )
        self.assertEqual(len(done), len(reconnect))

    def test_loket_unreachable_is_said_in_plain_words(self):
        self._connect()
        self.fake.fail(
            "/providers/employers/{employerId}/distributionunits",
            exception=requests.ConnectionError("Connection refused"),
            times=Transport().max_retries + 1,
        )
        with (
            patch.object(Transport, "_backoff", return_value=0),
            self.assertLogs("odoo.addons.loket_integration.loket.transport", "WARNING"),
        ):
            exc = self.assertRaisesKeepingCommits(UserError, self.integration.action_refresh_distribution_units)
        self.assertEqual(str(exc), "Loket could not be reached. Check the internet connection or try again later.")
        self.assertEqual(self.integration.state, "connected")  # nothing to connect again

    def test_loket_error_reaches_the_user_with_loket_text(self):
        self._connect()
        self.fake.fail(
            "/providers/employers/{employerId}/distributionunits",
            status=400,
            body={"messages": [{"code": 77, "type": "BrokenBusinessRule", "description": "Product 50 niet actief"}]},
        )
        exc = self.assertRaisesKeepingCommits(UserError, self.integration.action_refresh_distribution_units)
        self.assertIn("Product 50 niet actief", str(exc))
        self.integration.action_refresh_distribution_units()
        self.assertEqual(len(self.integration.distribution_unit_ids), 3)

    def test_disconnect_erases_tokens(self):
        self._connect()
        self.assertTrue(self.integration.has_refresh_token)
        self.integration.action_disconnect()
        self.assertEqual(self.integration.state, "disconnected")
        self.assertFalse(self.env["loket.token"].sudo().search([("integration_id", "=", self.integration.id)]))

    def test_rotated_refresh_token_is_stored(self):
        self._connect()
        first = self.env["loket.token"].sudo().search([("integration_id", "=", self.integration.id)]).refresh_token
        # An hour later: the access token every worker shares is due, so the next client spends `first`.
        token = self.env["loket.token"].sudo().search([("integration_id", "=", self.integration.id)])
        token.access_token_usable_until = "2000-01-01 00:00:00"
        token.flush_recordset()
        with patch.object(type(self.fake), "expire_access_tokens", lambda s: None):
            self.integration.action_refresh_distribution_units()  # new client: refresh spends `first`
        second = self.env["loket.token"].sudo().search([("integration_id", "=", self.integration.id)]).refresh_token
        self.assertIn(first, self.fake.spent_refresh_tokens)
        self.assertIn(second, self.fake.refresh_tokens)


@tagged("post_install", "-at_install")
class TestHourCodeDefaults(LoketCase):
    def test_hour_code_default_chain(self):
        types = self.env["hr.work.entry.type"]
        worked = types.create({"name": "Gewerkt", "code": "LKT_W"})
        project_code = types.create({"name": "Project", "code": "LKT_P"})
        task_code = types.create({"name": "Taak", "code": "LKT_T"})
        self.integration.default_hour_code_id = worked
        employee = self.env["hr.employee"].create({"name": "Jan de Vries"})
        project = self.env["project.project"].create({"name": "Bakken", "loket_hour_code_id": project_code.id})
        plain_project = self.env["project.project"].create({"name": "Overig"})
        task = self.env["project.task"].create(
            {"name": "Deeg", "project_id": project.id, "loket_hour_code_id": task_code.id}
        )
        plain_task = self.env["project.task"].create({"name": "Oven", "project_id": project.id})
        lines = self.env["account.analytic.line"].create(
            [
                {
                    "name": "a",
                    "project_id": project.id,
                    "task_id": task.id,
                    "employee_id": employee.id,
                    "unit_amount": 1,
                },
                {
                    "name": "b",
                    "project_id": project.id,
                    "task_id": plain_task.id,
                    "employee_id": employee.id,
                    "unit_amount": 1,
                },
                {"name": "c", "project_id": plain_project.id, "employee_id": employee.id, "unit_amount": 1},
            ]
        )
        self.assertEqual(lines.mapped("loket_hour_code_id"), task_code | project_code | worked)
        self.assertEqual(lines[2].loket_hour_code_id, worked)
        lines[2].loket_hour_code_id = task_code  # editable
        self.assertEqual(lines[2].loket_hour_code_id, task_code)


@tagged("post_install", "-at_install")
class TestNeutralize(LoketCase):
    def test_neutralize_erases_tokens_and_secret(self):
        from odoo.modules.neutralize import get_neutralization_queries

        self._connect()
        self.env.flush_all()
        for query in get_neutralization_queries(["loket_integration"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.env["loket.token"].sudo().search([]))
        self.assertEqual(self.integration.state, "disconnected")
        secret = self.env["ir.config_parameter"].sudo().search([("key", "=", "loket_integration.client_secret")])
        self.assertFalse(secret)


@tagged("post_install", "-at_install")
class TestWageComponentValues(LoketCase):
    def test_days_worked_and_home_work_kilometres(self):
        self._connect()
        self.integration.action_refresh_payroll_components()
        worked = self.env.ref("hr_work_entry.work_entry_type_attendance")
        self.integration.write(
            {
                "hour_code_ids": [(0, 0, {"work_entry_type_id": worked.id, "component_number": "1"})],
                "wage_component_ids": [
                    (0, 0, {"code": "days_worked", "component_number": "45"}),
                    (0, 0, {"code": "home_work_km", "component_number": "402"}),
                ],
                "default_hour_code_id": worked.id,
            }
        )
        employee = self.env["hr.employee"].create({"name": "Fleur Visser", "km_home_work": 12})
        project = self.env["project.project"].create({"name": "Winkel"})
        self.env["account.analytic.line"].create(
            [
                {"name": "x", "project_id": project.id, "employee_id": employee.id, "unit_amount": h, "date": d}
                for d, h in (("2026-03-02", 4), ("2026-03-02", 4), ("2026-03-03", 8), ("2026-04-01", 8))
            ]
        )
        values = self.integration._loket_wage_component_values(employee, "2026-03-01", "2026-03-31")
        self.assertEqual(values[(employee.id, "days_worked")], 2)
        self.assertEqual(values[(employee.id, "home_work_km")], 48)
