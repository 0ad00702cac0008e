# `make test` sets everything up itself on a fresh Debian/Ubuntu machine: the system packages
# (as root; otherwise it prints the apt-get line), .venv, the project with its test and Linux
# tray extras, then lint, type checks and the whole test suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-test

.PHONY: test demo lint typecheck pytest bench clean

$(STAMP): pyproject.toml scripts/system-packages
	bash scripts/system-packages
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,linux-tray]'
	touch $(STAMP)

test: lint typecheck pytest

# The tray (or the terminal panel without a display) on an embedded AWS emulator: no account.
demo: $(STAMP)
	$(PY) -m tray_app demo

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/lambda_bench.py
	$(PY) bench/session_bench.py
	$(PY) bench/shared_bench.py
	$(PY) bench/tray_bench.py
	$(PY) bench/demo_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
