# Two commands matter: `make run` and `make test`. Each sets up everything it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app rightsinfo

.PHONY: run test build lint format bench load extract update-catalogues status check clean system-run system-test \
	diff mark-current mark-reviewed mark-fact-checked mark-minor glossary

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
	$(BIN)/pip install --quiet -e '.[test]'
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

## status: what is translated, outdated, missing or due for review, per language
status: build
	$(FLASK) translations status

## check: check catalogues and translated pages (file and line for each problem)
check: $(VENV)/.installed
	$(FLASK) translations check

# Translators' commands, so nobody has to type (or install) `flask`. PAGE is a folder of
# content/pages/, LANG a language prefix (ps, prs, ar, ur), BY the name of the person who checked.
need = $(if $($(1)),,$(error $(1) is missing: $(2)))

## diff: the English words that changed since a translation was made (make diff PAGE=asylum LANG=ps)
diff: $(VENV)/.installed
	$(call need,PAGE,make diff PAGE=asylum LANG=ps)$(call need,LANG,make diff PAGE=asylum LANG=ps)
	$(FLASK) translations diff '$(PAGE)' '$(LANG)'

## mark-current: record that a translation follows today's English (make mark-current PAGE=asylum LANG=ps)
mark-current: $(VENV)/.installed
	$(call need,PAGE,make mark-current PAGE=asylum LANG=ps)$(call need,LANG,make mark-current PAGE=asylum LANG=ps)
	$(FLASK) translations mark-current '$(PAGE)' '$(LANG)'

## mark-reviewed: a native speaker checked a translation (make mark-reviewed PAGE=asylum LANG=ps BY="Name")
mark-reviewed: $(VENV)/.installed
	$(call need,PAGE,make mark-reviewed PAGE=asylum LANG=ps BY="Your name")$(call need,LANG,make mark-reviewed PAGE=asylum LANG=ps BY="Your name")$(call need,BY,make mark-reviewed PAGE=asylum LANG=ps BY="Your name")
	$(FLASK) translations mark-reviewed '$(PAGE)' '$(LANG)' --by '$(BY)'

## mark-fact-checked: a person checked an English page against its sources (make mark-fact-checked PAGE=asylum BY="Name")
mark-fact-checked: $(VENV)/.installed
	$(call need,PAGE,make mark-fact-checked PAGE=asylum BY="Your name")$(call need,BY,make mark-fact-checked PAGE=asylum BY="Your name")
	$(FLASK) translations mark-fact-checked '$(PAGE)' --by '$(BY)'

## mark-minor: an English edit changed no meaning; translations stay current (make mark-minor PAGE=asylum)
mark-minor: $(VENV)/.installed
	$(call need,PAGE,make mark-minor PAGE=asylum)
	$(FLASK) translations mark-minor '$(PAGE)'

## glossary: the word to use for each key term, per language
glossary: $(VENV)/.installed
	$(FLASK) translations glossary

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
