# PractiPal: `make run` serves the app, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(abspath $(VENV))/bin
PYTHON ?= python3
PRACTIPAL_PORT ?= 3000

export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export PRACTIPAL_PORT

.PHONY: run demo test unit lint format install install-dev migrate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	reflex db migrate

run: migrate
	reflex run --env prod --backend-port $(PRACTIPAL_PORT) --frontend-port $(PRACTIPAL_PORT)

demo: migrate
	practipal demo
	$(MAKE) run

test: install-dev
	bash tests/run_all.sh

unit: install-dev
	python -m pytest tests/unit -q -p no:cacheprovider -n auto

lint: install-dev
	ruff check .
	ruff format --check .

format: install-dev
	ruff format .
	ruff check --fix .

clean:
	rm -rf .web .states
