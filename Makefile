.PHONY: test lint install-test-deps

# The project's test command (see README): Odoo-free tests, then the Odoo tests
# on a throwaway database when Odoo 18 is importable.
test:
	python3 scripts/run_tests.py

install-test-deps:
	python3 -m pip install --quiet -e '.[test]'

lint:
	pre-commit run --all-files
