# Lowcraft: `make run` sets everything up and starts the server; `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
WEB_SOURCES := $(shell find web/src web/sandbox web/index.html web/vite.config.ts web/tsconfig*.json -type f 2>/dev/null)

.PHONY: run setup test test-python test-web web migrate bench lint clean

run: setup
	$(BIN)/lowcraft serve

setup: $(STAMP) $(if $(wildcard web/package.json),web/dist/index.html)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

web: web/dist/index.html

migrate: $(STAMP)
	$(BIN)/lowcraft migrate

test: test-python $(if $(wildcard web/package.json),test-web)

test-python: setup
	$(BIN)/pytest

test-web: web/node_modules/.package-lock.json
	cd web && npm test

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check lowcraft tests
	$(BIN)/mypy lowcraft

clean:
	rm -rf $(VENV) web/node_modules web/dist
