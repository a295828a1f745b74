from odoo import models


class LoketEmploymentMirror(models.AbstractModel):
    """Odoo's own record of each Loket employment: the one thing about employments that
    differs per Odoo version. This default does nothing: with no version part installed,
    Odoo has no contracts of Loket's employments and the bindings (``loket.employment``)
    alone are enough to export, send and sync.

    A version part (``odoo_versions/<series>/loket_integration_<…>/``) inherits this model
    and implements the two methods below on Odoo's record of that version (``hr.contract``
    on 18.0, ``hr.version`` on 19.0). The contract is a mirror: it follows the bindings,
    never the other way round; everything Loket says is read from the bindings.

    The contract plan, ``loket/contract_plan.py`` (pure, no Odoo), decides which employment
    is *the* contract where Loket's overlap and Odoo's one-at-a-time rule forbids it:
    ``plan(spans, today, occupied)`` with ``employments._loket_spans()``.
    """

    _name = "loket.employment.mirror"
    _description = "Loket employment: Odoo's own record of it"

    def _loket_mirror(self, employments):
        """Make Odoo's records follow ``employments`` (``loket.employment``, any employees,
        active or not), then set ``mirror_model``/``mirror_res_id`` on each binding mirrored
        (and ``note`` where Odoo cannot follow it). Returns nothing.

        Called by the sync, Add (new employees in bulk: many employments at once, created in
        one ``create`` where possible) and the daily date run (``_loket_follow_dates``: the
        same bindings, a new day), in the environment of this model (``self.env``) (the user's rights: a Loket
        administrator; the crons run as superuser); the bindings are written in sudo mode
        (their fields are the addon's). The notes' texts: ``_loket_mirror_note``. A version
        part needs nothing else of the addon: employees who leave are followed from the
        bindings (``_loket_follow_leaver``), so no ``_loket_mirror_leaver`` exists. It must:

        - create a record for a binding without one (employee, company, dates, department,
          job, hours of the binding; ``name`` "<employee> – <payroll number>"), update the
          record of one that has one with what changed (dates, job, department, payroll);
        - give each record the state its dates give it today (ended: closed; future: starts
          on its date; running: the employee's contract); of employments that overlap (Loket
          allows it, Odoo does not), the one the plan chooses is the contract, the others stay
          out of Odoo's rule and their binding gets a ``note`` ("runs alongside …"), cleared
          when it no longer does; records of the employee that are not Loket's block the dates
          they cover (``occupied``);
        - leave alone a record HR cancelled (18.0: state ``cancel``) and archive its binding
          (``active`` False: the export leaves it out, as it left out cancelled contracts);
          inactive bindings without a record get none;
        - be cheap when nothing moved (the daily run passes every binding): write nothing then;
        - the department: written only where the binding's department may move it
          (``integration._loket_may_overwrite("loket.employment", "department_id")`` for
          employees mapped to existing ones: their HR department is HR's);
        - never archive or unarchive employees: leavers are followed by the addon itself
          (``loket.integration._loket_follow_leaver``) from the bindings.
        """
        return None

    def _loket_mirror_note(self, alongside=None):
        """The ``note`` of a binding whose employment runs alongside ``alongside`` (the binding
        that is the contract; empty: another record of the employee that is not Loket's)."""
        if alongside:
            return self.env._(
                "Runs alongside employment %(other)s: Odoo keeps one contract at a time, so this one stays outside it.",
                other=alongside.display_name,
            )
        return self.env._(
            "Runs alongside another contract of the employee: Odoo keeps one contract at a time, so this one "
            "stays outside it."
        )
