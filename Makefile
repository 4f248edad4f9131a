# The two commands of the README, and the set-up they share: a virtual environment in
# .venv with the pinned versions of requirements.txt (made once, remade when it changes).

VENV ?= .venv
# One training job per CPU at a time (each job runs one thread).
CORES ?= $(shell nproc 2>/dev/null || echo 4)
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run run-gpu smoke test

# Set everything up and run the default experiment: snakemake --cores <CPUs> on config/config.yaml.
run: $(VENV)/.installed
	$(BIN)/snakemake --cores $(CORES)

# The same on a machine with an NVIDIA GPU: adds the CUDA build of JAX (requirements-cuda.txt),
# which the training jobs then use; not needed, and not tested in CI, on a CPU-only machine.
run-gpu: $(VENV)/.installed-cuda
	$(BIN)/snakemake --cores $(CORES)

# The CI smoke run: the same studies on the committed MNIST subset, 2 seeds, 2 epochs.
smoke: $(VENV)/.installed
	$(BIN)/snakemake --cores $(CORES) --configfile config/smoke.yaml

# Unit tests, workflow gates and the end-to-end smoke run.
test: $(VENV)/.installed
	$(BIN)/python -m pytest

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-cuda: $(VENV)/.installed requirements-cuda.txt
	$(BIN)/pip install --quiet -r requirements-cuda.txt
	touch $@
