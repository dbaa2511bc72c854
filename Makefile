# immunoviz: `make help` lists the targets. Everything runs in .venv (python3 -m venv + pip),
# created on first use and refreshed when pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
OUT ?= site
# the tests run on every core (pytest-xdist); tests that share a slow fixture stay on one worker.
# `make test PARALLEL=` runs them in one process.
PARALLEL ?= -n auto --dist loadgroup
# pip byte-compiles every module it installs one file at a time, about half of the install's time; it
# installs without (--no-compile) and compileall then compiles them on every core (47 s -> 33 s for the test
# tools on a two-core machine). Without compiling, each process that imports a module would compile it
# again wherever PYTHONDONTWRITEBYTECODE is set (as on our CI machines): the tests ran 50 s slower. As with
# pip, a file that does not compile (a package's template for another Python) is left as it is.
PIP_INSTALL := $(BIN)/python -m pip --disable-pip-version-check --no-input -q install --no-compile
COMPILE := $(BIN)/python -m compileall -qq -j 0 $(VENV)/lib || true

.DEFAULT_GOAL := help
.PHONY: help site test check validate lab bench clean

help: ## list the targets with what they do
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# stamps: the second run skips straight to the work
$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	$(COMPILE)
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	$(COMPILE)
	touch $@ $(VENV)/.stamp-run

site: $(VENV)/.stamp-run ## build the offline site of maps and charts into site/ (sets up .venv first)
	$(BIN)/immunoviz build --data $(DATA) --out $(OUT) --format all

# the page checkers the accessibility tests run (axe-core, the Nu Html Checker), pinned in package-lock.json;
# --ignore-scripts: vnu-jar's install script would download a Java runtime, we use the system's
node_modules/.stamp: package.json package-lock.json
	@if command -v npm > /dev/null; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "make: npm not found: the axe-core and Nu checker tests will skip (install Node.js with npm)"; fi

test: $(VENV)/.stamp-dev node_modules/.stamp ## lint, then run every test: unit, data, notebooks (nbval), browser and accessibility
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest $(PARALLEL)

check: $(VENV)/.stamp-dev ## the quick edit-test loop: lint and the unit tests (no browser, notebook, site build or other program)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest $(PARALLEL) -q -m "not browser and not slow" -p no:nbval -p no:anyio src/viz tests

validate: $(VENV)/.stamp-run ## check the tables in data/ and list every problem
	$(BIN)/immunoviz validate --data $(DATA)

lab: $(VENV)/.stamp-dev ## open JupyterLab on notebooks/00-start-here.ipynb
	$(BIN)/jupyter lab notebooks/00-start-here.ipynb

bench: $(VENV)/.stamp-dev ## measure maps against stock pyvis; writes benchmarks/results/maps.json
	$(BIN)/python benchmarks/maps.py

clean: ## remove site/, exports/, caches, .venv and node_modules
	rm -rf $(OUT) exports .venv node_modules build src/*.egg-info .pytest_cache .ruff_cache .hypothesis benchmarks/results
