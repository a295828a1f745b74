{
    "name": "Loket.nl Payroll Integration",
    "summary": "Employees from Loket.nl, timesheet hours to Loket.nl payroll",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Payroll",
    "license": "LGPL-3",
    "author": "loket_integration contributors",
    "website": "https://github.com/loket-integration/loket_integration",
    "depends": ["mail", "hr", "hr_contract", "hr_timesheet", "hr_work_entry"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/loket_security.xml",
    ],
    "installable": True,
    "application": False,
}
