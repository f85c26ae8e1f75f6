# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# `make demo` needs only the package. The tests also need the test tools and the Spark extra:
# pyspark is a ~450 MB source package that pip builds once, then takes from its cache.
BASE   := $(VENV)/.installed-base
FULL   := $(VENV)/.installed-test

.PHONY: demo test lint bench clean

$(BASE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(BASE)

$(FULL): $(BASE)
	$(BIN)/pip install --quiet -e ".[test,dev,spark]"
	touch $(FULL)

demo: $(BASE)
	$(BIN)/tradestat demo --store .demo/store --out .demo

# loadgroup: the Spark tests share one worker, so one Spark session starts, not two
test: $(FULL)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -n 2 --dist loadgroup

lint: $(FULL)
	$(BIN)/ruff check src tests benchmarks

bench: $(FULL)
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) .demo .pytest_cache
