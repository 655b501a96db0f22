# `make run` starts the whole product on a fresh Debian machine; `make test` runs the suite.
# Everything is installed by these targets: a virtualenv in $(VENV), the project in it, and
# the few Debian packages the product needs (when we are root and apt-get exists).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
CELERY := $(VENV)/bin/celery
MANAGE := $(PY) manage.py

# System packages, in one list. gettext: msgfmt for compilemessages; chromium: the browser
# the Playwright tests drive (Playwright cannot download its own here); fonts-noto-cjk:
# Chinese text in the browser's screenshots and, later, in PDFs.
APT_PACKAGES ?= gettext chromium fonts-noto-cjk

RUN_SETTINGS ?= chamber.settings.local
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?=
DEMO_USERS := demo-admin demo-secretary demo-branch demo-treasurer demo-reviewer demo-member
PYTEST_ARGS ?=
# bench_roster turns DEBUG off itself; BENCH_ARGS passes options (--rebuild, --requests N).
BENCH_SETTINGS ?= chamber.settings.local
BENCH_ARGS ?=
# bench_scale measures the data set of seed_scale (1,000,000 members, 2,000 chambers) in its
# own database; bench_table then prints every bench command's latest figures as one table.
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chamber_scale
SCALE_BENCH_ARGS ?=

.PHONY: help install assets system-packages database messages static migrate seed demo run test \
	migrations-check bench clean

help:
	@echo "make run               install, prepare and start the product on http://$(HOST):$(PORT)"
	@echo "make test              install and run the whole test suite (plus migrations-check)"
	@echo "make bench             the benchmarks: roster, evaluations, money, events, reminders, import, export, certificates, annual report, scale, load; then one table"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make demo              seed_demo again: reset demo passwords, print a new API key"
	@echo "Variables: VENV=$(VENV) DATABASE_URL REDIS_URL DEMO_PASSWORD PYTEST_ARGS HOST PORT"

# --- Installation -------------------------------------------------------------------------

# Reinstalled when pyproject.toml changes or the venv is gone. System packages come first:
# Debian's own python3 needs python3-venv before it can make a venv.
$(VENV)/.installed: pyproject.toml | system-packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --progress-bar off -e ".[test]"
	touch $@

install: system-packages $(VENV)/.installed assets

# Front-end packages (Bootstrap, Bootstrap Icons, htmx) from the npm registry, exactly as
# package-lock.json pins them; Django serves them from node_modules/ (settings:
# STATICFILES_DIRS), so no page ever loads anything from outside.
assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# apt only for what is missing, so a machine that has it all needs no network and no root.
system-packages:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ ! -x $(PY) ] && ! $(PYTHON) -c "import ensurepip" >/dev/null 2>&1; then \
	  missing="$$missing python3-venv"; fi; \
	if ! command -v npm >/dev/null 2>&1; then missing="$$missing nodejs npm"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make: no apt-get here; please install:$$missing" >&2; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "make: not root, skipping apt; please run: sudo apt-get install$$missing" >&2; exit 0; fi; \
	echo "Installing system packages:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq; \
	apt-get install -y -qq --no-install-recommends $$missing

# Creates the PostgreSQL database DATABASE_URL names if it is missing (run, bench; pytest
# makes its own test_<name>). Nothing to do for SQLite.
define ENSURE_DATABASE_PY
import os, dj_database_url, psycopg2
from psycopg2 import sql
url = os.environ.get("DATABASE_URL", "")
db = dj_database_url.parse(url) if url else {}
if db.get("ENGINE", "").endswith("postgresql"):
    conn = psycopg2.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"],
                            host=db["HOST"], port=db["PORT"] or 5432)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print("Created database", db["NAME"])
    conn.close()
endef
export ENSURE_DATABASE_PY

database: install
	$(PY) -c "$$ENSURE_DATABASE_PY"

# --- Preparing the site -------------------------------------------------------------------

# locale/ may be empty: compilemessages then has nothing to do, but it needs the folder.
# The venvs are skipped, or it would walk every installed package.
messages: install
	@mkdir -p locale
	@if command -v msgfmt >/dev/null 2>&1; then \
	  $(MANAGE) compilemessages --ignore='.venv*' --ignore='$(notdir $(VENV))' \
	    --ignore=node_modules --ignore=staticfiles --ignore=var; \
	else echo "make: msgfmt (gettext) missing, translations not compiled" >&2; fi

static: install
	$(MANAGE) collectstatic --noinput --verbosity 0

migrate: database
	$(MANAGE) migrate --noinput

# Seeds on first run only: "first" means the database has no demo-admin yet, so a new or
# reset database (SQLite file, another DATABASE_URL) is seeded again. seed_demo is
# idempotent anyway.
seed: migrate
	@if ! $(MANAGE) help seed_demo >/dev/null 2>&1; then \
	  echo "make: seed_demo is not available yet, no demo data" >&2; exit 0; fi; \
	if $(MANAGE) shell -v 0 -c "import sys; from django.contrib.auth import get_user_model; \
	    sys.exit(0 if get_user_model().objects.filter(username='demo-admin').exists() else 1)"; then \
	  echo ""; \
	  echo "Demo data already seeded. Users: $(DEMO_USERS)"; \
	  echo "Password: the one given at first seeding (default demo12345678)."; \
	  echo "The read-only API key was printed at first seeding; 'make demo' resets the"; \
	  echo "passwords and prints a new key (only a digest of a key is stored)."; \
	else \
	  $(MANAGE) seed_demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)'); \
	fi

# Runs seed_demo again: resets the demo passwords (DEMO_PASSWORD) and rotates the API key.
demo: export DJANGO_SETTINGS_MODULE := $(RUN_SETTINGS)
demo: migrate
	$(MANAGE) seed_demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)')

# --- Running ------------------------------------------------------------------------------

# Polls /healthz (up to 60 s) so the "Ready" banner comes after the server's own start-up lines.
define WAIT_FOR_HEALTHZ_PY
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        sys.exit(0)
    except Exception:
        time.sleep(0.5)
sys.exit(1)
endef
export WAIT_FOR_HEALTHZ_PY

# Web server, beat (exactly one) and, with a broker, a worker. Without REDIS_URL the settings
# make tasks eager, so beat runs the periodic tasks itself. Each process gets its own
# session (setsid) so that one trap can stop each whole process tree (runserver's reloader,
# celery's pool) on Ctrl-C, or all of them when any one exits.
run: export DJANGO_SETTINGS_MODULE := $(RUN_SETTINGS)
run: install messages static migrate seed
	@pids=(); \
	stop() { trap - INT TERM EXIT; \
	  for p in "$${pids[@]}"; do kill -TERM -- "-$$p" 2>/dev/null || kill -TERM "$$p" 2>/dev/null || true; done; \
	  wait; }; \
	trap stop INT TERM EXIT; \
	echo ""; \
	echo "Starting on http://$(HOST):$(PORT)/  (Ctrl-C stops everything)"; \
	if [ -n "$${REDIS_URL:-}" ]; then \
	  echo "Redis: $$REDIS_URL - a Celery worker and beat run beside the web server."; \
	  setsid $(CELERY) -A chamber worker -l INFO </dev/null & pids+=($$!); \
	else \
	  echo "No REDIS_URL: tasks run in-process; beat runs the periodic ones itself."; \
	fi; \
	setsid $(CELERY) -A chamber beat -l INFO </dev/null & pids+=($$!); \
	setsid $(MANAGE) runserver $(HOST):$(PORT) </dev/null & pids+=($$!); \
	{ $(PY) -c "$$WAIT_FOR_HEALTHZ_PY" "http://$(HOST):$(PORT)/healthz" && \
	  echo "" && echo "Ready: http://$(HOST):$(PORT)/   API: http://$(HOST):$(PORT)/api/v1/docs/" && \
	  echo "Demo users: $(DEMO_USERS) (password: as seeded, default demo12345678)" && \
	  echo ""; } & \
	wait -n "$${pids[@]}"

# --- Checks -------------------------------------------------------------------------------

migrations-check: export DJANGO_SETTINGS_MODULE := chamber.settings.test
migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

# The migrations check runs first but does not stop pytest, so the suite's summary is
# always the last thing printed; either failing makes the exit code non-zero.
test: export DJANGO_SETTINGS_MODULE := chamber.settings.test
test: install messages database
	@status=0; \
	$(MANAGE) makemigrations --check --dry-run || { status=$$?; echo "make: migrations are missing (above)" >&2; }; \
	$(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	exit $$status

bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/chamber_bench
bench: export DJANGO_SETTINGS_MODULE := $(BENCH_SETTINGS)
bench: migrate
	$(MANAGE) bench_roster $(BENCH_ARGS)
	$(MANAGE) bench_evaluations
	$(MANAGE) bench_money
	$(MANAGE) bench_events
	$(MANAGE) bench_reminders
	$(MANAGE) bench_import
	$(MANAGE) bench_export
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(MANAGE) bench_certificates
	$(MANAGE) bench_annual_report
	DATABASE_URL=$(SCALE_DATABASE_URL) $(MANAGE) bench_scale $(SCALE_BENCH_ARGS) || \
	  echo "make: bench_scale did not run (no seed_scale data set at $(SCALE_DATABASE_URL)?)" >&2
	$(MANAGE) bench_load
	$(MANAGE) bench_table

clean:
	rm -rf staticfiles .pytest_cache
