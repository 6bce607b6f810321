# Forum Portal. `make run` serves the portal with demo data; `make test` runs every check.
# Needs Python 3.11+, Node 18+ and make; Java 11+ for the HTML checker in the browser tests.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run setup assets test lint test-only bench drills clean

run: setup
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py createcachetable
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) bin/run-dev

setup: $(VENV)/.installed node_modules/.installed assets

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	npm run --silent build

# Lint, format, migrations and the whole test suite. Set DATABASE_URL and REDIS_URL to run on
# PostgreSQL and Redis (as CI does); without them it runs on SQLite and skips the worker tests.
test: setup lint test-only

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# One test process per core (pytest-xdist): each has its own test database, live server and browser.
test-only:
	$(VENV)/bin/pytest -n auto

# Speed of every key page against the floor page, on PostgreSQL (see bench/run.py).
bench: setup
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/run.py

clean:
	rm -rf var/staticfiles static/build static/govuk

# Load test (Locust, 50 people for 60 s) and fault drills (PostgreSQL and Redis servers of their own
# stopped and started, a worker killed mid-batch) on 127.0.0.1, with gunicorn and a worker. About
# four minutes; not part of `make test`. See docs/operations.md; figures in var/drills/results.json.
drills: setup
	$(PY) loadtest/run.py $(DRILLS)
