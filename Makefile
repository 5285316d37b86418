# Linli — the two promises: `make demo` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LINLI := $(BIN)/linli
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs in two processes (pytest-xdist), one per core of the machines it runs on.
TEST_WORKERS ?= 2

.PHONY: demo test test-sqlite test-postgres setup locale lint migrations-check api-fuzz bench serve clean help

help:
	@echo "make demo   — set up, load demo data and start the product on http://$(HOST):$(PORT)"
	@echo "make test   — set up and run the test suite (SQLite; also PostgreSQL if DATABASE_URL is set)"
	@echo "make lint   — ruff, import layers, scoped-query check, translations, migrations check"
	@echo "make bench  — the benchmark on the local PostgreSQL (BENCH_SCALE=small|full), see bench/"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP) locale
	@mkdir -p var

# Compiled message catalogues are build output, not source.
locale: $(STAMP)
	@for po in $$(find src/linli/locale -name '*.po' 2>/dev/null); do \
	  $(BIN)/pybabel compile --use-fuzzy -i $$po -o $${po%.po}.mo -D django >/dev/null || exit 1; \
	done

demo: setup
	$(LINLI) migrate --noinput
	$(LINLI) demo_data
	$(LINLI) run_embedded --host $(HOST) --port $(PORT)

serve: setup
	$(LINLI) run_embedded --host $(HOST) --port $(PORT)

test: setup
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite:
	@echo "== test suite on SQLite"
	env -u DATABASE_URL LINLI_TESTING=1 $(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL ($${DATABASE_URL%%@*}@…)"
	LINLI_TESTING=1 $(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(LINLI) check_scoped_queries
	$(LINLI) check_translations
	$(MAKE) --no-print-directory migrations-check

migrations-check:
	env -u DATABASE_URL $(LINLI) makemigrations --check --dry-run

api-fuzz: setup
	bash .ci/api-fuzz

# The benchmark (NFR-1): its own database on the local PostgreSQL, gunicorn on 127.0.0.1.
bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/*.sqlite3* var/broker var/static
