# Two entry points, each making its own virtual environment from a clean clone:
#   make demo   the main job (adapt / test the committed model on the default data, offline;
#               DEMO_ARGS=--train trains tiny models first)
#   make test   the test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DAPFSR_DATA_ROOT ?= $(abspath ../shared/data)
export DAPFSR_DATA_ROOT

.PHONY: venv demo test

$(VENV)/.installed: setup.py $(wildcard requirements/*.txt)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[tests]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(PY) tools/demo.py --work-dir work_dirs/demo $(DEMO_ARGS)

test: venv
	$(PY) -m pytest -q tests $(PYTEST_ARGS)
