# Two entry points on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench eval-notes fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The .pyc files an installed wheel would have: an editable install under
# PYTHONDONTWRITEBYTECODE would otherwise compile every module at each launch.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[notes]'
	$(BIN)/python -m compileall -q wizard
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test,notes]'
	$(BIN)/python -m compileall -q wizard
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/wizard

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/wizard lint

# Start-up, headless run, keypresses, lint, scale and memory against their floors; the table
# goes to the terminal and to bench/results.md (see "Performance" in the README). BENCH_ARGS
# passes options, e.g. make bench BENCH_ARGS="--runs 5 --only startup,lint".
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# How well a provider's note is read: every vignette of the case library through the reader,
# per question and overall, against the targets (see bench/notes_eval.py). EVAL_ARGS passes
# options, e.g. make eval-notes EVAL_ARGS="--cases held_out.toml --verbose". The second run reads
# each note wrapped at 72 columns, as notes exported or pasted at a fixed width come.
eval-notes: $(STAMP)
	$(BIN)/python -m bench.notes_eval $(EVAL_ARGS)
	$(BIN)/python -m bench.notes_eval --wrap 72 $(EVAL_ARGS)

# The long run of the hostile-input tests: 1500 random examples per fuzz target, a kill at every
# phase of every answer, 10 s of eight concurrent writers. The counts are printed at the end.
fuzz: $(TEST_STAMP)
	HYPOTHESIS_PROFILE=fuzz WIZARD_STRESS_FULL=1 WIZARD_STRESS_SECONDS=10 $(BIN)/python -m pytest -q \
		$(wildcard tests/test_fuzz*.py) tests/test_hostile_crash.py tests/test_hostile_concurrency.py

clean:
	rm -rf $(VENV) build dist *.egg-info
