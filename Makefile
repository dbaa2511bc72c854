# immunoviz: `make help` lists the targets. Everything runs in .venv (python3 -m venv + pip),
# created on first use and refreshed when pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
OUT ?= site
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input -q

.DEFAULT_GOAL := help
.PHONY: help site test check validate lab bench clean

help: ## list the targets with what they do
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# stamps: the second run skips straight to the work
$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.stamp-run

site: $(VENV)/.stamp-run ## build the offline site of maps and charts into site/ (sets up .venv first)
	$(BIN)/immunoviz build --data $(DATA) --out $(OUT)

test: $(VENV)/.stamp-dev ## lint, then run every test: unit, data, docstrings, notebooks (nbval) and browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

check: $(VENV)/.stamp-dev ## the quick edit-test loop: lint and the unit tests (no browser, no notebooks, no site build)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q -m "not browser and not slow" src/viz tests

validate: $(VENV)/.stamp-run ## check the tables in data/ and list every problem
	$(BIN)/immunoviz validate --data $(DATA)

lab: $(VENV)/.stamp-dev ## open JupyterLab on notebooks/00-start-here.ipynb
	$(BIN)/jupyter lab notebooks/00-start-here.ipynb

bench: $(VENV)/.stamp-dev ## measure maps against stock pyvis; writes benchmarks/results/maps.json
	$(BIN)/python benchmarks/maps.py

clean: ## remove site/, exports/, caches and .venv
	rm -rf $(OUT) exports .venv build src/*.egg-info .pytest_cache .ruff_cache .hypothesis benchmarks/results
