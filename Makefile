# paperfeed: one command per task. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "paperfeed needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## run: create the database, harvest recent arXiv papers, serve http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/paperfeed up

AXE := .tools/node_modules/axe-core/axe.min.js

# axe-core (npm) checks the pages' accessibility in Chromium; skipped where npm is missing
$(AXE):
	@if command -v npm >/dev/null; then npm install --silent --no-save --prefix .tools axe-core@4 \
	  || echo "axe-core could not be installed: the accessibility tests will be skipped"; \
	else echo "npm not found: the axe-core accessibility tests will be skipped"; fi

## test: the whole suite, on SQLite and PostgreSQL, with the browser tests
test: $(STAMP) $(AXE)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search_quality.py
	$(BIN)/python bench/search_speed.py --real-corpus --compare-ann 100000
	$(BIN)/python bench/import_budget.py --sizes 10000,100000
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/attack_costs.py
	$(BIN)/python bench/recommend.py --latency
	$(BIN)/python bench/thumbnails.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache test-artifacts
