# Slipway — the two commands that matter: `make up` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: help venv lint unit test bench-api dev clean

help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP) ## Create the Python venv with the pinned toolchain

lint: $(STAMP) ## ruff over the Python code
	$(VENV)/bin/ruff check api tests bench collections
	$(VENV)/bin/ruff format --check api tests bench collections

unit: $(STAMP) ## Unit tests: core, store contract, API, CLI against a live API
	$(VENV)/bin/pytest tests/unit

test: lint unit ## Everything CI runs

bench-api: $(STAMP) ## API latency and throughput on SQLite
	$(PY) bench/api/run.py

dev: $(STAMP) ## Run the API locally on SQLite (http://127.0.0.1:8080)
	$(VENV)/bin/slipway-api dev

clean: ## Remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .slipway-dev
