"""Installs the addon so that it imports as ``odoo.addons.loket_integration``
beside an installed Odoo 18 (Odoo itself is not on PyPI and not required here)."""

from setuptools import find_packages, setup

ADDON = "loket_integration"

setup(
    name="odoo-addon-loket-integration",
    version="18.0.1.0.0",
    description="Odoo 18 ↔ Loket.nl: employees from Loket, timesheet hours to Loket payroll",
    license="LGPL-3",
    python_requires=">=3.10",
    packages=[f"odoo.addons.{ADDON}"] + [f"odoo.addons.{ADDON}.{p}" for p in find_packages(ADDON)],
    package_dir={f"odoo.addons.{ADDON}": ADDON},
    include_package_data=True,
    package_data={
        f"odoo.addons.{ADDON}": [
            "*.csv",
            "*.xml",
            "*.sql",
            "*/*.csv",
            "*/*.xml",
            "*/*.sql",
            "*/*.png",
            "static/**/*",
            "i18n/*.pot",
            "tests/golden/*",
        ]
    },
    install_requires=["requests"],
    extras_require={"test": ["pytest", "pytest-odoo", "responses", "websocket-client"]},
)
