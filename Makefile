# Two commands do everything on a fresh machine: `make test` and `make demo`.
# Both create .venv at the repo root when it is missing and install the project into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo lint typecheck unit bench chaos install clean

install: $(STAMP)

# Reinstall when the project's metadata changes; pip >= 25.1 understands PEP 735 groups.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -q

test: lint typecheck unit

demo: install
	$(BIN)/python examples/demo.py

bench: install
	$(BIN)/python -m benchmarks

# The fault campaign: 200 seeded lifecycles under faults and kills (see benchmarks/chaos).
chaos: install
	$(BIN)/python -m benchmarks.chaos

clean:
	rm -rf $(VENV) .bulknumbers .pytest_cache .mypy_cache .ruff_cache
