# docscan: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE := examples/informatiebeleidsplan-veenendrecht.pdf

.PHONY: demo test install install-test example bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make demo: install docscan and analyse the bundled example plan
demo: install
	$(BIN)/docscan analyze $(EXAMPLE) -o reports/informatiebeleidsplan-veenendrecht.html --json reports/informatiebeleidsplan-veenendrecht.json
	@echo "Report written: $$(pwd)/reports/informatiebeleidsplan-veenendrecht.html"

## make test: install the test extras and run the whole suite
test: install-test
	$(BIN)/python -m pytest -q -ra

## make example: regenerate the example PDF from its markup (needs the test extras)
example: install-test
	$(BIN)/python examples/build_example.py

## make bench: the benchmarks of benchmarks/ (figures for the issue notes)
bench: install-test
	cd benchmarks && ../$(BIN)/python bench_extract.py && ../$(BIN)/python bench_analyze.py && ../$(BIN)/python bench_batch.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
