# Two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The pure core, type-checked strictly (I/O edges are checked by tests).
CORE := src/legday/model.py src/legday/settings.py src/legday/errors.py src/legday/summary.py \
        src/legday/analysis src/legday/stimulus src/legday/strength src/legday/week \
        src/legday/plan src/legday/synth src/legday/io/fit src/legday/io/point_scan.py \
        src/legday/io/xml.py src/legday/io/gpx.py src/legday/io/tcx.py src/legday/io/isotime.py \
        src/legday/io/sports.py src/legday/io/track.py src/legday/io/text.py src/legday/io/strava.py

.PHONY: demo test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/legday demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy $(CORE)

test: lint typecheck
	$(BIN)/pytest -W error -q

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/ingest.py --stat min
	$(BIN)/python bench/analyze_speed.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/plan_speed.py
	$(BIN)/python bench/import_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
