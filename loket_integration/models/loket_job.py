"""Background runs ("jobs") of the integration: long work in batches on Odoo's own cron.

A job is one run of one *kind* of work for one integration (``res_id``: the record it
works on when that is not the integration itself, e.g. an export). Each kind lives in a
file of its own (loket_employee_jobs.py, loket_export_jobs.py, loket_administration_jobs.py),
adds itself to ``kind``'s selection and defines methods of this model named after it:

``_loket_job_batch_<kind>(self)`` (required)
    ONE batch of the work. It records what it did on the job (``done_count`` and the
    counters, with ``_loket_add``; what is still to do in ``payload`` or on the records
    concerned) and returns True once nothing remains; each False must come with progress.
    A batch that reads much ends with ``_loket_release_cache()``: a worker holds one batch.
``_loket_job_prepare_<kind>(self)`` (optional)
    Runs once, when the job is created, before its first batch (e.g. moves a long list
    of ids out of the payload onto the records).
``_loket_job_join_<kind>(self, payload)`` (optional)
    The same kind is asked again for the same integration and ``res_id`` while this job is
    queued or running: there is no second job; this one takes on the new ``payload``
    (without the method, the request just joins the run).
``_loket_job_summary_<kind>(self)`` (optional)
    The chatter line of the finished run; nothing returned: the generic line (label,
    counters that are not zero, error).
``_loket_cleanup(self)`` (extended with ``super()``)
    What a run deletes when it ends, done or failed.

A run is asked for with ``integration._loket_start_job(kind, payload, total, inline,
res_id)`` (``_loket_enqueue`` below) and runs:

* inline, in the request that asked, when ``inline`` says so or, by default, when
  ``total`` ≤ INLINE_LIMIT: all batches in that transaction; errors reach the caller;
* otherwise in the background, on the dedicated cron ``ir_cron_loket_jobs``: each call
  does one batch of the oldest unfinished job, as the user who asked, in the integration's
  company, committed with the batch's results (Odoo's runner commits after each call).

Keeping each round short: the runner's round of calls (up to 10 on 18.0, at least 10 on 19.0)
runs in one cron worker that Odoo kills after limit_time_real (a prefork default of 120 s,
counted from before the worker's wait for work); a killed call loses its batch and counts
against the job (MAX_ATTEMPTS). A call made ROUND_SECONDS after its round began tells the
runner no work is left, which ends the round; the trigger below starts the next one.

Keeping Odoo's runner going: each call reports its progress (``odoo_version.cron_progress``:
``ir.cron._notify_progress`` on 18.0, ``_commit_progress`` on 19.0).
Odoo's runner calls a cron that reports work remaining at most 10 times in a row
(``MAX_BATCH_PER_CRON_JOB``), then leaves it due and goes on with the other scheduled
actions that are due; its cron thread (or prefork cron worker) only looks again at its next
poll, 60 s later, unless the database is notified. So every call that leaves work creates
a due trigger of the jobs cron (``ir.cron._trigger``: committed, it notifies the cron
threads and workers): the runner comes back as soon as its round of due actions is over,
and every other due action still gets its turn in each round. A call that leaves no work
creates none. When Odoo reschedules the cron after the last round, it drops the triggers
older than that round; those made during it (by the calls before the last) bring one
more call, which finds nothing to do and makes no trigger: then the cron sleeps until
its next trigger or its hourly call, which picks up a run nobody woke. (The triggers are
not deleted here: the runner's own transaction deletes them and would fail to serialize.)
Queuing a run and joining one trigger the cron as well.

Interruptions: whatever a batch needs to go on (ids still to do, a phase) is written in
the same transaction as the batch's results, so a worker killed between batches leaves
the job ``running`` with its last committed state, and the next call goes on from there.
``attempts`` counts the batches started and not finished (committed before the batch): a
batch that killed its worker MAX_ATTEMPTS times fails the job. A UserError or Loket error
fails the job (its batch rolled back) with the error on the job and in the integration's
chatter; the user who asked is notified when a background run ends. Finished runs are
removed after ``loket_integration.job_keep_days`` days (default 30) by the autovacuum.
"""

import logging
import time
import weakref

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang
from odoo.tools.misc import clean_context

from ..loket import LoketError
from ..odoo_version import cron_progress

_logger = logging.getLogger(__name__)

INLINE_LIMIT = 200  # rows a request handles itself; bigger runs go to the background
MAX_ATTEMPTS = 3  # a batch that killed its worker this often fails the job
# Odoo's runner calls the jobs cron up to 10 times in a row (19.0: at least 10), all in one
# round that must end within the worker's limit_time_real (prefork: 120 s by default, counted
# from before the cron worker's wait for work, so often half of it is left). A round that has
# run this long says no work is left: the runner ends it, the trigger brings the next round.
ROUND_SECONDS = 30
_round_starts = weakref.WeakKeyDictionary()  # the runner's cursor of a round -> its first call's start
_clock = time.monotonic  # (patched by the tests)
DEFAULT_KEEP_DAYS = 30
KEEP_DAYS_PARAM = "loket_integration.job_keep_days"
COUNTERS = ("fetched_count", "added_count", "updated_count", "failed_count", "new_count", "request_count")


class LoketJob(models.Model):
    _name = "loket.job"
    _description = "Loket run"
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "kind"

    kind = fields.Selection(
        [
            ("fetch_employees", "Fetching employees"),
            ("apply_decisions", "Applying employee decisions"),
            ("sync_employees", "Synchronising employees"),
        ],
        required=True,
        readonly=True,
    )
    integration_id = fields.Many2one(
        "loket.integration", required=True, readonly=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="integration_id.company_id", store=True, index=True)
    res_id = fields.Integer(
        "Record", readonly=True, help="The record the run works on, when not the integration itself (e.g. an export)"
    )
    user_id = fields.Many2one(
        "res.users", string="Requested by", readonly=True, default=lambda self: self.env.user, ondelete="set null"
    )
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    background = fields.Boolean(readonly=True, help="Run by the scheduled action rather than in the request")
    date_start = fields.Datetime("Started", readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    done_count = fields.Integer("Done", readonly=True)
    total_count = fields.Integer("Total", readonly=True)
    fetched_count = fields.Integer("Fetched", readonly=True)
    added_count = fields.Integer("Added", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    failed_count = fields.Integer("Failed", readonly=True)
    new_count = fields.Integer("New", readonly=True)
    request_count = fields.Integer("Loket requests", readonly=True)
    error = fields.Text(readonly=True)
    payload = fields.Json(readonly=True, copy=False, help="What the run still has to do (written with each batch)")
    attempts = fields.Integer(readonly=True, help="Batches started and not finished (a worker died)")
    progress_text = fields.Char("Progress", compute="_compute_progress_text")

    @api.depends("kind", "integration_id")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for job in self:
            job.display_name = f"{labels.get(job.kind, job.kind or '')} – {job.integration_id.display_name or ''}"

    @api.depends("kind", "state", "done_count", "total_count", "request_count")
    def _compute_progress_text(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for job in self:
            label = labels.get(job.kind, job.kind or "")
            if job.state == "running" and not job.done_count and job.request_count:
                # still reading Loket (a fetch reads its lists before a single employee is done)
                job.progress_text = self.env._(
                    "%(label)s: reading Loket, %(count)s requests so far",
                    label=label,
                    count=formatLang(self.env, job.request_count, digits=0),
                )
            elif job.total_count:
                job.progress_text = self.env._(
                    "%(label)s: %(done)s / %(total)s",
                    label=label,
                    done=formatLang(self.env, job.done_count, digits=0),
                    total=formatLang(self.env, job.total_count, digits=0),
                )
            elif job.state == "queued":
                job.progress_text = self.env._("%(label)s: waiting to start", label=label)
            else:
                job.progress_text = self.env._("%(label)s: started", label=label)

    # -- starting a run ---------------------------------------------------------------

    @api.model
    def _loket_enqueue(self, integration, kind, payload=None, total=0, inline=None, res_id=0, held=None):
        """Start a run of ``kind`` for ``integration`` (or join the one already queued or
        running for the same kind, integration and ``res_id``: that job is returned,
        ``_loket_job_join_<kind>(payload)`` lets it take on the new request, when defined,
        and the jobs cron is triggered, unless ``inline`` is True: the caller runs it).
        A new job's ``_loket_job_prepare_<kind>()``, when defined, runs before its first batch
        (e.g. to move a long list out of the payload); ``held``, when given, is passed to it:
        Loket's data the request read already, which never goes in the payload (Loket users
        read runs).

        ``inline``: run to the end in this request; default: when ``total`` ≤ INLINE_LIMIT.
        Otherwise the job is queued and the jobs cron triggered. Returns the job."""
        integration.ensure_one()
        # A click carries its action's context, whose ``default_*`` keys would fill every record
        # the run creates ("Add Loket integration" gives default_name: employees named after the company).
        # The context replaced, not merged (as Odoo's own clean_context callers do): merging keeps the keys.
        jobs = self.with_context(clean_context(self.env.context))  # pylint: disable=context-overridden
        integration = integration.with_context(clean_context(integration.env.context))  # pylint: disable=context-overridden
        running = jobs.search(
            [
                ("integration_id", "=", integration.id),
                ("kind", "=", kind),
                ("res_id", "=", res_id or 0),
                ("state", "in", ("queued", "running")),
            ],
            limit=1,
        )
        if running:
            join = getattr(running, f"_loket_job_join_{kind}", None)
            if join:
                join(payload)
            if inline is not True:  # (a caller asking inline runs the joined job itself)
                running._loket_wake_runner(remaining=True)  # its worker may have died
            return running
        if inline is None:
            inline = total <= INLINE_LIMIT
        # Runs are the addon's records (ir.model.access: read only, but for the administrators'
        # history clean-up): created and updated in sudo mode, run as the user who asked.
        job = (
            jobs.sudo()
            .create(
                {
                    "kind": kind,
                    "integration_id": integration.id,
                    "res_id": res_id or 0,
                    "payload": payload or {},
                    "total_count": total,
                    "background": not inline,
                }
            )
            .with_env(jobs.env)
        )
        prepare = getattr(job, f"_loket_job_prepare_{kind}", None)
        if prepare:
            prepare() if held is None else prepare(held)
        if inline:
            job._loket_run_inline()
        else:
            job._loket_wake_runner(remaining=True)
        return job

    def _loket_started_notification(self):
        """What a button returns when its run went to the background: a notification, and
        the screen reloaded (it shows the run's progress)."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(progress)s. This runs in the background; you will be notified when it is done.",
                    progress=self.progress_text,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _loket_run_inline(self):
        """All batches in this transaction; errors reach the caller (and roll back the run)."""
        self.ensure_one()
        self.sudo().write({"state": "running", "date_start": fields.Datetime.now()})
        while not self._loket_batch_method()():
            pass
        self._loket_finish()

    def _loket_batch_method(self):
        method = getattr(self, f"_loket_job_batch_{self.kind}", None)
        if method is None:
            raise NotImplementedError(f"loket.job kind {self.kind!r} has no _loket_job_batch_{self.kind}")
        return method

    def _loket_add(self, **counts):
        """Add to the job's counters: ``job._loket_add(done_count=200, added_count=198)``."""
        self.ensure_one()
        self.sudo().write({name: self[name] + value for name, value in counts.items() if value})

    # -- the background ---------------------------------------------------------------

    @api.model
    def _cron_process_jobs(self):
        """The jobs cron: one batch of the oldest unfinished job per call; Odoo calls
        again while ``cron_progress`` reports work remaining, and is woken for its next
        round while work remains (see the module's docstring)."""
        # One round of calls shares the runner's cursor (a new one per round).
        round_start = _round_starts.setdefault(self.env.cr, _clock())
        job = self.search([("state", "in", ("queued", "running"))], order="id", limit=1)
        done = job._loket_run_batch() if job else 0
        unfinished = self.search([("state", "in", ("queued", "running"))])
        remaining = sum(max(j.total_count - j.done_count, 1) for j in unfinished)
        round_over = _clock() - round_start >= ROUND_SECONDS
        # done must be positive while work remains, or Odoo takes the cron for one without progress API
        cron_progress(self.env, max(done, 1) if job else 0, 0 if round_over else remaining)
        self._loket_wake_runner(remaining)
        return job

    @api.model
    def _loket_wake_runner(self, remaining):
        """While work remains, a due trigger of the jobs cron: Odoo's runner comes back when
        its current round ends instead of at its next poll (60 s)."""
        cron = self.env.ref("loket_integration.ir_cron_loket_jobs", raise_if_not_found=False)
        if cron and remaining:
            cron.sudo()._trigger()

    def _loket_run_batch(self):
        """One batch of this job, as the user who asked, in the integration's company.
        A UserError or Loket error fails the job (its batch rolled back); other errors
        propagate (the cron rolls back; the next trigger retries the batch, at most
        MAX_ATTEMPTS times). Returns how many items the batch did."""
        self.ensure_one()
        if self.attempts >= MAX_ATTEMPTS:
            self._loket_finish(
                error=self.env._("Stopped: a batch was interrupted %(count)s times in a row.", count=self.attempts)
            )
            return 1
        self.sudo().write(
            {"state": "running", "date_start": self.date_start or fields.Datetime.now(), "attempts": self.attempts + 1}
        )
        self.integration_id._loket_commit()  # the attempt counts even if this worker dies in the batch
        before = self.done_count
        job = self._loket_as_requester()
        try:
            with self.env.cr.savepoint():
                finished = job._loket_batch_method()()
        except (UserError, LoketError) as exc:
            self.env.invalidate_all()  # the savepoint undid the batch's writes
            # in the language of the one who asked (the cron's own is not theirs)
            text = job.integration_id._loket_error_text(exc) if isinstance(exc, LoketError) else str(exc)
            # The text stays on the run: it may hold Loket's words about an employee, not for the log.
            _logger.info("Loket run %s (%s) failed: %s (see the run)", self.id, self.kind, type(exc).__name__)
            self.with_context(lang=job.env.lang)._loket_finish(error=text)
            return max(self.total_count - before, 1)
        self.sudo().attempts = 0
        if finished:
            self.with_context(lang=job.env.lang)._loket_finish()  # its chatter line in the asker's words
        return self.done_count - before

    def _loket_as_requester(self):
        user = self.user_id if self.user_id and self.user_id.active else self.env.ref("base.user_root")
        company = self.company_id
        companies = [company.id] + [c.id for c in user.company_ids if c != company]
        # in the language of the one who asked: what the batch writes and says is for them
        return self.with_user(user).with_context(allowed_company_ids=companies, lang=user.lang or "en_US")

    def _loket_release_cache(self):
        """Write what a batch did and empty the ORM's cache: memory stays that of one batch."""
        self.env.flush_all()
        self.env.invalidate_all()

    # -- the end ----------------------------------------------------------------------

    def _loket_finish(self, error=False):
        """Close the run: state, end time, a summary in the integration's chatter and,
        for background runs, a notification to the user who asked."""
        self.ensure_one()
        self.sudo().write(
            {
                "state": "failed" if error else "done",
                "date_end": fields.Datetime.now(),
                "error": error or False,
                "payload": {} if not error else self.payload,
                "attempts": 0,
            }
        )
        self._loket_cleanup()
        summary = self._loket_summary()
        notify = self.background and self.user_id and not self.user_id._is_superuser() and self.user_id.active
        self.integration_id.sudo().message_post(
            body=summary, partner_ids=self.user_id.partner_id.ids if notify else [], subtype_xmlid="mail.mt_note"
        )
        if notify:
            self.user_id._bus_send(
                "simple_notification",
                {
                    "type": "danger" if error else "success",
                    "title": self.integration_id.display_name,
                    "message": summary,
                    "sticky": bool(error),
                },
            )

    def _loket_cleanup(self):
        """What a run deletes when it ends, done or failed (extended by the kinds that keep something)."""

    def _loket_summary(self):
        """The chatter line of a finished run: ``_loket_job_summary_<kind>()`` when the kind
        defines one (and it returns a text), else its label, the counters that are not zero and the error."""
        custom = getattr(self, f"_loket_job_summary_{self.kind}", None)
        text = custom and custom()
        if text:
            return text
        label = dict(self._fields["kind"]._description_selection(self.env)).get(self.kind)
        parts = [
            f"{self._fields[name].get_description(self.env)['string']}: {formatLang(self.env, self[name], digits=0)}"
            for name in ("done_count", *COUNTERS)
            if self[name]
        ]
        if self.state == "failed":
            counts = ", ".join(parts) or "-"
            return self.env._("%(label)s failed (%(counts)s): %(error)s", label=label, counts=counts, error=self.error)
        return self.env._("%(label)s finished: %(counts)s", label=label, counts=", ".join(parts) or "-")

    # -- history ----------------------------------------------------------------------

    @api.autovacuum
    def _gc_loket_jobs(self):
        """Finished runs older than the configured number of days go."""
        params = self.env["ir.config_parameter"].sudo()
        try:
            days = int(params.get_param(KEEP_DAYS_PARAM, DEFAULT_KEEP_DAYS))
        except ValueError:
            days = DEFAULT_KEEP_DAYS
        if days <= 0:
            return
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=days)
        self.sudo().search([("state", "in", ("done", "failed")), ("date_end", "<", limit)]).unlink()
