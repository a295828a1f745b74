{
    "name": "Loket.nl Payroll Integration: contracts (Odoo 18.0)",
    "summary": "Odoo 18.0's contracts follow the Loket employments (installed with Loket.nl Payroll Integration)",
    "version": "1.1.0",
    "category": "Human Resources/Payroll",
    "license": "LGPL-3",
    "author": "loket_integration contributors",
    "website": "https://github.com/loket-integration/loket_integration",
    "depends": ["loket_integration", "hr_contract"],
    "data": [
        "security/loket_security.xml",
        "views/hr_contract_views.xml",
    ],
    "installable": True,
    # Triggered by loket_integration alone: hr_contract, which nothing else installs, comes with it.
    "auto_install": ["loket_integration"],
    "application": False,
}
