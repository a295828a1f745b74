"""Plain-Python side of the Loket.nl integration.

Nothing in this package imports ``odoo``: it knows HTTP, OAuth, paging,
retries and Loket's error envelope (``client``), how Loket data becomes Odoo
values (``employee_mapper``), how payroll periods are laid out
(``payroll_periods``) and how the import CSV is written (``payroll_csv``).
The Odoo models orchestrate these pieces.
"""

from .client import LoketClient, PayrollPeriodDataResult
from .environments import ACCEPTANCE, ENVIRONMENTS, PRODUCTION, LoketEnvironment
from .errors import (
    LoketAuthError,
    LoketBusinessRuleError,
    LoketConnectionError,
    LoketError,
    LoketForbiddenError,
    LoketInvalidGrantError,
    LoketMessage,
    LoketNotFoundError,
    LoketRateLimitedError,
    LoketServerError,
)
from .oauth import LoketOAuth, StoredTokens, TokenSet

__all__ = [
    "ACCEPTANCE",
    "ENVIRONMENTS",
    "PRODUCTION",
    "LoketAuthError",
    "LoketBusinessRuleError",
    "LoketClient",
    "LoketConnectionError",
    "LoketEnvironment",
    "LoketError",
    "LoketForbiddenError",
    "LoketInvalidGrantError",
    "LoketMessage",
    "LoketNotFoundError",
    "LoketOAuth",
    "LoketRateLimitedError",
    "LoketServerError",
    "PayrollPeriodDataResult",
    "StoredTokens",
    "TokenSet",
]
