from . import test_contract_mirror, test_contract_states
