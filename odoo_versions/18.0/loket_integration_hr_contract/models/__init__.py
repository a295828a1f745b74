from . import hr_contract
from . import loket_employment_mirror
