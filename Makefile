# Every target creates .venv when it is missing and installs what it needs.
# A stamp file per extra makes a second run skip the install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: demo test test-slow lint format lab bench bench-smoke clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed-runtime

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[lab]'
	touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/webinar-insights demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check webinar_insights tests $(wildcard bench)
	$(BIN)/ruff format --check webinar_insights tests $(wildcard bench)
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format webinar_insights tests $(wildcard bench)
	$(BIN)/ruff check --fix webinar_insights tests $(wildcard bench)

test: lint
	$(BIN)/pytest -m "not slow"
	$(PY) -m bench --smoke

test-slow: $(VENV)/.installed-test
	$(BIN)/pytest -m slow

lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab notebooks/

bench: $(VENV)/.installed-test
	$(PY) -m bench

bench-smoke: $(VENV)/.installed-test
	$(PY) -m bench --smoke

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
