from . import test_connect, test_install
