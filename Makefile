# Two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The pure core, type-checked strictly (I/O edges are checked by tests).
CORE := src/legday/model.py src/legday/settings.py src/legday/errors.py src/legday/summary.py \
        src/legday/config.py \
        src/legday/analysis src/legday/stimulus src/legday/strength src/legday/week \
        src/legday/plan src/legday/synth src/legday/io/fit src/legday/io/point_scan.py \
        src/legday/io/xml.py src/legday/io/gpx.py src/legday/io/tcx.py src/legday/io/isotime.py \
        src/legday/io/sports.py src/legday/io/track.py src/legday/io/text.py src/legday/io/strava.py

.PHONY: demo test test-lowest lint typecheck bench clean

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

# Every dependency at its lower bound (constraints/lowest.txt) in a venv of its own, and a fast
# subset of the tests on it: the store, the importer, the CLI's every command on SQLite (and on
# PostgreSQL when LEGDAY_TEST_PG_URL is set). Not in CI: it installs a second environment.
LOWEST := .venv-lowest
LOWEST_TESTS := tests/test_every_command.py tests/test_store_basics.py tests/test_store_import.py \
        tests/test_removed_sessions.py tests/test_strength_csv.py tests/test_plausible.py \
        tests/test_big_strength_log.py

$(LOWEST)/.installed: constraints/lowest.txt pyproject.toml
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python -m pip install --quiet -c constraints/lowest.txt -e '.[web,postgres,server]' \
		pytest hypothesis
	touch $@

test-lowest: $(LOWEST)/.installed
	$(LOWEST)/bin/python -m pip check
	$(LOWEST)/bin/pytest -q -p no:cacheprovider $(LOWEST_TESTS) -k "not batch"

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/ingest.py --stat min
	$(BIN)/python bench/analyze_speed.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/plan_speed.py
	$(BIN)/python bench/import_speed.py

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache .mypy_cache .ruff_cache
