# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format bench serve install clean-venv messages

# A stamp per dependency set: reinstalls only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) config/requirements.py dev > $(VENV)/requirements.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $@

install: $(VENV)/.installed

.env: | $(VENV)/.installed
	@$(PY) config/devenv.py .env

run: $(VENV)/.installed .env
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py seed_demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	@$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Lint, formatting, the layers (import-linter), migrations in step with the models, then the whole suite (browser tests
# included where Chromium is installed). DATABASE_URL chooses the database; SQLite otherwise.
test: $(VENV)/.installed .env
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache
	@$(PY) manage.py makemigrations --check --dry-run > /dev/null || \
		(echo "Models and migrations differ: run 'manage.py makemigrations'." && exit 1)
	@$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

# The benchmarks (the bench/ package, not management commands), each against a baseline measured
# in the same run, on PostgreSQL (each in its own database under BENCH_PG, never the configured
# one). See README "Benchmarks".
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench: $(VENV)/.installed .env
	@echo "== Reports: one-year report over 1,000,000 petitions vs one hand-written SQL scan"
	@BENCH_DATABASE_URL=$(BENCH_PG)/petitions_bench $(PY) -m bench reports $(BENCH_ARGS)
	@echo "== Import: 10,000 rows vs the same rows replayed through the services"
	@$(PY) -m bench.benchdb $(BENCH_PG)/petitions_bench_import
	@DATABASE_URL=$(BENCH_PG)/petitions_bench_import $(PY) -m bench import --rows 10000 --baseline-rows 300
	@echo "== Key rotation: 100,000 identities vs Fernet alone in memory"
	@$(PY) -m bench.benchdb $(BENCH_PG)/petitions_bench_rotation
	@DATABASE_URL=$(BENCH_PG)/petitions_bench_rotation $(PY) -m bench rotation --identities 100000

# Production-style server for a quick look: gunicorn with collected static files.
serve: $(VENV)/.installed .env
	@$(PY) manage.py collectstatic --noinput > /dev/null
	@$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2

# Regenerate the English catalogue after changing user-facing strings (needs GNU gettext).
messages: $(VENV)/.installed
	@$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests
	@$(PY) manage.py compilemessages -l en --ignore=.venv

clean-venv:
	rm -rf $(VENV)
