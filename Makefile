# One task runner for local work and CI.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup test lint format typecheck check vscode tools editor-tools bench-index bench-conformance bench-model bench-lsp

setup:
	bash scripts/setup.sh

test:
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

# Debian packages for the syntax tests of snippets and the headless Neovim test.
tools:
	bash scripts/install-syntax-tools.sh

# code-server, Debian's Chromium and their build headers for the real-editor test of the extension.
editor-tools:
	bash scripts/install-editor-test-tools.sh

# The VS Code extension: npm ci, type check, lint, bundle, unit tests, .vsix.
vscode:
	cd editors/vscode && npm ci --no-audit --no-fund && npm run build

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck:
	$(BIN)/mypy

check: lint typecheck test

bench-index:
	$(BIN)/python bench/index_catalog.py --quality-specs 40 --keep build/catalog-index

bench-conformance:
	$(BIN)/python bench/conformance.py

bench-model:
	$(BIN)/python bench/model.py

bench-lsp:
	$(BIN)/python bench/lsp.py --index build/catalog-index
