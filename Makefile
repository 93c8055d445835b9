# BZPEER: `make run` serves the demo site, `make test` runs the suite. `make help` lists all.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_FEED := works/demo/lillicrap.atom.xml
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install migrate demo run test check lint fmt clean bench-import bench-graph bench-load

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The .env with DEBUG=true comes with the virtualenv, so .venv/bin/python manage.py ... works
# on a development checkout whichever make target made it.
install: $(VENV)/.installed .env ## Create the virtualenv (and .env) and install pinned dependencies

migrate: install ## Apply database migrations (starts the embedded PostgreSQL if DATABASE_URL is unset)
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

# A development checkout runs with DEBUG on, so the README's manage.py commands work as
# written; production sets its environment instead and never runs these targets.
.env:
	cp .env.example .env

demo: migrate ## Import the demo data through the arXiv importer and build its research graphs
	DEBUG=$${DEBUG:-1} $(PY) manage.py import_arxiv $(DEMO_FEED)
	DEBUG=$${DEBUG:-1} $(PY) manage.py build_graphs

run: demo ## Set everything up; serve the site on http://127.0.0.1:8000 with a Celery worker and beat
	@echo "Serving http://$(HOST):$(PORT)/researchers/timothy-lillicrap/"
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py serve $(HOST):$(PORT)

test: install ## Run the whole suite on PostgreSQL (embedded unless DATABASE_URL is set)
	$(PY) -m pytest --create-db $(PYTEST_ARGS)

check: install ## Lint, type-check, check import contracts, missing migrations and the API schema
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

BENCH_ENV := DEBUG=0 SECRET_KEY=benchmark-only-not-a-secret-0123456789abcdefghijklmnop \
	SITE_URL=http://127.0.0.1:8000 SECURE_SSL_REDIRECT=0

bench-import: install ## Import 20,000 then 200,000 synthetic works into a fresh database; print rates and memory
	@for n in 20000 200000; do \
	  test -f .bench/synthetic-$$n.jsonl.gz || $(BENCH_ENV) $(PY) manage.py make_synthetic --works $$n; \
	  $(BENCH_ENV) $(PY) manage.py bench_import .bench/synthetic-$$n.jsonl.gz | grep -E '^(BENCH|refresh)'; \
	done

bench-graph: install ## Build the graph slice of a researcher with 10,000 works and 5,000 coauthors; print time and memory
	$(BENCH_ENV) $(PY) manage.py bench_graph | grep '^BENCH'

bench-load: install ## 100 visitors for 60 s against gunicorn on the embedded default; print requests, errors, latency percentiles
	$(BENCH_ENV) $(PY) manage.py bench_load

fmt: install ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: ## Remove the virtualenv and the embedded database
	rm -rf $(VENV) .pgdata staticfiles
