# Slipway — the two commands that matter: `make up` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# The ops toolchain (Ansible, molecule, linters) goes into the same venv, with
# its own stamp so `make venv` stays light.
OPS_STAMP := $(VENV)/.installed-ops

# Debian components the tests start for real: the router (nginx + Lua, Redis),
# bind9 for signed DNS updates, OpenSSH and git for the git server, beanstalkd
# for the worker and collector, and wrk for the benchmarks.
TEST_PACKAGES := nginx libnginx-mod-http-lua lua-nginx-redis redis-server wrk bind9 bind9-utils \
	openssh-server openssh-client git beanstalkd
# Suites that run real components on 127.0.0.1 (no containers).
COMPONENT_SUITES := tests/router tests/dns_updates tests/gandalf
PYTHON_DIRS := api tests bench collections molecule
COLLECTION_DIR := collections/ansible_collections/slipway/paas
# `make test` runs these tiers in order and ends with each one's seconds;
# `make test-fast` runs the first three (no containers).
TEST_FAST_TIERS := lint unit components
TEST_TIERS := $(TEST_FAST_TIERS) collection images molecule sandbox-test

.PHONY: help venv lint lint-python test-packages components test test-fast bench-api bench-router bench-deploy bench-cluster dev clean

help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP) ## Create the Python venv with the pinned toolchain

lint: lint-python lint-ansible ## ruff, yamllint and ansible-lint

lint-python: $(STAMP) ## ruff over the Python code
	$(VENV)/bin/ruff check $(PYTHON_DIRS)
	$(VENV)/bin/ruff format --check $(PYTHON_DIRS)

unit: $(OPS_STAMP) test-packages ## Unit tests: core, store contract, API, CLI against a live API, daemons, playbook checks
	$(VENV)/bin/pytest tests/unit
	$(MAKE) --no-print-directory test-ansible

collection: $(OPS_STAMP) ## slipway.paas: ansible-test sanity, module unit tests, every module against a live API
	$(VENV)/bin/pytest -p no:cacheprovider tests/ansible/test_collection_sanity.py $(COLLECTION_DIR)/tests/unit tests/ansible_modules

test-packages: ## Install the Debian components the tests run, when missing (needs root)
	@missing=$$(for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

components: $(STAMP) test-packages ## Router, DNS updates and git server against real nginx, Redis, bind, sshd
	$(VENV)/bin/pytest -p no:cacheprovider $(COMPONENT_SUITES)

test: ## Everything CI runs, tier by tier (lint, unit, components, collection, images, molecule, sandbox); ends with each tier's seconds
	@MAKE="$(MAKE)" bash tests/tiers.sh $(TEST_TIERS)

test-fast: ## The inner loop: lint, unit and component tests, no containers (a few minutes)
	@MAKE="$(MAKE)" bash tests/tiers.sh $(TEST_FAST_TIERS)

bench-api: $(STAMP) ## API latency and throughput on SQLite
	$(PY) bench/api/run.py

bench-router: $(STAMP) test-packages ## Router throughput and p99 against direct and static nginx
	$(PY) bench/router/run.py

bench-deploy: $(OPS_STAMP) test-packages ## Deploy time (git push) vs plain docker build+run; router vs direct (needs make up)
	$(PY) bench/deploy/run.py

bench-cluster: $(OPS_STAMP) ## Sandbox bring-up: make down, make up, then site.yml again (re-run / fresh ratio)
	$(PY) bench/cluster/run.py

dev: $(STAMP) ## Run the API locally on SQLite (http://127.0.0.1:8080)
	$(VENV)/bin/slipway-api dev

clean: ## Remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .slipway-dev

# --- Operations: Ansible toolchain, sandbox cluster, role tests --------------
ANSIBLE_PLAYBOOK := $(VENV)/bin/ansible-playbook
SANDBOX_INVENTORY ?= inventories/sandbox
SANDBOX_DIR := .sandbox
# Every role with a molecule scenario under molecule/<role>/.
MOLECULE_SCENARIOS := $(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
OPS_TARGETS := unit collection host image test-image up down site site-idempotent site-check images sandbox-test molecule $(addprefix molecule-,$(MOLECULE_SCENARIOS)) \
	lint-ansible test-ansible test-platforms smoke e2e bench-deploy bench-cluster clean-sandbox

.PHONY: ops-venv $(OPS_TARGETS)

# molecule and ansible-lint call ansible-* by name: put the venv first.
$(OPS_TARGETS): export PATH := $(abspath $(VENV))/bin:$(PATH)
$(OPS_TARGETS): export ANSIBLE_FORCE_COLOR := 0

$(OPS_STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev,ops]'
	@touch $@

ops-venv: $(OPS_STAMP) ## Add the pinned Ansible/molecule/lint toolchain to the venv

host: $(OPS_STAMP) ## Install docker.io + debootstrap and start dockerd if none answers
	$(ANSIBLE_PLAYBOOK) playbooks/sandbox_host.yml

image: host ## Build the systemd Debian base image (debootstrap, cached by recipe hash)
	$(ANSIBLE_PLAYBOOK) playbooks/sandbox_image.yml

test-image: host ## The base image plus every role's Debian packages, for molecule (cached by recipe hash)
	$(ANSIBLE_PLAYBOOK) playbooks/test_image.yml

up: $(OPS_STAMP) ## Stand the sandbox cluster up on this machine and run site.yml
	$(ANSIBLE_PLAYBOOK) -i $(SANDBOX_INVENTORY) playbooks/sandbox_up.yml

down: $(OPS_STAMP) ## Remove every sandbox container, network and volume
	$(ANSIBLE_PLAYBOOK) -i $(SANDBOX_INVENTORY) playbooks/sandbox_down.yml

site: $(OPS_STAMP) ## Run site.yml against the running sandbox
	$(ANSIBLE_PLAYBOOK) -i $(SANDBOX_INVENTORY) site.yml

site-idempotent: $(OPS_STAMP) ## Run site.yml again and fail unless it changes nothing
	@mkdir -p $(SANDBOX_DIR)
	set -o pipefail; $(ANSIBLE_PLAYBOOK) -i $(SANDBOX_INVENTORY) site.yml | tee $(SANDBOX_DIR)/site-rerun.log
	@if grep -qE 'changed=[1-9]|failed=[1-9]|unreachable=[1-9]' $(SANDBOX_DIR)/site-rerun.log; then \
		echo 'site.yml is not idempotent: see the recap above'; exit 1; \
	else echo 'site.yml second run: changed=0'; fi

site-check: $(OPS_STAMP) ## site.yml --check --diff against the running sandbox; fail unless it would change nothing
	@mkdir -p $(SANDBOX_DIR)
	set -o pipefail; $(ANSIBLE_PLAYBOOK) -i $(SANDBOX_INVENTORY) site.yml --check --diff | tee $(SANDBOX_DIR)/site-check.log
	@if grep -qE 'changed=[1-9]|failed=[1-9]|unreachable=[1-9]' $(SANDBOX_DIR)/site-check.log; then \
		echo 'site.yml --check would change something: see the recap above'; exit 1; \
	else echo 'site.yml --check --diff: changed=0 failed=0'; fi

# Scenarios run MOLECULE_JOBS at a time, the longest first; each one's output
# goes to $(MOLECULE_LOG_DIR)/<scenario>.log and is printed when it fails.
MOLECULE_JOBS ?= 2
MOLECULE_LOG_DIR := $(SANDBOX_DIR)/molecule
MOLECULE_LONGEST := gandalf platform_images api docker_node slipway_package bind redis hipache common
MOLECULE_ORDER := $(foreach s,$(MOLECULE_LONGEST),$(filter $(s),$(MOLECULE_SCENARIOS))) \
	$(filter-out $(MOLECULE_LONGEST),$(MOLECULE_SCENARIOS))

molecule: test-image ## Every role's molecule scenario (converge, idempotence, verify), MOLECULE_JOBS at a time
	@mkdir -p $(MOLECULE_LOG_DIR)
	@printf '%s\n' $(MOLECULE_ORDER) | xargs -P $(MOLECULE_JOBS) -n 1 bash tests/molecule_scenario.sh $(MOLECULE_LOG_DIR)

$(addprefix molecule-,$(MOLECULE_SCENARIOS)): molecule-%: test-image ## One role's molecule scenario
	molecule test -s $*

smoke: $(OPS_STAMP) ## Smoke tests against the running sandbox: playbooks, then pytest from outside
	@set -e; for p in $(sort $(wildcard tests/smoke/[0-9]*.yml)); do \
		echo "=== smoke: $$p"; $(ANSIBLE_PLAYBOOK) -i $(SANDBOX_INVENTORY) $$p; \
	done
	$(VENV)/bin/pytest -p no:cacheprovider tests/smoke

# The rootfs and platform images stay in the local engine between runs (by
# recipe hash and the engine's build cache): an unchanged recipe is not built
# again. SLIPWAY_TEST_KEEP_IMAGES=0 builds and removes everything.
SLIPWAY_TEST_KEEP_IMAGES ?= 1
test-platforms: host ## Platform images (base python nodejs static) and sample apps on the local Docker engine
	SLIPWAY_TEST_KEEP_IMAGES=$(SLIPWAY_TEST_KEEP_IMAGES) $(VENV)/bin/pytest -p no:cacheprovider tests/platforms

e2e: $(OPS_STAMP) ## End-to-end tests against the running sandbox: git push, routing, DNS, scaling, rollback
	$(VENV)/bin/pytest -p no:cacheprovider -v tests/e2e

lint-ansible: $(OPS_STAMP) ## yamllint + ansible-lint (production profile)
	yamllint --strict .
	ansible-lint

test-ansible: $(OPS_STAMP) ## Playbook tests without containers (inventory validation, role contracts)
	$(VENV)/bin/pytest -p no:cacheprovider --ignore=tests/ansible/test_collection_sanity.py tests/ansible

clean-sandbox: down ## Also forget the sandbox's credentials and image cache
	rm -rf $(SANDBOX_DIR)

images: test-platforms ## The platform images and sample apps on the local engine

sandbox-test: down up site-idempotent site-check smoke e2e ## A fresh sandbox: up, site.yml again (changed=0), --check (changed=0), smoke, e2e
