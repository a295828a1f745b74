from . import test_mapping
from . import test_booking
from . import test_booking_race
from . import test_runs_removed
from . import test_faults
from . import test_cron
from . import test_rights
from . import test_screens
