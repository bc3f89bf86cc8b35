# `make run` and `make test` set everything up on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the browser tests' accessibility checks (package.json); skipped, with a note, without npm.
NODE_STAMP := node_modules/.installed

.PHONY: setup run region test typecheck bench load load-uploads lint sample

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m ui.serve

# A region's boards on one server: PROCESSES app processes (default: one per core) behind HAProxy on port 8501, over
# the PostgreSQL database in WRES_DATABASE_URL (README: "Running the app for a region").
PROCESSES ?=
region: $(STAMP)
	$(BIN)/python -m ui.region $(if $(PROCESSES),--processes $(PROCESSES))

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the accessibility checks will be skipped (install Node.js and npm first)"; fi

# The type check first: a type error fails `make test` (and CI) before the tests run. The tests then run on every
# core (pytest-xdist); each worker's PostgreSQL tests keep to a schema of their own (tests/conftest.py). The twenty
# slowest tests are listed at the end, so a test that grows slow is seen (the suite is over its 15-minute budget).
test: $(STAMP) typecheck $(NODE_STAMP)
	$(BIN)/python -m pytest -n auto --durations=20

# mypy over the packages that pyproject.toml's [tool.mypy] names, with pandas-stubs.
typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Simulated people on one app server (1, 10, 20 and 40 at once), beside the untuned server, and again on two processes
# behind HAProxy when WRES_LOAD_DATABASE_URL names a throwaway PostgreSQL database: a few minutes. README.
load: $(STAMP)
	$(BIN)/python -m loadtest

# Ten simulated people adding a 50,000-row workbook at once, and the server's memory after they leave: about three
# minutes. README: "Many people adding files at once".
load-uploads: $(STAMP)
	$(BIN)/python -m loadtest.uploads

lint: $(STAMP)
	$(BIN)/ruff check .

sample: $(STAMP)
	$(BIN)/python -m sample_data.generate
	$(BIN)/python -m sample_data.generate_trust
	$(BIN)/python -m sample_data.population
	$(BIN)/python -m sample_data.region
