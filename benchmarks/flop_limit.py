#!/usr/bin/env python
"""A finished run's wall time as a multiple of its FLOP limit, and what makes up the rest.

The run's own cost table (results/<run>/tables/cost.csv, tipsbench.cost: every training job's
FLOPs, core-seconds and the span of the training jobs) at a matmul peak (benchmarks/peak.py,
measured now unless --peak gives one measured close in time to the run):

    python benchmarks/flop_limit.py results/slides                   # measures the peak now
    python benchmarks/flop_limit.py results/slides --peak 288.6 --cores 2

speed.py prints the same figure for its own pipeline run, with the peak of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "workflow"))
from peak import measure_peak  # noqa: E402

from tipsbench.cost import FLOP_PARTS, limit_breakdown  # noqa: E402

PARTS = {
    "fit": "fit() above the FLOP limit of the work inside it",
    "outside_fit": "jobs outside fit() (start-up, data, build, evaluate/predict, writes)",
    "idle": "cores without a training job",
}


def flop_limit_figure(
    run_dir: str | Path, peak_gflops: float, cores: int, pipeline_wall: float | None = None
) -> dict:
    """The run's figure and breakdown (``cost.limit_breakdown``) with its FLOPs by part; with
    ``pipeline_wall`` (the whole Snakemake run, as speed.py measures it) also that over the
    limit."""
    cost = pd.read_csv(Path(run_dir) / "tables" / "cost.csv")
    run = cost[cost["scope"] == "run"].iloc[0]
    result = {
        "run": Path(run_dir).name,
        "jobs": int(run["runs"]),
        "flops": float(run["flops"]),
        **{part: float(run[f"flops_{part}"]) for part in FLOP_PARTS},
        **limit_breakdown(run, peak_gflops, cores),
    }
    if pipeline_wall is not None:
        result["pipeline_wall_seconds"] = pipeline_wall
        result["pipeline_figure"] = pipeline_wall / result["limit_seconds"]
    return result


def figure_lines(result: dict, target: float | None) -> list[str]:
    """The figure (against ``target`` unless None) and its breakdown, as printed lines."""
    wall, limit = result["wall_seconds"], result["limit_seconds"]
    verdict = ""
    if target is not None:
        verdict = f"; target <= {target} x: {'PASS' if result['figure'] <= target else 'FAIL'}"
    lines = [
        f"{result['run']}: training jobs' span {wall:.1f} s = {result['figure']:.2f} x its FLOP "
        f"limit ({limit:.1f} s at {result['peak_gflops']:.1f} GFLOP/s)" + verdict,
        f"  {result['jobs']} runs, {result['flops'] / 1e12:.2f} TFLOP ("
        + ", ".join(f"{part} {result[part] / 1e12:.2f}" for part in FLOP_PARTS)
        + f") on {result['cores']} cores",
        f"  wall = FLOP limit {limit:8.1f} s {100 * limit / wall:5.1f} %",
    ]
    for part, seconds in result["parts"].items():
        mark = "  <- dominates the rest" if part == result["dominant"] else ""
        lines.append(
            f"       + {seconds:8.1f} s {100 * seconds / wall:5.1f} %  {PARTS[part]}{mark}"
        )
    if "pipeline_wall_seconds" in result:
        lines.append(
            f"  whole pipeline (start-up, data step, report included): "
            f"{result['pipeline_wall_seconds']:.1f} s = {result['pipeline_figure']:.2f} x"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("run_dir", type=Path, help="a finished run, e.g. results/slides")
    parser.add_argument("--peak", type=float, default=None, help="GFLOP/s (default: measure now)")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="snakemake --cores")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    peak = args.peak or measure_peak(args.cores)["peak_gflops"]
    result = flop_limit_figure(args.run_dir, peak, args.cores)
    print("\n".join(figure_lines(result, None)))
    print("(evidence only if the machine was otherwise idle during the run and the peak)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
