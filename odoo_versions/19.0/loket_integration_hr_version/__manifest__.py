{
    "name": "Loket.nl Payroll Integration: employments as Odoo 19.0 versions",
    "summary": "The Odoo 19.0 part of loket_integration: Loket's employments mirrored as the employees' versions",
    "version": "1.1.0",
    "category": "Human Resources/Payroll",
    "license": "LGPL-3",
    "author": "loket_integration contributors",
    "website": "https://github.com/loket-integration/loket_integration",
    # Only on Odoo 19.0's addons path (odoo_versions/19.0): installed with loket_integration.
    "depends": ["loket_integration"],
    "data": ["security/loket_security.xml", "security/ir.model.access.csv", "data/hr_departure_reason.xml"],
    "auto_install": True,
    "installable": True,
}
