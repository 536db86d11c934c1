# Two commands for a newcomer: `make run` and `make test`. Both create and reuse .venv/.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEV_ENV := DJANGO_DEBUG=1

.PHONY: install run test lint translations messages ci bench clean

install: $(STAMP) translations

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
	  { echo "OpsPlan needs Python 3.12 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	rm -f $(VENV)/.installed-*; touch $(STAMP)

translations: $(STAMP)
	@$(DEV_ENV) $(BIN)/python manage.py compile_translations

# Run OpsPlan with demo data on the embedded default: SQLite + Celery's filesystem broker.
run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "OpsPlan: http://127.0.0.1:8000  (web, worker and beat start below; Ctrl-C stops all)"
	$(DEV_ENV) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start

# The whole test suite.
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

# Refresh the .po catalogues from the code (needs GNU gettext's xgettext).
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*'

# The benchmarks (PostgreSQL): rollups and ingestion, the mixed load, the dashboards.
BENCHMARKS := bench/kpi_rollup.py bench/load.py bench/pages.py
bench: install
	@for b in $(BENCHMARKS); do echo "== $$b"; $(BIN)/python "$$b" || exit 1; done

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var
