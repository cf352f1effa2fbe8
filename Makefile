# Forge Orchestrator. The README names two targets: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
FRONTEND := frontend
STATIC_INDEX := forge_orchestrator/static/index.html

.PHONY: run serve test lint fmt build bench soak api-types check-api-types install install-dev frontend-deps chromium strace postgresql clean

## run: install everything, build the web app and start the server on its embedded defaults
run: install build
	$(BIN)/forge-orchestrator serve

serve:
	$(BIN)/forge-orchestrator serve

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

frontend-deps: $(FRONTEND)/node_modules/.package-lock.json

## build: the React app into forge_orchestrator/static (served by the backend, shipped in the wheel)
build: frontend-deps
	cd $(FRONTEND) && npm run build

# $(call apt_install,PACKAGE,WHAT FOR,ELSE): Debian's PACKAGE unless its command is on PATH.
define apt_install
if ! command -v $(1) >/dev/null 2>&1; then \
  if ! command -v apt-get >/dev/null 2>&1; then \
    echo "No $(1) and no apt-get: $(3)"; exit 1; \
  fi; \
  echo "Installing Debian's $(1) for $(2)"; \
  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1) >/dev/null; \
fi
endef

## chromium: Debian's Chromium for the browser tests (no browser downloads exist here)
chromium:
	@if [ -n "$$FORGE_CHROMIUM" ] && [ -x "$$FORGE_CHROMIUM" ]; then exit 0; fi; \
	$(call apt_install,chromium,browser tests,set FORGE_CHROMIUM to a Chromium or Chrome binary)

## strace: Debian's strace for the test that no descriptor is closed twice (tests/robustness/test_fds.py)
strace:
	@$(call apt_install,strace,the fd tests,install strace or tests/robustness/test_fds.py skips)

## postgresql: Debian's PostgreSQL server for the tests that run on it (tests/pg_server.py starts
## a throwaway cluster in a temp dir; FORGE_TEST_PG_URL points them at a server of your own)
postgresql:
	@if [ -n "$$FORGE_TEST_PG_URL" ] || command -v pg_ctl >/dev/null 2>&1 || \
	  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then exit 0; fi; \
	$(call apt_install,postgresql,the PostgreSQL tests,install PostgreSQL or set FORGE_TEST_PG_URL)

## test: install what tests need, then lint, type-check and run every test suite
test: install-dev frontend-deps chromium strace postgresql build
	$(MAKE) lint
	cd $(FRONTEND) && npm test
	$(BIN)/pytest -q

api-types: install-dev frontend-deps
	FORGE_DATA_DIR=$$(mktemp -d) $(PY) -m forge_orchestrator.openapi_dump > $(FRONTEND)/openapi.json
	cd $(FRONTEND) && npx openapi-typescript openapi.json --default-non-nullable false -o src/api/schema.gen.ts >/dev/null

check-api-types: install-dev frontend-deps
	@tmp=$$(mktemp -d); FORGE_DATA_DIR=$$tmp $(PY) -m forge_orchestrator.openapi_dump > $$tmp/openapi.json; \
	cd $(FRONTEND) && npx openapi-typescript $$tmp/openapi.json --default-non-nullable false -o $$tmp/schema.gen.ts >/dev/null && \
	if ! diff -q $$tmp/schema.gen.ts src/api/schema.gen.ts >/dev/null; then \
	  echo "src/api/schema.gen.ts is stale: run 'make api-types'"; exit 1; fi

lint: install-dev frontend-deps
	$(BIN)/ruff check forge_orchestrator tests bench
	$(BIN)/ruff format --check forge_orchestrator tests bench
	$(BIN)/mypy forge_orchestrator
	$(BIN)/lint-imports
	$(PY) tools/import_graph.py --check
	cd $(FRONTEND) && npm run typecheck
	$(MAKE) check-api-types

fmt: install-dev
	$(BIN)/ruff format forge_orchestrator tests bench
	$(BIN)/ruff check --fix forge_orchestrator tests bench

bench: install-dev build
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

soak: install-dev chromium build
	$(BIN)/pytest -q -m soak

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules forge_orchestrator/static build dist
