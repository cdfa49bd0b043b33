# Two commands on a fresh machine:  make demo  (the main job on the bundled example)  ·  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,eval,batch]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsdesk brief examples/harbour-bridge

# What CI runs (.ci/run): lint, format check, mypy --strict, then the tests.
test: lint typecheck
	$(BIN)/python -m pytest -q -p no:cacheprovider --cov --cov-report=term --cov-fail-under=70

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

check: test

clean:
	rm -rf $(VENV) build *.egg-info
