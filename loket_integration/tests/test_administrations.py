"""Connecting for an accountant: the administrations of hundreds of employers load in the
background (loket.job kind ``fetch_administrations``); a few load in the request."""

from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo.tests import tagged

from .common import LoketCase, LoketHttpCase

ADMINISTRATIONS = "/providers/employers/{employerId}/payrolladministrations"


class AdministrationsMixin:
    def _options(self):
        return self.env["loket.administration.option"].search([("integration_id", "=", self.integration.id)])

    def _job(self):
        return self.env["loket.job"].search(
            [("integration_id", "=", self.integration.id), ("kind", "=", "fetch_administrations")], limit=1
        )

    def _chatter(self):
        return "\n".join(self.integration.message_ids.mapped("body"))

    def _api_paths(self):
        return [path for _method, path, _query in self.fake.requests]


@tagged("post_install", "-at_install")
class TestAdministrations(AdministrationsMixin, LoketCase):
    n_employees = 2

    def _login(self):
        self.fake.reset_logs()
        self.integration._loket_exchange_code(self.fake.issue_code(self.integration._loket_redirect_uri()))

    def test_a_few_employers_load_in_the_request(self):
        self.fake.add_employers(5, administrations=2)
        self._login()
        self.assertEqual(len(self._options()), 1 + 5 * 2)
        self.assertEqual(len(self.fake.requests), 1 + 6)  # the employers, then each one's administrations
        self.assertFalse(self._job())  # no background run
        self.assertFalse(self.integration.administration_option_id)  # eleven to choose from: none chosen
        self.assertTrue(self.integration.action_refresh_administrations())
        self.assertEqual(len(self._options()), 11)

    def test_one_administration_is_chosen_for_the_user(self):
        self._login()
        self.assertEqual(self.integration.administration_option_id.loket_administration_id, self.fake.administration_id)
        self.assertEqual(self.integration.client_number, "5555")

    def test_hundreds_of_employers_load_in_the_background_with_progress(self):
        self.fake.add_employers(300)
        cron = self.env.ref("loket_integration.ir_cron_loket_jobs")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self._login()
        # The login's request: the token, one page of employers, nothing per employer.
        self.assertEqual(self.fake.token_requests, ["authorization_code"])
        self.assertEqual(self._api_paths(), ["/providers/employers"])
        self.assertFalse(self._options())
        job = self._job()
        self.assertEqual((job.state, job.background, job.total_count), ("queued", True, 301))
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.loket_job_progress, "Loading administrations: 0 / 301 employers")
        self.assertIn("fetch_administrations", self.integration.loket_running_job_kinds)

        self.fake.reset_logs()
        self._cron_process_jobs_once()
        # The second page of employers, then the first 50 employers' administrations.
        self.assertEqual(self._api_paths().count("/providers/employers"), 1)
        self.assertEqual(len(self.fake.requests), 1 + 50)
        self.assertEqual(len(self._options()), 50)
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.loket_job_progress, "Loading administrations: 50 / 301 employers")

        calls = self._run_loket_jobs()
        self.assertEqual(calls, 6)  # 301 employers in batches of 50
        self.assertEqual(len(self.fake.requests), 1 + 301)
        options = self._options()
        self.assertEqual(len(options), 301)
        self.assertEqual(len(set(options.mapped("loket_administration_id"))), 301)
        self.assertEqual((job.state, job.done_count, job.fetched_count), ("done", 301, 301))
        self.integration.invalidate_recordset()
        self.assertFalse(self.integration.loket_job_progress)
        self.assertIn("301 payroll administration(s) of 301 employer(s)", self._chatter())

    def test_an_interrupted_run_resumes_without_doubles_or_gaps(self):
        self.fake.add_employers(120)
        self._login()
        job = self._job()
        self._cron_process_jobs_once()
        self.assertEqual(len(self._options()), 50)
        Option = type(self.env["loket.administration.option"])
        original = Option._replace_for

        def killed_after_storing(options, *args, **kwargs):
            original(options, *args, **kwargs)
            raise MemoryError("worker killed")

        with patch.object(Option, "_replace_for", killed_after_storing), self.assertRaises(MemoryError):
            self._cron_process_jobs_once()
        self.assertEqual(len(self._options()), 50)  # the batch went whole
        self.assertEqual((job.state, job.done_count, job.payload["next"]), ("running", 50, 50))
        self._run_loket_jobs()
        options = self._options()
        self.assertEqual(job.state, "done")
        self.assertEqual(sorted(options.mapped("loket_employer_id")), sorted({o.loket_employer_id for o in options}))
        self.assertEqual(len(options), 121)

    def test_a_refresh_forgets_employers_no_longer_reached_but_keeps_the_choice(self):
        self.fake.add_employers(20)
        self._login()
        self._run_loket_jobs()
        self.assertEqual(len(self._options()), 21)
        chosen = self._options().filtered(lambda o: o.loket_employer_id == "employer-00003")
        self.integration.administration_option_id = chosen
        self.fake.data["other_employers"] = self.fake.data["other_employers"][10:]  # 1 to 10 gone
        action = self.integration.action_refresh_administrations()
        self.assertIn("Loading administrations: 0 / 11 employers", action["params"]["message"])
        self.assertIn("fetch_administrations", self.integration.loket_running_job_kinds)
        self._run_loket_jobs()
        options = self._options()
        self.assertEqual(len(options), 12)  # the main employer, 11 to 20, and the chosen one
        self.assertIn(chosen, options)
        self.assertEqual(self.integration.administration_option_id, chosen)

    def test_a_loket_error_fails_the_run_and_keeps_what_was_loaded(self):
        self.fake.add_employers(80)
        self._login()
        self._cron_process_jobs_once()
        self.fake.fail(ADMINISTRATIONS, status=403, body={"messages": [{"description": "Geen toegang"}]})
        self._run_loket_jobs()
        job = self._job()
        self.assertEqual(job.state, "failed")
        self.assertIn("Geen toegang", job.error)
        self.assertEqual(len(self._options()), 50)


@tagged("post_install", "-at_install")
class TestAccountantCallback(AdministrationsMixin, LoketHttpCase):
    def test_the_callback_of_an_accountant_returns_at_once_and_the_background_fills_the_choices(self):
        self.fake.add_employers(300)
        self.authenticate("admin", "admin")
        admin = self.env["res.users"].search([("login", "=", "admin")])
        action = self.integration.with_user(admin).action_connect()
        state = parse_qs(urlsplit(action["url"]).query)["state"][0]
        code = self.fake.issue_code(self.integration._loket_redirect_uri())
        response = self.url_open(f"/loket/oauth/callback?code={code}&state={state}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(self.fake.token_requests, ["authorization_code"])
        self.assertEqual(self._api_paths(), ["/providers/employers"])  # one request, whatever the employers
        self.integration.invalidate_recordset()
        self.assertEqual(self.integration.state, "connected")
        self.assertFalse(self._options())
        self.assertEqual(self._job().state, "queued")
        self._run_loket_jobs()
        self.assertEqual(len(self._options()), 301)
        self.assertEqual(self._job().state, "done")
