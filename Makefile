# Everyday commands. `make test` and `make demo` work on a fresh clone with Python 3.11:
# they create .venv and install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
SPEC   := openapi/posthog.yaml
PKG    := generated/posthog_api_client

GENERATE = PATH="$(abspath $(BIN)):$$PATH" $(BIN)/openapi-python-client generate \
	--path $(SPEC) --config generator-config.yml --custom-template-path templates \
	--meta none --fail-on-warning --overwrite

# The operation table and the resource namespaces (scripts/gen_sdk.py, templates/sdk/).
SDK = $(PY) scripts/gen_sdk.py $(SPEC) $(1) && \
	$(BIN)/ruff check --isolated --no-cache --select F401,I --fix-only --quiet $(1)/operations.py $(1)/resources && \
	$(BIN)/ruff format --isolated --no-cache --quiet $(1)/operations.py $(1)/resources

.PHONY: install generate check-generated test test-slow lint typecheck demo serve bench mutate clean \
	api-drift api-changes

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,server]'
	touch $(STAMP)

install: $(STAMP)

# Regenerate the low-level client from the spec (then commit spec and generated/ together).
generate: $(STAMP)
	$(GENERATE) --output-path $(PKG)
	$(call SDK,$(PKG))
	touch $(PKG)/py.typed

# Fails, with the diff, when generated/ is not what the spec and the pinned generator give.
check-generated: $(STAMP)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GENERATE) --output-path $$tmp/posthog_api_client >/dev/null && \
	$(call SDK,$$tmp/posthog_api_client) && \
	touch $$tmp/posthog_api_client/py.typed && \
	if diff -ru -x __pycache__ -x .ruff_cache $(PKG) $$tmp/posthog_api_client; then \
		echo "generated/ matches $(SPEC)"; \
	else \
		echo "generated/ is stale or was edited by hand: run 'make generate' and commit it"; exit 1; \
	fi

# How PostHog's published OpenAPI schema differs from the spec, for the operations we model:
# `make api-drift UPSTREAM=<file or URL>` (JSON=1 prints JSON). scripts/api_drift.py exits 1
# when something we model differs, 0 when nothing does, 2 on a usage or download error.
UPSTREAM ?=
JSON     ?=
api-drift: $(if $(UPSTREAM),$(STAMP))
	@if [ -z '$(UPSTREAM)' ]; then \
		echo "usage: make api-drift UPSTREAM=<schema file or URL> [JSON=1]" >&2; \
		echo "PostHog serves its schema at https://us.posthog.com/api/schema/?format=json" >&2; \
		exit 2; \
	fi
	@$(PY) scripts/api_drift.py $(if $(JSON),--json) '$(UPSTREAM)'

# What changed in the spec and the public Python API since BASE (default: the last release
# tag, else the commit before HEAD), breaking for users or not; fails when a breaking change
# is flagged neither in CHANGELOG.md nor by the version. `make api-changes BASE=v0.1.0 [JSON=1]`.
BASE ?=
api-changes: $(STAMP)
	@$(PY) scripts/api_changes.py $(if $(BASE),--base '$(BASE)') $(if $(JSON),--json)

test: $(STAMP) check-generated
	$(PY) -m pytest -q -n 2

# The tests marked slow, which `make test` leaves out (pyproject.toml's addopts).
test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts bench examples
	$(BIN)/ruff format --check src tests scripts bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

demo: $(STAMP)
	$(PY) examples/quickstart.py

serve: $(STAMP)
	$(BIN)/posthog-api serve

bench: $(STAMP)
	$(PY) -m bench

# Mutation testing of the core, each module against its own tests (a few minutes on 2 cores):
# fails when a module kills under 90 % of its non-equivalent mutants. mutmut is pinned in the
# `mutate` extra and installed on first use. `make mutate MODULES="scopes cache" JOBS=1`.
MODULES ?=
JOBS    ?= 2
$(VENV)/.mutate-installed: $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,server,mutate]'
	touch $@

mutate: $(VENV)/.mutate-installed
	$(PY) scripts/mutate.py --jobs $(JOBS) $(MODULES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
