import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang, mute_logger

from odoo.addons.loket_integration.loket import journal as J
from odoo.addons.loket_integration.odoo_version import Transaction

from .loket_journal_settings import LoketFault, check_journal_rights, form_action

_logger = logging.getLogger(__name__)

UNIQUE_BOOKING = "account_move_loket_journal_run_unique"


class LoketJournalRunBooking(models.Model):
    """Booking a journal run: one account.move with Loket's lines, exactly once."""

    _inherit = "loket.journal.run"

    # -- the user's buttons ------------------------------------------------------------------

    def action_book(self):
        """Book the runs in Odoo; Loket hears of it once the bookings are committed."""
        check_journal_rights(self.env)
        self.check_access("read")
        moves = self.env["account.move"]
        for run in self:
            moves |= run._book()
        self._mark_after_commit()
        if len(moves) == 1:
            return form_action(moves)
        return True

    def action_mark_processed(self):
        """Tell Loket again that booked runs were processed (after a failure to)."""
        check_journal_rights(self.env)
        self.check_access("read")
        runs = self.filtered("move_id")
        failed = runs._mark_in_loket()
        if failed:
            return self.settings_id[:1]._notification(
                "\n".join(f"{run.display_name}: {run.mark_error}" for run in failed), "danger", sticky=True
            )
        return True

    def action_undo_booking(self):
        """The booking of a run Loket removed or replaced: a draft entry is deleted, a posted
        one reversed (the reversal posted on today's date)."""
        check_journal_rights(self.env)
        self.check_access("read")
        for run in self:
            if run.state != "undo":
                raise UserError(
                    self.env._("%(run)s is not removed or replaced in Loket: its booking stays.", run=run.display_name)
                )
            move = run.move_id.sudo()  # rights checked above; a system administrator may lack Accounting's
            reason = run._undo_reason()
            if move.state == "draft":
                move.unlink()
                run.sudo().write({"warning": self.env._("Draft entry deleted: %(reason)s", reason=reason)})
            else:
                reversal = move._reverse_moves(
                    [
                        {
                            "date": fields.Date.context_today(self),
                            "ref": run._company_env()._(
                                "Reversal: %(reason)s", reason=run.with_env(run._company_env())._undo_reason()
                            ),
                        }
                    ],
                    cancel=True,
                )
                reversal.filtered(lambda m: m.state == "draft")._post(soft=False)
                run.sudo().write(
                    {
                        "warning": self.env._(
                            "Entry %(entry)s reversed by %(reversal)s.", entry=move.name, reversal=reversal.name
                        )
                    }
                )
        return True

    def _undo_reason(self):
        """Why the booking is undone (in this environment's language)."""
        if self.loket_status == str(J.REMOVED):
            return self.env._("Loket removed %(run)s.", run=self.display_name)
        return self.env._(
            "%(run)s was replaced in Loket by %(new)s.", run=self.display_name, new=self.replaced_by_id.display_name
        )

    def action_open_move(self):
        check_journal_rights(self.env, manage=False)
        self.check_access("read")
        self.ensure_one()
        return form_action(self.move_id)

    # -- booking -----------------------------------------------------------------------------

    def _book(self, client=None):
        """Book this run: one journal entry of Loket's lines; returns it. Refuses (UserError) a
        run booked already, removed or replaced in Loket, with unmapped ledger accounts or that
        does not balance (unless a rounding account takes the difference). Nothing is written
        before the entry is inserted: two workers booking the same run meet at the unique
        constraint of the entry, not earlier."""
        self.ensure_one()
        settings = self.settings_id
        if self.move_id:
            raise UserError(self._booked_text(self.move_id))
        if not settings.journal_id:
            raise UserError(
                self.env._("Choose the journal to book %(name)s's payroll in first.", name=settings.display_name)
            )
        if settings.company_id.currency_id != self.currency_id:
            # A company whose books are not in euros: no conversion at a rate of Odoo's, which
            # would make the entry differ from Loket's journal (and a Dutch employer's books
            # are in euros); the bookkeeper books it where the books are in euros.
            raise UserError(
                self.env._(
                    "Loket's payroll is in euros; %(company)s keeps its books in %(currency)s. "
                    "Book Loket's journal in a company whose currency is the euro.",
                    company=settings.company_id.name,
                    currency=settings.company_id.currency_id.name,
                )
            )
        if self.replaced_by_id:
            raise UserError(
                self.env._(
                    "%(run)s was replaced in Loket by %(new)s: book that one.",
                    run=self.display_name,
                    new=self.replaced_by_id.display_name,
                )
            )
        client = client or settings._loket(lambda c: c)
        current = settings._loket(lambda c: c.journal_run(self.loket_id), client)
        status = (current.get("journalRunStatus") or {}).get("key")
        if status == J.REMOVED:
            raise UserError(self.env._("Loket removed %(run)s: it is not booked.", run=self.display_name))
        if not J.has_results(status):
            raise UserError(
                self.env._(
                    "%(run)s has no journal lines in Loket (status %(status)s).", run=self.display_name, status=status
                )
            )
        rows = settings._loket(lambda c: c.journal_run_results(self.loket_id), client)
        entry = self._entry(rows)
        if not entry.lines:
            raise UserError(self.env._("Loket's %(run)s has no amounts to book.", run=self.display_name))
        settings._list_for_mapping(entry)
        warnings = []
        lines = self._move_lines(entry, warnings)
        move = self._create_move(lines)
        if settings.post_entries:
            move.action_post()
        self.sudo().write(
            {
                "summary_read": True,
                "total_debit": float(entry.total_debit),
                "total_credit": float(entry.total_credit),
                "line_count": entry.source_count,
                "loket_status": str(status),
                "warning": "\n".join(warnings) or False,
                "error": False,
            }
        )
        summary = self.env._(
            "Booked from Loket's %(run)s of %(integration)s: %(count)s Loket lines, "
            "debit %(debit)s, credit %(credit)s.",
            run=self.display_name,
            integration=settings.integration_id.sudo().name,
            count=entry.source_count,
            debit=self._money(entry.total_debit),
            credit=self._money(entry.total_credit),
        )
        move.message_post(body=Markup("<br/>").join([summary, *warnings]))  # Loket's words are escaped
        return move

    def _money(self, amount):
        return formatLang(self.env, float(amount), currency_obj=self.currency_id)

    def _move_lines(self, entry, warnings):
        """``account.move.line`` values of ``entry``, debit and credit lines apart."""
        settings = self.settings_id
        accounts = {row.loket_key: row.account_id for row in settings.account_ids}
        missing = [ref.label for ref in entry.accounts if not accounts.get(ref.key)]
        if missing:
            raise UserError(
                self.env._(
                    "%(run)s cannot be booked: map these Loket ledger accounts to Odoo accounts first "
                    "(payroll journal of %(integration)s, tab Ledger accounts): %(accounts)s",
                    run=self.display_name,
                    integration=settings.integration_id.sudo().name,
                    accounts=", ".join(missing),
                )
            )
        analytics = {(row.kind, row.loket_key): row.analytic_account_id for row in settings.analytic_ids}
        unmapped = set()
        lines = []
        for line in entry.lines:
            targets = []
            for kind, ref in (("cost_center", line.cost_center), ("cost_unit", line.cost_unit)):
                if ref is not None:
                    target = analytics.get((kind, ref.key))
                    if target:
                        targets.append(target)
                    else:
                        unmapped.add(ref.label)
            lines.append(
                {
                    "account_id": accounts[line.account.key].id,
                    "name": " · ".join(ref.label for ref in (line.account, line.cost_center, line.cost_unit) if ref),
                    "debit": float(line.debit),
                    "credit": float(line.credit),
                    "analytic_distribution": self._distribution(targets),
                }
            )
        if unmapped:
            warnings.append(
                self.env._(
                    "Booked without analytic account (none mapped): %(names)s", names=", ".join(sorted(unmapped))
                )
            )
        difference = entry.difference
        if difference:
            if not settings.rounding_account_id:
                raise UserError(
                    self.env._(
                        "%(run)s does not balance in Loket: debit %(debit)s, credit %(credit)s (difference "
                        "%(difference)s). Set a rounding account on the payroll journal to book the difference there.",
                        run=self.display_name,
                        debit=self._money(entry.total_debit),
                        credit=self._money(entry.total_credit),
                        difference=self._money(difference),
                    )
                )
            lines.append(
                {
                    "account_id": settings.rounding_account_id.id,
                    "name": self.env._("Rounding difference of Loket's journal"),
                    "debit": float(-difference) if difference < 0 else 0.0,
                    "credit": float(difference) if difference > 0 else 0.0,
                }
            )
            warnings.append(
                self.env._(
                    "Loket's journal does not balance (debit %(debit)s, credit %(credit)s): the difference of "
                    "%(difference)s was booked on %(account)s.",
                    debit=self._money(entry.total_debit),
                    credit=self._money(entry.total_credit),
                    difference=self._money(abs(difference)),
                    account=self._account_label(settings.rounding_account_id),
                )
            )
        return lines

    def _account_label(self, account):
        account = account.with_company(self.company_id)  # the code is the company's
        return f"{account.code} {account.name}"

    def _distribution(self, targets):
        """One analytic distribution line over the cost center's and cost unit's accounts (one
        per plan); two in one plan would book 200 % of it, and are refused."""
        if not targets:
            return False
        plans = [account.root_plan_id for account in targets]
        if len(set(plans)) != len(plans):
            raise UserError(
                self.env._(
                    "The analytic accounts %(accounts)s of a cost center and a cost unit are in the same plan: "
                    "map cost units to another plan.",
                    accounts=", ".join(targets_name.display_name for targets_name in targets),
                )
            )
        return {",".join(str(account.id) for account in targets): 100}

    def _company_env(self):
        """The environment in the company's language (its partner's): the entry belongs to the
        company's books, so its texts do not depend on who booked it (a Dutch bookkeeper, an
        English administrator, the scheduled action)."""
        return self.with_context(lang=self.company_id.partner_id.lang or "en_US").env

    def _move_ref(self):
        """The entry's reference, in the company's language: Loket's run and payroll period."""
        env = self._company_env()
        return env._(
            "Loket journal run %(number)s, payroll period %(year)s/%(period)02d (%(start)s - %(end)s)",
            number=self.sequence_number,
            year=self.year,
            period=self.period_number,
            start=format_date(env, self.period_start),
            end=format_date(env, self.period_end),
        )

    def _create_move(self, lines):
        settings = self.settings_id
        date = self.period_end if settings.date_choice == "period_end" and self.period_end else False
        values = {
            "move_type": "entry",
            "journal_id": settings.journal_id.id,
            "date": date or fields.Date.context_today(self),
            "ref": self._move_ref(),
            "loket_journal_run_id": self.id,
            "line_ids": [fields.Command.create(line) for line in lines],
        }
        try:
            # Another worker's entry for this run makes the insert fail (expected: not logged as an error).
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                # Rights were checked by the caller: the entry is Loket's lines under the managers' settings.
                return self.env["account.move"].sudo().with_company(settings.company_id).create(values)
        except psycopg2.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != UNIQUE_BOOKING:
                raise
        raise UserError(self._booked_meanwhile_text())

    def _booked_text(self, move):
        move = move.sudo()
        return self.env._(
            "%(run)s is booked already: entry %(entry)s of %(date)s, booked by %(user)s on %(when)s.",
            run=self.display_name,
            entry=move._loket_entry_number() or self.env._("draft (id %(id)s)", id=move.id),
            date=format_date(self.env, move.date),
            user=move.create_uid.name,
            when=format_date(self.env, move.create_date),
        )

    def _booked_meanwhile_text(self):
        """Another worker booked this run while this one did: say where, from what it committed."""
        with self.env.registry.cursor() as cr:
            # The registry is known: an environment made on ``cr`` needs no lookup under the registries' lock.
            cr.transaction = cr.transaction or Transaction(self.env.registry)
            move = self.env(cr=cr)["account.move"].sudo().search([("loket_journal_run_id", "=", self.id)], limit=1)
            if move:
                return self.env._("Booked meanwhile by someone else. %(text)s", text=self._booked_text(move))
        return self.env._("%(run)s was booked meanwhile by someone else.", run=self.display_name)

    # -- telling Loket -------------------------------------------------------------------------

    def _mark_after_commit(self):
        """Once the bookings are committed, mark the runs processed in Loket (where the
        integration says so). A failure is kept on the run and shown to the user; the booking
        stays."""
        runs = self.filtered(lambda run: run.move_id and run.settings_id.mark_processed)
        if not runs:
            return
        ids, uid, context, registry = runs.ids, self.env.uid, dict(self.env.context), self.env.registry

        def mark():
            with registry.cursor() as cr:
                cr.transaction = cr.transaction or Transaction(registry)
                env = api.Environment(cr, uid, context)
                env["loket.journal.run"].browse(ids)._mark_in_loket(notify=True)

        self.env.cr.postcommit.add(mark)

    def _mark_in_loket(self, notify=False):
        """MarkAsProcessed for each booked run; returns the runs Loket could not be told of."""
        failed = self.browse()
        for run in self.filtered("move_id"):
            move = run.move_id.sudo()
            message = self.env._("Booked in Odoo: %(entry)s", entry=move._loket_entry_number() or move.ref)
            try:
                run.settings_id._loket(
                    lambda c, run=run, message=message: c.mark_journal_run(run.loket_id, message=message)
                )
            except LoketFault as exc:
                _logger.info("Loket journal run %s booked but not marked processed", run.id)
                run.sudo().write({"mark_state": "failed", "mark_error": str(exc)})
                failed |= run
                continue
            run.sudo().write({"mark_state": "marked", "mark_error": False, "loket_status": str(J.EXPORTED)})
        if notify and failed:
            self.env.user._bus_send(
                "simple_notification",
                {
                    "type": "warning",
                    "sticky": True,
                    "title": self.env._("Booked, but Loket was not told"),
                    "message": "\n".join(f"{run.display_name}: {run.mark_error}" for run in failed),
                },
            )
        return failed
