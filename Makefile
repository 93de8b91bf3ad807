# rasa-ethics developer tasks.  `make demo` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
BIN       := $(VENV)/bin
BOT       := example_bot
STAMP     := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL   := 2

# Rasa 3.6 needs Python 3.10.  Use `python3.10` from PATH, else a pyenv-installed 3.10.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info[:2]==(3,10)' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help venv test test-fast test-e2e models lint demo chat train validate system-deps bench-pii bench-dialogue \
	bench-audit lock clean pii-names bias-names pii-tuning pii-score

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

venv: $(STAMP)  ## build .venv/ from the hash-pinned lock file

$(STAMP): requirements/lock.txt requirements/tools.txt setup.cfg
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "error: Python 3.10 not found. Rasa 3.6 needs Python 3.10: install it (e.g. 'pyenv install 3.10') and re-run, or pass PYTHON310=/path/to/python3.10." >&2; exit 1; fi
	@echo ">> building $(VENV) with $(PYTHON310)"
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "pip==24.2"
	@# the lock with uv (seconds), else with pip (a minute and a half); both check every hash
	@if $(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/tools.txt 2>/dev/null && \
	  $(BIN)/uv pip install --quiet --python $(PY) --require-hashes --no-deps -r requirements/lock.txt; then \
	  echo ">> installed requirements/lock.txt with uv"; \
	else echo ">> installing requirements/lock.txt with pip"; \
	  $(PY) -m pip install --quiet --require-hashes --no-deps --no-compile -r requirements/lock.txt; fi
	@# byte-compile on every core (pip would do it on one: about half of the install's time)
	$(PY) -m compileall -q -j 0 $(VENV)/lib >/dev/null
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	@touch $(STAMP)

test: venv system-deps  ## run the whole test suite: unit + end-to-end, side by side (scripts/test.sh)
	@bash scripts/test.sh

test-fast: venv  ## run the unit tests only (no training, no servers)
	$(BIN)/pytest -m "not slow"

test-e2e: models system-deps  ## run the end-to-end tests only, in one process
	$(BIN)/pytest -m slow

models: venv  ## train the models the end-to-end tests use (cached in build/models by content)
	$(PY) -m tests.harness example plain context support-bot rasa-init

lint: venv  ## ruff and mypy
	$(BIN)/ruff check rasa_ethics tests bench
	$(BIN)/mypy rasa_ethics

validate: venv  ## validate the bundled policy files
	$(BIN)/rasa-ethics validate policies/*.yml

train: venv  ## train example_bot/ if its data or config changed
	@cd $(BOT) && if ls models/*.tar.gz >/dev/null 2>&1 && ../$(BIN)/rasa train --dry-run >/dev/null 2>&1; then \
	  echo ">> $(BOT): model is up to date"; \
	else mkdir -p logs; echo ">> training $(BOT) (a few minutes; the log is $(BOT)/logs/train.log)"; \
	  if ! PYTHONWARNINGS=ignore ../$(BIN)/rasa train > logs/train.log 2>&1; then \
	    tail -n 30 logs/train.log >&2; echo "error: training failed; see $(BOT)/logs/train.log" >&2; exit 1; fi; \
	  echo ">> trained: $$(ls -t models/*.tar.gz | head -n 1)"; fi

demo: train  ## example_bot/ in the browser: the web chat and the agent console (Ctrl-C stops)
	@bash scripts/demo.sh $(BOT)

chat: train  ## chat with example_bot/ in the terminal (Ctrl-C stops everything)
	@bash scripts/chat.sh $(BOT)

system-deps:  ## Debian packages the tests need: chromium (HTML report), strace (no phone home), postgresql, redis-server
	@missing=""; for tool in chromium strace redis-server; do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo ">> installing$$missing (Debian packages) for the end-to-end tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "error: the end-to-end tests need$$missing: sudo apt-get install$$missing" >&2; exit 1; fi; fi

bench-pii: venv  ## PII detection vs Presidio on 3 corpora (PII_ARGS="--quick --corpus heldout")
	PYTHON310=$(PYTHON310) $(PY) bench/pii/run.py $(PII_ARGS)

bench-dialogue: venv  ## turn latency p50 with EthicsPolicy vs without, on the served example bot
	$(PY) -m bench.dialogue.run

bench-audit: venv  ## audit write/verify throughput and turn latency with vs without the broker
	$(PY) -m bench.audit.run

FAKER_VENV := build/.faker-venv
NAMES      := rasa_ethics/pii/resources/names.tsv
TUNING     := build/pii-tuning/tuning.jsonl

$(FAKER_VENV)/.installed: scripts/pii/requirements.txt
	@test -x $(FAKER_VENV)/bin/python || $(PYTHON310) -m venv $(FAKER_VENV)
	$(FAKER_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r scripts/pii/requirements.txt
	@touch $@

pii-names: $(FAKER_VENV)/.installed  ## rebuild the shipped name gazetteer (needs Debian's wamerican)
	@test -f /usr/share/dict/american-english || { echo "error: apt-get install wamerican" >&2; exit 1; }
	$(FAKER_VENV)/bin/python scripts/pii/build_names.py --out $(NAMES)

bias-names: $(FAKER_VENV)/.installed  ## rebuild the names by culture and gender that `rasa-ethics bias` ships
	$(FAKER_VENV)/bin/python scripts/bias/build_names.py --out rasa_ethics/bias/resources/names.tsv

pii-tuning: $(FAKER_VENV)/.installed  ## write the detector's own tuning set (fixed seed)
	cd scripts/pii && ../../$(FAKER_VENV)/bin/python make_tuning.py --out ../../$(TUNING)

pii-score: venv pii-tuning  ## score and time the PII engine on the tuning set
	PYTHONPATH=$(CURDIR) $(PY) scripts/pii/score_tuning.py $(TUNING)

lock:  ## re-resolve requirements/in.txt into requirements/lock.txt
	$(PYTHON310) scripts/lock.py requirements/in.txt requirements/lock.txt

clean:  ## remove the environment and trained models
	rm -rf $(VENV) $(BOT)/models build/models .pytest_cache
