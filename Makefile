# Two commands for a newcomer (see README):
#   make run    set up, train when the data changed, start the whole assistant
#   make test   set up, train when the data changed, run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := run

# `.python-version` (3.10) makes pyenv's `python` the right interpreter; Rasa 3.6 needs 3.8–3.10.
PYTHON ?= python
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/assistant.tar.gz
TRAINING_FILES := config.yml domain.yml $(shell find data rules -name '*.yml' 2>/dev/null) $(wildcard components/*.py)

# Embedded defaults: SQLite tracker store, no external service. Override from the environment.
export TRACKER_STORE_URL ?= sqlite:///var/db/trackers.db
export LOCK_STORE_URL ?= memory://
export ACTION_ENDPOINT_URL ?= http://localhost:5055/webhook
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export WEB_PORT ?= 8000
export BACKEND_URL ?= http://localhost:$(WEB_PORT)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# No telemetry nor error reports leave the machine (Rasa sends them by default).
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test install chromium train validate unit conversations integration browser scale nlu-eval benchmark answer-eval clean audit knowledge-report check-links

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Python 3.10 is required (pyenv reads .python-version), found " + sys.version' 
	@echo "==> Creating the virtual environment and installing dependencies (about 4 minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --progress-bar on pip
	$(PY) -m pip install --progress-bar on -e ".[test]"
	@touch $@

# The pages' browser libraries (socket.io-client, axe-core), pinned by package-lock.json and served
# by the web process: nothing is loaded from a CDN.
node_modules/.installed: package.json package-lock.json
	@echo "==> Installing the web pages' libraries (npm ci)"
	npm ci --no-audit --no-fund
	@touch $@

# Debian's chromium for the browser tests (skipped when already there).
chromium:
	@$(SHELL) scripts/install_chromium.sh

install: $(VENV)/.installed node_modules/.installed chromium

$(MODEL): $(VENV)/.installed $(TRAINING_FILES)
	@echo "==> Training the model (the data changed)"
	@mkdir -p models
	$(RASA) train --data data rules --fixed-model-name assistant --out models
	@touch $@

train: $(MODEL)

run: $(MODEL) node_modules/.installed
	@mkdir -p var/db var/log
	@$(SHELL) scripts/run_all.sh

validate: install
	$(PY) scripts/validate_data.py

unit: install
	$(PY) -m pytest tests/unit -q

conversations: $(MODEL)
	$(RASA) test core --stories tests --model $(MODEL) --fail-on-prediction-errors --out var/results/core

integration: $(MODEL)
	$(PY) -m pytest tests/integration -q

# On the engines of a real deployment: PostgreSQL and Redis from Debian's packages, started on
# loopback for the run and stopped after (scripts/services.sh); two Rasa and two action servers
# behind round-robin proxies, and the fault tests that kill them.
scale: $(MODEL)
	$(SHELL) scripts/services.sh run $(PY) -m pytest tests/scale -q -s

# The chat page, the kiosk and the reference page in chromium (Playwright), on real servers.
browser: $(MODEL) node_modules/.installed chromium
	$(PY) -m pytest tests/browser -q

test: install
	@$(MAKE) --no-print-directory validate
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory conversations
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory browser
	@$(MAKE) --no-print-directory scale

# What an editor must update next in bot/knowledge/: figures expired or expiring within 60 days,
# computed values, secondary sources, convention facts older than 2 years (`--today` to replay a day).
knowledge-report: $(VENV)/.installed
	$(PY) -m bot.knowledge.report $(REPORT_ARGS)

# Every source URL of the knowledge, where the internet answers (says plainly when it does not).
check-links: $(VENV)/.installed
	$(PY) scripts/check_links.py

# NLU evaluation: 5-fold cross-validation, per-intent F1, confused pairs, held-out accuracy.
nlu-eval: $(MODEL)
	$(PY) scripts/nlu_eval.py

# Latency, throughput and memory of the whole stack at 1, 10, 20 and 50 concurrent conversations,
# the in-process compute floor, ready time; `BENCH_ARGS=--train` also times a full training.
benchmark: $(MODEL)
	$(PY) scripts/benchmark.py $(BENCH_ARGS)

# Issue 16: is each question of tests/answer_bank/ answered in the first reply, within 600 characters?
# Training and held-out parts, per aspect and subject; writes reports/answer_eval.md.
# `ANSWER_EVAL_ARGS="--url http://localhost:5005"` uses a running stack; also --only heldout, --subject c2s, --limit N;
# `--rescore reports/answer_eval.json` scores the last run's saved replies again after an expectation was edited.
answer-eval: $(MODEL)
	$(PY) scripts/answer_eval.py $(ANSWER_EVAL_ARGS)

clean:
	rm -rf models var reports results

# Known vulnerabilities of the dependencies (pip-audit on PyPI's advisory data), triaged in
# docs/security-audit.md. pyproject.toml is resolved afresh (deploy/audit_requirements.py): the
# runtime set the production image installs, then what the test extra adds. pip-audit has its own
# venv (its pins conflict with Rasa 3.6.21's), installed from pyproject's `audit` dependency group.
# --strict: a package that could not be checked fails the audit instead of passing silently.
# Accepted advisories (each with its reason in docs/security-audit.md): deploy/pip-audit-accepted.txt.
AUDIT_VENV := var/audit-venv
AUDIT_DIR := var/audit
AUDIT_IGNORES = $(addprefix --ignore-vuln ,$(shell sed -e 's/\#.*//' deploy/pip-audit-accepted.txt))

$(AUDIT_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(AUDIT_VENV)/bin/python -m pip install --quiet --group audit
	@touch $@

audit: $(AUDIT_VENV)/.installed
	@mkdir -p $(AUDIT_DIR)
	$(AUDIT_VENV)/bin/python deploy/audit_requirements.py $(AUDIT_DIR)
	@$(AUDIT_VENV)/bin/pip-audit --version
	@status=0; for set in runtime test-only; do \
	  echo "==> pip-audit: $(AUDIT_DIR)/$$set.txt"; \
	  $(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off --aliases on \
	    --cache-dir $(AUDIT_DIR)/cache $(AUDIT_IGNORES) -r $(AUDIT_DIR)/$$set.txt 2>&1 \
	    | tee $(AUDIT_DIR)/$$set.audit.txt; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || status=1; \
	done; exit $$status
