from . import (
    test_access_matrix,
    test_connect,
    test_contract_states,
    test_employee_bad_input,
    test_employee_privacy,
    test_employees,
    test_export,
    test_export_bad_input,
    test_i18n,
    test_install,
    test_sandbox,
    test_screens,
    test_send,
    test_time_off,
    test_token_race,
    test_tours,
)
from . import test_jobs
