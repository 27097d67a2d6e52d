# Two commands from a fresh clone (see README.md):
#   make report   build every report into reports/ from the bundled data
#   make test     run the whole test suite
# Both create .venv and install the project on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Prefer the kernels and settings inside .venv over any in the user's home folder.
export JUPYTER_PREFER_ENV_PATH := 1
export MPLBACKEND := Agg

.PHONY: report test lab lint synth clean

report: $(INSTALLED)
	$(BIN)/adoption report

# The suite in TEST_PROCESSES processes (pytest-xdist), each test file wholly in one, so
# that a file's shared build is made once: on 2 cores about 5.5 minutes instead of 8.5,
# as many tests wait on kernels, browsers and child processes. TEST_PROCESSES=0: in one.
TEST_PROCESSES ?= 2

test: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile

# JupyterLab refuses to run as root unless told (containers often run as root).
lab: $(INSTALLED)
	MPLBACKEND= $(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks

# Regenerate the committed synthetic data (same seed, same bytes).
synth: $(INSTALLED)
	$(BIN)/adoption synth --out data/synthetic --seed 2009

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "adoption needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# Compiled once here: kernels then load adoption without recompiling it, even where
	@# PYTHONDONTWRITEBYTECODE is set.
	$(BIN)/python -m compileall -q src
	touch $(INSTALLED)

clean:
	rm -rf $(VENV) reports/*.html reports/charts reports/executed reports/.build
