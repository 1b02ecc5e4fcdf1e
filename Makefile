# Two commands do all set-up on a fresh machine:
#   make run    serve the app on SQLite with the demo group loaded
#   make test   run the whole suite on SQLite and on PostgreSQL

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := PO_MEETINGS_PRODUCTION=false PO_MEETINGS_MAIL_BACKEND=console PO_MEETINGS_PORT=$(PORT) $(BIN)/flask --app po_meetings
PYTEST := $(BIN)/pytest

.PHONY: run test test-sqlite test-postgresql lint system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

run: $(VENV)/.installed
	./scripts/system-deps.sh runtime
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) demo-logins
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

system-deps:
	./scripts/system-deps.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(VENV)/.installed-test system-deps lint
	$(PYTEST) --db=sqlite
	$(PYTEST) --db=postgresql

test-sqlite: $(VENV)/.installed-test system-deps
	$(PYTEST) --db=sqlite

test-postgresql: $(VENV)/.installed-test system-deps
	$(PYTEST) --db=postgresql

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis test-artifacts
