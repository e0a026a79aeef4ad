# The README's two commands: `make demo` and `make test`. Each sets up the virtualenv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean chromium java

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/nbaprops demo --db demo.duckdb

# Debian's chromium renders the dashboard in tests/test_report.py (that one test skips without it)
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "chromium could not be installed: the dashboard render test will skip"

# Java for the Spark test group (tests/test_spark.py skips without it)
java:
	@command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq default-jre-headless) \
		|| echo "java could not be installed: the Spark tests will skip"

# Two workers, each test file on one worker (module fixtures stay whole): the Spark group's waits
# (JVM start, per-query latency) overlap with the DuckDB tests.
test: $(STAMP) chromium java
	$(BIN)/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo.duckdb demo.duckdb.wal
