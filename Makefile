# Shiliu developer commands. `make demo` and `make test` work on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install migrate seed messages i18n-check lint serve worker bench bench-ledgers bench-requests bench-creation browser-test clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(PY) manage.py compilemo

migrate: install messages
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

demo: seed
	@echo "Starting the background worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@$(PY) manage.py db_worker --queue-name default & WORKER=$$!; \
	(i=0; while true; do $(PY) manage.py exchange_sweep >/dev/null 2>&1; $(PY) manage.py requests_sweep >/dev/null 2>&1; \
	  [ $$((i % 360)) -eq 0 ] && $(PY) manage.py creation_daily >/dev/null 2>&1; i=$$((i + 1)); sleep 60; done) & SWEEPER=$$!; \
	trap "kill $$WORKER $$SWEEPER 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: install messages
	$(PY) -m pytest -q -n 2 --dist loadfile

browser-test: install messages
	$(PY) -m pytest -q -m browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

i18n-check: install
	$(PY) manage.py i18n_check

bench: install messages
	$(PY) bench/run.py

bench-ledgers: install messages
	$(PY) bench/ledgers.py

bench-requests: install messages
	$(PY) bench/requests.py

bench-creation: install messages
	$(PY) bench/creation.py

clean:
	rm -rf var/*.sqlite3* var/test-private
