from . import loket_journal_settings
from . import loket_journal_account
from . import loket_journal_analytic
from . import loket_journal_run
from . import loket_journal_booking
from . import loket_journal_cron
from . import loket_integration
from . import account_move
