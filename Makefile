# Two commands on a fresh machine: `make demo` serves the embedded default with a demo tenant;
# `make test` runs the whole test suite (on PostgreSQL + Redis when DATABASE_URL / REDIS_URL
# are set, else on the embedded default).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Test processes (pytest-xdist): each has its own database, server and prefixes (tests/README.md).
TEST_WORKERS ?= 2

.PHONY: install demo serve test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo --host localhost:$(PORT)
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://localhost:$(PORT)} \
	  $(PY) manage.py serve --host $(HOST) --port $(PORT) --workers 1  # and the FTP server (FTP_PORT, 2121)

serve: install
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) --websocket_timeout -1 cpms.asgi:application

# The fast tier first, then the live tier, each split over TEST_WORKERS processes: a live test
# commits data (and starts a server) that the fast tier's tests must not share a database with.
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile tests/fast $(PYTEST_ARGS)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --ignore=tests/fast $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
