"""Check apply_pretrained on a given Keras backend in a process of its own.

A process can load only one Keras backend and the test session runs on JAX, so the tests run
this check on TensorFlow (and, the same way, on JAX) through this script:

    python tests/pretraining_check.py <backend>

It prints one JSON object: the check's findings. ``run_pretraining_check`` runs it from a test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The package (tipsbench.schema is light: no Keras, so the backend can still be chosen).
sys.path.insert(0, str(HERE.parent / "workflow"))
from tipsbench.schema import hyperparameters  # noqa: E402

# A small deep sigmoid MLP like the pre-training arm's (3 hidden layers instead of 8).
SMALL = hyperparameters(hidden_layers=3, units=16, batch_size=20, epochs=1)


def main(backend: str) -> dict:
    sys.path.insert(0, str(HERE.parent / "workflow"))
    from tipsbench.training import configure_runtime

    configure_runtime(backend, 1)
    import keras
    import numpy as np

    from tipsbench.models import build_model
    from tipsbench.pretraining import apply_pretrained, rbm_stack

    x = np.random.default_rng(0).random((60, 12), dtype=np.float32)
    layers = rbm_stack(x, [SMALL["units"]] * 3, epochs=2, learning_rate=0.05, batch_size=20, seed=3)
    keras.utils.set_random_seed(0)
    model = build_model(SMALL, 12, 4)
    output_before = [w.copy() for w in model.get_layer("output").get_weights()]
    apply_pretrained(model, layers)
    kernels_match = all(
        model.get_layer(f"hidden_{k + 1}").get_weights()[0].tobytes() == layer.kernel.tobytes()
        and model.get_layer(f"hidden_{k + 1}").get_weights()[1].tobytes() == layer.bias.tobytes()
        for k, layer in enumerate(layers)
    )
    output_kept = all(
        a.tobytes() == b.tobytes()
        for a, b in zip(output_before, model.get_layer("output").get_weights())
    )
    # The model computes with the copied weights: its output against a float64 NumPy forward
    # pass through the same arrays.
    expected = forward(x, layers, output_before)
    predicted = model.predict(x, verbose=0)
    return {
        "backend": keras.backend.backend(),
        "kernels_match": kernels_match,
        "output_kept": output_kept,
        "worst_output_error": float(np.max(np.abs(predicted - expected))),
    }


def forward(x, layers, output):
    """The net's softmax output in float64 NumPy: sigmoid hidden layers with the pre-trained
    kernels and biases, then the output layer's ``[kernel, bias]``."""
    import numpy as np

    h = x.astype(np.float64)
    for layer in layers:
        h = 1 / (1 + np.exp(-(h @ layer.kernel + layer.bias)))
    kernel, bias = (w.astype(np.float64) for w in output)
    logits = h @ kernel + bias
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    return expected / expected.sum(axis=1, keepdims=True)


def run_pretraining_check(backend: str) -> dict:
    """Run the check on ``backend`` in a fresh interpreter; its findings."""
    from backend_check import run_script

    return run_script(Path(__file__), backend)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
