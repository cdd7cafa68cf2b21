# Every target creates .venv when it is missing and installs what it needs.
# A stamp file per extra makes a second run skip the install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: demo test test-slow lint format lab bench bench-smoke clean chromium notebooks

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[test,bench,lab]'
	touch $@ $(VENV)/.installed-runtime $(VENV)/.installed-lab

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[lab]'
	touch $@ $(VENV)/.installed-runtime

# Syncs the built-in simulator into reports/.demo-store, then writes reports/webinar-report.html.
demo: $(VENV)/.installed-runtime
	$(BIN)/webinar-insights report --demo -o reports/webinar-report.html

# The report's browser tests run in Debian's chromium at /usr/bin/chromium (playwright drives
# it; no browser is ever downloaded). Installed here when missing, with sudo unless root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check webinar_insights tests $(wildcard bench)
	$(BIN)/ruff format --check webinar_insights tests $(wildcard bench)
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format webinar_insights tests $(wildcard bench)
	$(BIN)/ruff check --fix webinar_insights tests $(wildcard bench)

# The suite runs on every core, up to four workers; a file's tests stay on one worker, so a
# module's fixtures (a demo store, a browser, a loopback server) are built once.
test: lint chromium
	$(BIN)/pytest -m "not slow" -n auto --maxprocesses 4 --dist loadfile
	$(BIN)/pytest --nbval notebooks/ --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -q -p no:cacheprovider
	$(PY) -m bench --smoke

# Re-execute the notebooks and store their outputs (after a deliberate change of output).
notebooks: $(VENV)/.installed-test
	$(PY) notebooks/refresh_outputs.py

test-slow: $(VENV)/.installed-test
	$(BIN)/pytest -m slow

# As root (a container) JupyterLab needs --allow-root; as anyone else it is not passed.
lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab notebooks/ $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi)

bench: $(VENV)/.installed-test
	$(PY) -m bench

bench-smoke: $(VENV)/.installed-test
	$(PY) -m bench --smoke

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
