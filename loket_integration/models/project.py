from odoo import fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    loket_hour_code_id = fields.Many2one(
        "hr.work.entry.type", string="Loket hour code", help="Hour code of this project's timesheets (Loket export)"
    )


class ProjectTask(models.Model):
    _inherit = "project.task"

    loket_hour_code_id = fields.Many2one(
        "hr.work.entry.type", string="Loket hour code", help="Hour code of this task's timesheets; else the project's"
    )
