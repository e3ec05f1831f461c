# Slipway — the two commands that matter: `make up` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

# Debian components the tests start for real: the router (nginx + Lua, Redis),
# bind9 for signed DNS updates, OpenSSH and git for the git server, beanstalkd
# for the worker and collector, and wrk for the benchmarks.
TEST_PACKAGES := nginx libnginx-mod-http-lua lua-nginx-redis redis-server wrk bind9 bind9-utils \
	openssh-server openssh-client git beanstalkd
# Suites that run real components on 127.0.0.1 (no containers).
COMPONENT_SUITES := tests/router tests/dns_updates tests/gandalf

.PHONY: help venv lint unit test-packages components test bench-api bench-router dev clean

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

unit: $(STAMP) test-packages ## Unit tests: core, store contract, API, CLI against a live API, daemons
	$(VENV)/bin/pytest tests/unit

test-packages: ## Install the Debian components the tests run, when missing (needs root)
	@missing=$$(for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

components: $(STAMP) test-packages ## Router, DNS updates and git server against real nginx, Redis, bind, sshd
	$(VENV)/bin/pytest -p no:cacheprovider $(COMPONENT_SUITES)

test: lint unit components ansible-checks sandbox-test ## Everything CI runs: Python, components, Ansible, roles, the sandbox

bench-api: $(STAMP) ## API latency and throughput on SQLite
	$(PY) bench/api/run.py

bench-router: $(STAMP) test-packages ## Router throughput and p99 against direct and static nginx
	$(PY) bench/router/run.py

bench-deploy: $(OPS_STAMP) ## Deploy time (git push) vs plain docker build+run; router vs direct (needs make up)
	$(VENV)/bin/python bench/deploy/run.py

dev: $(STAMP) ## Run the API locally on SQLite (http://127.0.0.1:8080)
	$(VENV)/bin/slipway-api dev

clean: ## Remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .slipway-dev

# --- Operations: Ansible toolchain, sandbox cluster, role tests --------------
# The ops toolchain (Ansible, molecule, linters) goes into the same venv, with
# its own stamp so `make venv` stays light.
OPS_STAMP := $(VENV)/.installed-ops
ANSIBLE_PLAYBOOK := $(VENV)/bin/ansible-playbook
SANDBOX_INVENTORY ?= inventories/sandbox
SANDBOX_DIR := .sandbox
# Every role with a molecule scenario under molecule/<role>/.
MOLECULE_SCENARIOS := $(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
OPS_TARGETS := host image up down site site-idempotent ansible-checks sandbox-test molecule $(addprefix molecule-,$(MOLECULE_SCENARIOS)) \
	lint-ansible test-ansible test-platforms smoke e2e bench-deploy clean-sandbox

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

molecule: image ## Every role's molecule scenario (converge, idempotence, verify)
	@set -e; for s in $(MOLECULE_SCENARIOS); do \
		echo "=== molecule: $$s"; start=$$(date +%s); \
		molecule test -s $$s; \
		echo "=== molecule: $$s passed in $$(( $$(date +%s) - start ))s"; \
	done

$(addprefix molecule-,$(MOLECULE_SCENARIOS)): molecule-%: image ## One role's molecule scenario
	molecule test -s $*

smoke: $(OPS_STAMP) ## Smoke tests against the running sandbox: playbooks, then pytest from outside
	@set -e; for p in $(sort $(wildcard tests/smoke/[0-9]*.yml)); do \
		echo "=== smoke: $$p"; $(ANSIBLE_PLAYBOOK) -i $(SANDBOX_INVENTORY) $$p; \
	done
	$(VENV)/bin/pytest -p no:cacheprovider tests/smoke

test-platforms: host ## Platform images (base python nodejs static) and sample apps on the local Docker engine
	$(VENV)/bin/pytest -p no:cacheprovider tests/platforms

e2e: $(OPS_STAMP) ## End-to-end tests against the running sandbox: git push, routing, DNS, scaling, rollback
	$(VENV)/bin/pytest -p no:cacheprovider -v tests/e2e

lint-ansible: $(OPS_STAMP) ## yamllint + ansible-lint (production profile)
	yamllint --strict .
	ansible-lint

test-ansible: $(OPS_STAMP) ## Playbook tests without containers (inventory validation)
	$(VENV)/bin/pytest -p no:cacheprovider tests/ansible

clean-sandbox: down ## Also forget the sandbox's credentials and image cache
	rm -rf $(SANDBOX_DIR)

ansible-checks: test-ansible lint-ansible test-platforms molecule ## Inventory checks, role contracts, linters, every molecule scenario

sandbox-test: down up site-idempotent smoke e2e ## A fresh sandbox: stand it up, re-run site.yml (changed=0), smoke-test it
