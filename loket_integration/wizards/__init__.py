from . import loket_export_wizard
