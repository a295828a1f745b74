from . import test_version_mirror
