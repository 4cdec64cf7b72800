# One task runner for local work and CI.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup test lint format typecheck check bench-index

setup:
	bash scripts/setup.sh

test:
	$(BIN)/python -m pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck:
	$(BIN)/mypy

check: lint typecheck test

bench-index:
	$(BIN)/python bench/index_catalog.py
