#!/usr/bin/env python
"""What the probe costs: fit time with and without it, and its share of a run's FLOPs.

The probe (tipsbench.training) scores a fixed set of images at log-spaced update counts
during fit(), and fit() then runs one batch per call into the compiled function
(steps_per_execution 1) so that points inside the first epoch can be scored. Both cost time;
neither changes a number of the run. This script measures the time on the package's own
training function, in one interpreter per condition (after a warm-up fit, so that compilation
is not counted), with and without the probe alternately: the machine's speed drifts (by up to
2x on a shared host), and each pair of fits side by side sees the same drift, so the figure is
the median ratio of the pairs. It also counts the FLOPs, as tipsbench.cost counts them.

    python benchmarks/probe_cost.py                   # base and full-batch conditions, 3 pairs
    python benchmarks/probe_cost.py --repeats 5 --backend tensorflow
    python benchmarks/probe_cost.py --grid results/slides   # FLOP share over a finished run

Run it on an otherwise idle machine; it prints each figure, no verdict.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "workflow"))
import pandas as pd  # noqa: E402

from tipsbench.cost import FLOP_PARTS, run_flops  # noqa: E402
from tipsbench.schema import defaults  # noqa: E402

# The slides' base condition (the schema's defaults) and its full-batch arm, on the first
# 10,000 images.
BASE = defaults("base")
CONDITIONS = {"base": BASE, "batch-10000": {**BASE, "batch_size": 10000}}


def fit_pairs(backend: str, condition: str, pairs: int, data: str) -> dict:
    """Fits in this process (the child's side): a warm-up, then ``pairs`` times without and
    with the probe; their fit seconds, the time inside the probe, its points and images."""
    from tipsbench.training import configure_runtime

    configure_runtime(backend, 1)
    from tipsbench.data import prepare_dataset
    from tipsbench.training import train_condition

    prepared, _ = prepare_dataset({"dataset": "mnist", "path": data, "train_size": 10000})
    hyperparameters, probe = CONDITIONS[condition], defaults("probe")
    train_condition(hyperparameters, prepared, seed=0, verbose=0, probe=probe)  # warm-up
    found = {"without": [], "with": [], "probe_seconds": []}
    for _ in range(pairs):
        plain = train_condition(hyperparameters, prepared, seed=0, verbose=0)
        probed = train_condition(hyperparameters, prepared, seed=0, verbose=0, probe=probe)
        found["without"].append(plain["metrics"]["fit_seconds"])
        found["with"].append(probed["metrics"]["fit_seconds"])
        found["probe_seconds"].append(probed["metrics"]["probe_seconds"])
    metrics = probed["metrics"]
    return {
        **found,
        "points": len(probed["probe"]),
        "parameters": metrics["parameters"],
        "probe_images": metrics["probe_train_samples"] + metrics["probe_test_samples"],
    }


def pairs_in_fresh_process(backend: str, condition: str, pairs: int, data: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", backend, condition, str(pairs), data],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="jax", choices=("jax", "tensorflow"))
    parser.add_argument("--repeats", type=int, default=5, help="pairs of fits per condition")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist.npz"))
    parser.add_argument("--grid", type=Path, help="a finished run (results/<run>): FLOP shares")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        backend, condition, pairs, data = arguments.child
        print(json.dumps(fit_pairs(backend, condition, int(pairs), data)))
        return 0
    if arguments.grid:
        cost = pd.read_csv(arguments.grid / "tables" / "cost.csv")
        run = cost[cost["scope"] == "run"].iloc[0]
        totals = {part: float(run[f"flops_{part}"]) for part in FLOP_PARTS}
        print(
            f"FLOPs of {arguments.grid} (TFLOP): "
            + ", ".join(f"{part} {value / 1e12:.2f}" for part, value in totals.items())
        )
        others = float(run["flops"]) - totals["probe"]
        print(f"probe: {100 * totals['probe'] / others:.2f} % of the run's other FLOPs")
        return 0
    print(f"backend {arguments.backend}, {arguments.repeats} pairs per condition, seed 0")
    for condition, spec in CONDITIONS.items():
        result = pairs_in_fresh_process(
            arguments.backend, condition, arguments.repeats, arguments.data
        )
        ratios = [b / a for a, b in zip(result["without"], result["with"])]
        shares = [p / b for p, b in zip(result["probe_seconds"], result["with"])]
        images, points = result["probe_images"], result["points"]
        parts = run_flops(result["parameters"], 10000, 10000, spec["epochs"])
        flops = sum(parts.values())
        probe_flops = run_flops(result["parameters"], 0, 0, 0, 0, images, points)["probe"]
        print(
            f"{condition}: fit with the probe / without, median of {len(ratios)} pairs: "
            f"{statistics.median(ratios):.3f} (pairs: {', '.join(f'{r:.2f}' for r in ratios)}); "
            f"time inside the probe {100 * statistics.median(shares):.1f} % of the fit; "
            f"{points} points x {images} images = {100 * probe_flops / flops:.2f} % of its FLOPs"
        )
        print(f"  without: {', '.join(f'{t:.2f}' for t in result['without'])} s")
        print(f"  with:    {', '.join(f'{t:.2f}' for t in result['with'])} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
