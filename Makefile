# backchannel developer entry points. `make run` and `make test` are the README's two commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo install dev system-deps kafka test test-unit lint bench clean help

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

install: $(STAMP)  ## create .venv and install backchannel

run: install  ## install, then run the live job on the shipped example articles (Ctrl-C stops)
	$(BIN)/backchannel run

demo: install  ## install, then one pass over the example articles
	$(BIN)/backchannel run --once --metrics-port 0

$(VENV)/.dev: pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

dev: $(VENV)/.dev  ## install with test and lint tools

system-deps:  ## Debian packages the tests use: Java 17, Maven, prometheus, promtool, alertmanager, kcat
	@bash deploy/system-deps.sh

kafka: system-deps  ## fetch Kafka broker jars from Maven Central (cached)
	bash deploy/kafka/kafka.sh fetch

test: system-deps dev kafka  ## install everything and run every test (Kafka and Prometheus included)
	$(BIN)/ruff check streams agents connectors tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

test-unit: dev  ## only the fast tests (no broker, no Prometheus)
	$(BIN)/python -m pytest -q tests/unit

lint: dev  ## ruff and mypy --strict
	$(BIN)/ruff check streams agents connectors tests benchmarks
	$(BIN)/ruff format --check streams agents connectors
	$(BIN)/mypy

bench: dev  ## run every benchmark and print the tables
	$(BIN)/python -m benchmarks

clean:  ## remove the venv and local state
	rm -rf $(VENV) .backchannel .pytest_cache .mypy_cache .ruff_cache
