from . import (
    test_administrations,
    test_connect,
    test_employees,
    test_export,
    test_export_bad_input,
    test_export_history,
    test_export_jobs,
    test_i18n,
    test_install,
    test_screens,
    test_send,
    test_time_off,
    test_token_race,
    test_tours,
)
from . import test_jobs
