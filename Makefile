# Two commands matter: `make run` and `make test`. Each sets up everything it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app rightsinfo

.PHONY: run test build lint format bench load lock port-free extract update-catalogues status check clean system-run system-test

# Debian packages come from one list, system-packages.txt: as root they are installed, otherwise the
# check stops at once and prints the one command that installs them.
system-run:
	tools/system-packages run

system-test:
	tools/system-packages test

# Installs come from the hashed lock files in requirements/ (made by `make lock` from pyproject.toml's
# ranges), never from whatever the package index serves that day. `make run` installs what the site
# needs to serve (requirements/run.txt); `make test` adds the test tools (requirements/test.txt).
# Each stamp records the last good install of its lock file.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements/run.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/run.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements/test.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed-run

## lock: pin every dependency with hashes for Python 3.11 on Linux (Debian bookworm), from pyproject.toml
# uv resolves for that Python and platform whatever machine runs it (pip-compile resolves only for
# its own); pip alone installs the result. Every extra goes into test.txt, so a new extra is locked too.
LOCK_TARGET := --generate-hashes --python-version 3.11 --python-platform linux --quiet
lock: | $(VENV)/bin/python
	$(BIN)/pip install --quiet 'uv>=0.5'
	$(BIN)/uv pip compile pyproject.toml --all-extras $(LOCK_TARGET) -o requirements/test.txt
	$(BIN)/uv pip compile pyproject.toml $(LOCK_TARGET) -c requirements/test.txt -o requirements/run.txt

# A second `make run` while one serves: say so and stop, before building anything.
port-free:
	@$(PYTHON) -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $(PORT))) == 0)" \
	  || { echo "rightsinfo is already running on port $(PORT): http://127.0.0.1:$(PORT)/ (stop it, or use PORT=…)"; exit 1; }

## run: set up (runtime dependencies only), build the content and serve on http://127.0.0.1:$(PORT)
run: system-run port-free $(VENV)/.installed-run
	$(FLASK) build
	$(BIN)/gunicorn --config python:rightsinfo.gunicorn_conf --bind 127.0.0.1:$(PORT) wsgi:app

## build: compile the catalogues and build the content database (fails naming file and line)
build: $(VENV)/.installed-run
	$(FLASK) build

## test: set up, lint, check translations, run every test (browser tests included)
test: system-test $(VENV)/.installed-test build
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(FLASK) translations check
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: measure page weights, render and serve times, pack sizes, leaflets; writes bench/results.json
bench: $(VENV)/.installed-test build
	$(BIN)/python -m bench.run

## load: a bounded load test with wrk against gunicorn on 127.0.0.1 (stops by itself)
load: $(VENV)/.installed-test build
	$(BIN)/python -m bench.load

## extract: refresh translations/messages.pot from the code and templates (stable: no line numbers)
extract: $(VENV)/.installed-run
	$(FLASK) translations extract

## update-catalogues: merge the .pot into every .po without fuzzy guesses
update-catalogues: extract
	$(FLASK) translations update

status: build
	$(FLASK) translations status

check: $(VENV)/.installed-run
	$(FLASK) translations check

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
