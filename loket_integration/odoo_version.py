"""Everything in this addon's Python that differs between Odoo 18.0 and 19.0, in one place.

The addon's code imports these names instead of Odoo's own where Odoo changed them, so that
one source runs on both series; nothing else in the addon asks which Odoo it runs on.
The employment mirror (hr.contract on 18.0, hr.version on 19.0) and the group details are
not here: they are small addons of their own in ``odoo_versions/<series>/``.
"""

from odoo import release

SERIES = release.series  # "18.0", "19.0"
ODOO_19 = release.version_info[0] >= 19

if ODOO_19:
    from odoo.fields import Domain
    from odoo.models import Constraint
    from odoo.orm.environments import Transaction
    from odoo.orm.utils import regex_private
else:
    from odoo.api import Transaction  # noqa: F401 - re-exported for the models
    from odoo.models import regex_private  # noqa: F401 - the names Odoo takes for private methods
    from odoo.osv import expression

# The many2many between users and groups, by its name on each side.
USER_GROUPS = "group_ids" if ODOO_19 else "groups_id"  # res.users
GROUP_USERS = "user_ids" if ODOO_19 else "users"  # res.groups


# hr.employee fields renamed in 19.0 (the legal sex moved to hr.version as ``sex``): the
# mapper (pure, loket/employee_mapper.py) names them as 18.0 does; the sync renames here.
EMPLOYEE_FIELD_NAMES = {"gender": "sex"} if ODOO_19 else {}


def employee_field(name):
    """This series' name of an ``hr.employee`` field the mapper names (``gender``)."""
    return EMPLOYEE_FIELD_NAMES.get(name, name)


def employee_fields(values):
    """The mapper's ``hr.employee`` values with this series' field names."""
    return {employee_field(name): value for name, value in values.items()}


# Accounts in use: 18.0 marks the others ``deprecated``; 19.0 archives them (``active``, which
# Odoo's searches and field domains leave out by themselves).
ACCOUNT_IN_USE_DOMAIN = [] if ODOO_19 else [("deprecated", "=", False)]


def check_field_access(model, operation, field_names):
    """Refuses (AccessError) fields of ``model`` the user may not ``operation`` (their groups).
    18.0: ``check_field_access_rights``; 19.0 deprecates it (a warning) for
    ``_check_field_access`` per field, with ``write`` for ``create``."""
    if not ODOO_19:
        model.check_field_access_rights(operation, field_names)
        return
    for name in field_names:
        if name in model._fields:
            model._check_field_access(model._fields[name], "read" if operation == "read" else "write")


# 19.0 checks read access to the records added to a many2many (18.0 did not); users without
# HR rights may still link employees where Odoo's hr.mixin says so (its create/write).
EMPLOYEE_RELATION_MIXINS = ["hr.mixin"] if ODOO_19 else []


def employee_department_sql(alias):
    """SQL of the department of the ``hr_employee`` row ``alias`` (a trusted alias, no input):
    its column on 18.0; on 19.0 the department of the employee's current version."""
    if ODOO_19:
        return f"(SELECT ev.department_id FROM hr_version ev WHERE ev.id = {alias}.current_version_id)"
    return f"{alias}.department_id"


def flush_employee_departments(env):
    """Writes pending changes ``employee_department_sql`` reads to the database."""
    if ODOO_19:
        env["hr.employee"].flush_model(["current_version_id"])
        env["hr.version"].flush_model(["department_id"])
    else:
        env["hr.employee"].flush_model(["department_id"])


def cron_round_limits(calls):
    """The constants of odoo/addons/base/models/ir_cron.py that make one round of Odoo's runner
    call a cron reporting work remaining ``calls`` times in a row: 18.0 at most
    ``MAX_BATCH_PER_CRON_JOB`` (10); 19.0 at least ``MIN_RUNS_PER_JOB`` (10) and for at least
    ``MIN_TIME_PER_JOB`` seconds (10: none here)."""
    if ODOO_19:
        return {"MIN_RUNS_PER_JOB": calls, "MIN_TIME_PER_JOB": 0}
    return {"MAX_BATCH_PER_CRON_JOB": calls}


def process_cron_job(registry, cron_cr, job):
    """One round of Odoo's runner on ``job`` (a row as the runner reads it), on ``cron_cr``."""
    if ODOO_19:
        job = {"cron_name": job.get("cron_name") or job.get("name"), "progress_id": False, **job}
        registry["ir.cron"]._process_job(cron_cr, job)
    else:
        registry["ir.cron"]._process_job(registry.db_name, cron_cr, job)


def group_users(group):
    """The users of a ``res.groups`` record (``users`` on 18.0, ``user_ids`` on 19.0)."""
    return group[GROUP_USERS]


if not ODOO_19:

    class Constraint:
        """A SQL constraint declared like 19.0's ``models.Constraint``, as a class attribute
        whose name (without its leading ``_``) names it::

            _period_unique = Constraint("unique(integration_id, year, number)", "This period exists already.")

        19.0 collects such attributes itself (``TableObject.__set_name__``) and ignores
        ``_sql_constraints`` with a warning; on 18.0 this class adds the same triple to the
        model class's own ``_sql_constraints`` when Python names the attribute, which is where
        18.0's registry reads it (``cls.__dict__['_sql_constraints']``). Both give the database
        constraint the same name, ``<table>_<name>``, so a database keeps it across versions.
        """

        def __init__(self, definition, message=""):
            self.definition = definition
            self.message = message

        def __set_name__(self, owner, name):
            assert name.startswith("_"), "Names of SQL constraints in a model must start with '_'"
            if "_sql_constraints" not in owner.__dict__:
                owner._sql_constraints = []
            owner._sql_constraints.append((name[1:], self.definition, self.message))


# -- domains: odoo.osv.expression on 18.0; odoo.fields.Domain on 19.0 (expression warns there)

if ODOO_19:
    NEGATIVE_TERM_OPERATORS = frozenset(Domain.NEGATIVE_OPERATORS)
    TRUE_DOMAIN = list(Domain.TRUE)
    FALSE_DOMAIN = list(Domain.FALSE)

    def domain_and(domains):
        return list(Domain.AND(domains))

    def domain_or(domains):
        return list(Domain.OR(domains))

    def domain_not(domain):
        return list(~Domain(domain))

else:
    NEGATIVE_TERM_OPERATORS = frozenset(expression.NEGATIVE_TERM_OPERATORS)
    TRUE_DOMAIN = list(expression.TRUE_DOMAIN)
    FALSE_DOMAIN = list(expression.FALSE_DOMAIN)

    def domain_and(domains):
        return expression.AND(domains)

    def domain_or(domains):
        return expression.OR(domains)

    def domain_not(domain):
        return ["!", *expression.normalize_domain(domain)]


def cron_progress(env, done, remaining):
    """Tells Odoo's cron runner how far a cron call got (it calls again while work remains).
    18.0: ``_notify_progress``. 19.0: ``_commit_progress``, which also commits, and commits
    outside a cron too: called there only inside a cron run (outside one there is nothing
    to report, as on 18.0)."""
    cron = env["ir.cron"]
    if not ODOO_19:
        cron._notify_progress(done=done, remaining=remaining)
    elif env.context.get("ir_cron_progress_id"):
        cron._commit_progress(done, remaining=remaining)


def registry_test_mode(test_class):
    """Puts the registry in test mode for a test class (new cursors wrap the test's cursor),
    undone after the class: ``registry.enter_test_mode`` on 18.0,
    ``registry_enter_test_mode_cls`` of Odoo's test case on 19.0."""
    if ODOO_19:
        test_class.registry_enter_test_mode_cls()
    else:
        test_class.registry.enter_test_mode(test_class.cr)
        test_class.addClassCleanup(test_class.registry.leave_test_mode)


def public_read_group(model, domain, groupby):
    """The grouped read the web client calls (a public method, checked like one): 18.0's
    ``read_group`` (deprecated in 19.0, a warning), 19.0's ``formatted_read_group``. Each
    group a dict: the grouped fields' values as Odoo formats them (many2one: ``(id, name)``)."""
    if ODOO_19:
        return model.formatted_read_group(domain, groupby, ["__count"])
    return model.read_group(domain, groupby, groupby, lazy=False)
