"""configure_runtime: what a training job's process is set up with before Keras is imported."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

PROBE = """
import json, os, sys
sys.path.insert(0, {workflow!r})
from tipsbench.training import configure_runtime
configure_runtime({backend!r}, 1)
import keras
keras.utils.set_random_seed(0)
print(json.dumps({{
    "backend": keras.backend.backend(),
    "tensorflow_imported": sys.modules.get("tensorflow") is not None,
    "xla_flags": os.environ.get("XLA_FLAGS", ""),
    "jax_cache": os.environ.get("JAX_COMPILATION_CACHE_DIR"),
}}))
"""


def probe(backend: str) -> dict:
    code = PROBE.format(workflow=str(ROOT / "workflow"), backend=backend)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_jax_job_never_imports_tensorflow_and_shares_compiled_programs():
    state = probe("jax")
    assert state["backend"] == "jax"
    # keras.utils.set_random_seed would import TensorFlow (seconds, hundreds of MB) to seed it.
    assert not state["tensorflow_imported"]
    assert state["jax_cache"]
    # Every XLA flag is a real --flag (XLA ignores stray words silently).
    assert all(word.startswith("--") for word in state["xla_flags"].split())


def test_a_tensorflow_job_still_runs_on_tensorflow():
    state = probe("tensorflow")
    assert state["backend"] == "tensorflow" and state["tensorflow_imported"]
