# Two commands matter: `make run` and `make test`. Each sets up everything it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app rightsinfo

.PHONY: run test build publish lint format bench load lock port-free extract update-catalogues status check clean system-run \
	system-test diff mark-current mark-reviewed mark-fact-checked mark-minor glossary new-language import-recording

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
	RIGHTSINFO_PRERENDER_LEAFLETS_AT_START=1 $(BIN)/gunicorn --config python:rightsinfo.gunicorn_conf --bind 127.0.0.1:$(PORT) wsgi:app

## build: compile the catalogues and build the content database (fails naming file and line)
# Quick, for an editor's edit-and-reload loop: leaflets are rendered when first asked for.
build: $(VENV)/.installed-run
	$(FLASK) build

## publish: build, then pre-render the leaflets the print page offers (those not made yet), for a server
publish: $(VENV)/.installed-run
	$(FLASK) build --leaflets

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

## status: what is translated, outdated, missing or due for review, per language
status: build
	$(FLASK) translations status

## check: check catalogues and translated pages (file and line for each problem)
check: $(VENV)/.installed-run
	$(FLASK) translations check

# Translators' commands, so nobody has to type (or install) `flask`. PAGE is a folder of
# content/pages/, LANG a language prefix (ps, prs, ar, ur), BY the name of the person who checked.
need = $(if $($(1)),,$(error $(1) is missing: $(2)))

## diff: the English words that changed since a translation was made (make diff PAGE=asylum LANG=ps)
diff: $(VENV)/.installed-run
	$(call need,PAGE,make diff PAGE=asylum LANG=ps)$(call need,LANG,make diff PAGE=asylum LANG=ps)
	$(FLASK) translations diff '$(PAGE)' '$(LANG)'

## mark-current: record that a translation follows today's English (make mark-current PAGE=asylum LANG=ps)
mark-current: $(VENV)/.installed-run
	$(call need,PAGE,make mark-current PAGE=asylum LANG=ps)$(call need,LANG,make mark-current PAGE=asylum LANG=ps)
	$(FLASK) translations mark-current '$(PAGE)' '$(LANG)'

## mark-reviewed: a native speaker checked a translation (make mark-reviewed PAGE=asylum LANG=ps BY="Name")
mark-reviewed: $(VENV)/.installed-run
	$(call need,PAGE,make mark-reviewed PAGE=asylum LANG=ps BY="Your name")$(call need,LANG,make mark-reviewed PAGE=asylum LANG=ps BY="Your name")$(call need,BY,make mark-reviewed PAGE=asylum LANG=ps BY="Your name")
	$(FLASK) translations mark-reviewed '$(PAGE)' '$(LANG)' --by '$(BY)'

## mark-fact-checked: a person checked an English page against its sources (make mark-fact-checked PAGE=asylum BY="Name")
mark-fact-checked: $(VENV)/.installed-run
	$(call need,PAGE,make mark-fact-checked PAGE=asylum BY="Your name")$(call need,BY,make mark-fact-checked PAGE=asylum BY="Your name")
	$(FLASK) translations mark-fact-checked '$(PAGE)' --by '$(BY)'

## mark-minor: an English edit changed no meaning; translations stay current (make mark-minor PAGE=asylum)
mark-minor: $(VENV)/.installed-run
	$(call need,PAGE,make mark-minor PAGE=asylum)
	$(FLASK) translations mark-minor '$(PAGE)'

## import-recording: place a volunteer's recording file in content/recordings/ (make import-recording FILE=rightsinfo-recording-….zip)
import-recording: $(VENV)/.installed-run
	$(call need,FILE,make import-recording FILE=rightsinfo-recording-ps-pages-asylum-20261207.zip)
	$(FLASK) audio import '$(FILE)'

## new-language: add a language (one entry in translations/languages.toml, its catalogue, glossary and page stubs)
new-language: $(VENV)/.installed-run
	$(call need,PREFIX,make new-language PREFIX=ckb LOCALE=ckb)
	$(call need,LOCALE,make new-language PREFIX=ckb LOCALE=ckb)
	$(FLASK) translations new-language '$(PREFIX)' '$(LOCALE)' $(if $(ISO),--iso-639-3 '$(ISO)')

## glossary: the word to use for each key term, per language
glossary: $(VENV)/.installed-run
	$(FLASK) translations glossary

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
