# Two commands matter: `make run` and `make test`. Each sets up everything it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app rightsinfo

.PHONY: run test build lint format bench load extract update-catalogues status check clean system-run system-test

# Debian packages come from one list, system-packages.txt: as root they are installed, otherwise the
# check stops at once and prints the one command that installs them.
system-run:
	tools/system-packages run

system-test:
	tools/system-packages test

# The virtualenv is rebuilt when pyproject.toml changes; the stamp records the last good install.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,zim]'
	touch $@

## run: set up, build the content and serve on http://127.0.0.1:$(PORT)
run: system-run build
	$(BIN)/gunicorn --config python:rightsinfo.gunicorn_conf --bind 127.0.0.1:$(PORT) wsgi:app

## build: compile the catalogues and build the content database (fails naming file and line)
build: $(VENV)/.installed
	$(FLASK) build

## test: set up, lint, check translations, run every test (browser tests included)
test: system-test build
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(FLASK) translations check
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: measure page weights, render and serve times, pack sizes, leaflets; writes bench/results.json
bench: build
	$(BIN)/python -m bench.run

## load: a bounded load test with wrk against gunicorn on 127.0.0.1 (stops by itself)
load: build
	$(BIN)/python -m bench.load

## extract: refresh translations/messages.pot from the code and templates (stable: no line numbers)
extract: $(VENV)/.installed
	$(FLASK) translations extract

## update-catalogues: merge the .pot into every .po without fuzzy guesses
update-catalogues: extract
	$(FLASK) translations update

status: build
	$(FLASK) translations status

check: $(VENV)/.installed
	$(FLASK) translations check

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
