from . import loket_employment_mirror
