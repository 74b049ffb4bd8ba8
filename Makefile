# Both targets bootstrap .venv from a fresh clone, then run.
# PYTHON=/path/to/python picks the interpreter; by default the first Python >= 3.11
# among python3, python3.13, python3.12, python3.11 (checked only when .venv is made).
PYTHON ?= $(firstword $(foreach p,python3 python3.13 python3.12 python3.11,\
            $(shell $(p) -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(p))))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-long bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || { $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	  || { echo "error: need Python >= 3.11 (tried: $(or $(PYTHON),python3 python3.13 python3.12 python3.11)); run make PYTHON=/path/to/python3.11+" >&2; exit 1; }; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m reference.side_by_side --dataset digits --epochs 3

# Deterministic: the default hypothesis profile draws the same examples every run.
test: $(STAMP)
	$(PY) -m pytest -q -n 2 -p no:cacheprovider

# Exploring: new random examples every run (see tests/conftest.py for what to do with a failure).
test-long: $(STAMP)
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest -q -n 2 -p no:cacheprovider

bench: $(STAMP)
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info
