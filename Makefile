# Two commands do all set-up on a fresh machine:
#   make run    serve the app on SQLite with the demo group loaded
#   make test   run the whole suite on SQLite and on PostgreSQL
#   make bench  load the app's pages with wrk against a minimal Flask app (bench/RESULTS.md)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := PO_MEETINGS_PRODUCTION=false PO_MEETINGS_MAIL_BACKEND=console PO_MEETINGS_PORT=$(PORT) $(BIN)/flask --app po_meetings
# The suite runs in one worker process per core (at most 4; pytest-xdist), each with its own
# SQLite file or PostgreSQL server; the slowest tests are listed at the end of every run.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses=4 --dist worksteal --durations=20

# make bench: DB=sqlite|postgresql, ROUNDS (medians of), BENCH_SECONDS per page, WORKERS
# (gunicorn's, for the app and the floor alike). 13 pages x 3 rounds x 20 s would pass the 15
# minutes make bench is allowed, so it measures 15 s a page; bench/run.py alone defaults to 20.
DB ?= sqlite
ROUNDS ?= 3
BENCH_SECONDS ?= 15
WORKERS ?= 2
BENCH := DB=$(DB) BENCH_SECONDS=$(BENCH_SECONDS) WORKERS=$(WORKERS) $(BIN)/python bench/run.py
# make bench-scale: the same pages with 2 000 and 200 000 reports in the database (one round
# unless SCALE_ROUNDS says otherwise).
BENCH_SIZES ?= 2000,200000
SCALE_ROUNDS ?= 1

.PHONY: run test test-sqlite test-postgresql lint system-deps bench bench-scale clean

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

bench: $(VENV)/.installed
	DB=$(DB) ./scripts/system-deps.sh bench
	ROUNDS=$(ROUNDS) $(BENCH)

bench-scale: $(VENV)/.installed
	DB=$(DB) ./scripts/system-deps.sh bench
	ROUNDS=$(SCALE_ROUNDS) BENCH_SIZES=$(BENCH_SIZES) $(BENCH)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis test-artifacts
