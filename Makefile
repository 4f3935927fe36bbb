# Creative Workbench — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages
PROJECT ?= demo
SEED ?= 7
SYSTEM_PACKAGES := chromium
BENCH_SYSTEM_PACKAGES := ffmpeg tesseract-ocr

.PHONY: help install demo test lab bench lint format clean system-packages

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip install --python $(BIN)/python --quiet -c constraints.txt -e ".[dev]"
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -c constraints.txt rapidocr-onnxruntime
	$(BIN)/python -m ipykernel install --sys-prefix --name creative-workbench \
	  --display-name "Creative Workbench" > /dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the package with pinned dependencies

$(SYSTEM_STAMP):
	@missing=""; for p in $(SYSTEM_PACKAGES); do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "note: install$$missing as root for the browser tests (they skip without it)"; fi; \
	fi
	@mkdir -p $(VENV) && touch $(SYSTEM_STAMP)

system-packages: $(SYSTEM_STAMP) ## Install Debian packages the tests use (chromium)

demo: $(STAMP) ## Build the demo project and run every report on it (reports/demo/DATE/)
	$(BIN)/workbench demo --seed $(SEED)
	$(BIN)/workbench tick --project $(PROJECT)
	$(BIN)/workbench run --all --project $(PROJECT)

test: $(STAMP) $(SYSTEM_STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lab: $(STAMP) ## JupyterLab with each project's own report notebooks (make lab PROJECT=name for one)
	$(BIN)/workbench lab $(if $(filter command line environment,$(origin PROJECT)),--project $(PROJECT))

bench: $(STAMP) ## Run the benchmarks and print their figures
	@if [ "$$(id -u)" = 0 ]; then for p in $(BENCH_SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BENCH_SYSTEM_PACKAGES) >/dev/null; break; }; done; fi
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(STAMP) ## Check formatting and lint with ruff
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP) ## Format and auto-fix with ruff
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean: ## Remove the environment, caches and generated reports (keeps data/)
	rm -rf $(VENV) .pytest_cache .ruff_cache reports/*/
