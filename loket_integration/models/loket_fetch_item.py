from odoo import fields, models
from odoo.tools import SQL, create_index


class LoketFetchItem(models.Model):
    """One entity of Loket's employer-wide lists, kept between the batches of a fetch run
    (loket.job) until the lists are joined into the Loket employees rows. The run deletes
    its items when it ends. They hold personal data: only the addon's own code reads them
    (system administrators only otherwise)."""

    _name = "loket.fetch.item"
    _description = "Loket list entity held by a fetch run"
    _log_access = False
    _rec_name = "key"

    job_id = fields.Many2one("loket.job", "Run", required=True, ondelete="cascade", index=True)
    list_name = fields.Selection(
        string="Loket list",
        selection=[  # employee_bundles.LISTS
            ("organizational_entities", "Organizational entities"),
            ("working_hours", "Working hours"),
            ("employments", "Employments"),
            ("employees", "Employees"),
            ("employment_versions", "Employment version numbers"),  # a sync's, kept until the lists are stored
        ],
        required=True,
    )
    key = fields.Char("Loket id", required=True, help="Loket id of the employee or employment")
    owner_key = fields.Char("Employee's Loket id", help="An employment's employee")
    data = fields.Json(prefetch=False)

    def init(self):
        create_index(self.env.cr, "loket_fetch_item_key_index", self._table, ["job_id", "list_name", "key"])
        create_index(self.env.cr, "loket_fetch_item_owner_index", self._table, ["job_id", "list_name", "owner_key"])

    def _loket_drop(self, job_ids, list_names=None):
        """Delete the items of these runs (of ``list_names`` only, when given): one statement."""
        query = SQL("DELETE FROM loket_fetch_item WHERE job_id = ANY(%s)", list(job_ids))
        if list_names:
            query = SQL("%s AND list_name = ANY(%s)", query, list(list_names))
        self.env.cr.execute(query)
        self.invalidate_model()

    def _loket_drop_ids(self, ids):
        """Delete these items (without a log line listing every id, as unlink writes)."""
        self.env.cr.execute(SQL("DELETE FROM loket_fetch_item WHERE id = ANY(%s)", list(ids)))
        self.invalidate_model()
