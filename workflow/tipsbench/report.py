"""Build the report's context from the tables and figures, and render it to HTML and PDF.

The templates only present: every number they show is taken from the tables here and
handed over formatted, so the report and the tables cannot disagree. The HTML is one
self-contained file (CSS inline, figures as data URIs, no request anywhere); the PDF is
rendered by WeasyPrint from the same template with the print flag set.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from tipsbench.grid import HYPERPARAMETER_SLUGS

TEST_NAMES = {"paired_t": "paired t-test", "wilcoxon": "Wilcoxon signed-rank"}
VERDICT_CLASSES = {"REPRODUCED": "reproduced", "REVERSED": "reversed", "INCONCLUSIVE": "inconclusive"}


def fmt(value: Any, digits: int = 3, signed: bool = False) -> str:
    """A number for a table cell: fixed digits, an en dash for missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "–"
    return f"{float(value):{'+' if signed else ''}.{digits}f}"


def fmt_p(value: Any) -> str:
    """A p-value: three significant digits, or an upper bound when tiny."""
    if value is None or pd.isna(value):
        return "–"
    return "< 0.0001" if value < 1e-4 else f"{value:.4f}"


def fmt_interval(low: Any, high: Any, digits: int = 3, signed: bool = False) -> str:
    """``[low, high]``, or an en dash when either end is undefined."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"[{fmt(low, digits, signed)}, {fmt(high, digits, signed)}]"


def mean_sd(mean: Any, sd: Any) -> str:
    """``mean ± sd``, with the sd left out when it is undefined (one seed)."""
    return fmt(mean) if pd.isna(sd) else f"{fmt(mean)} ± {fmt(sd)}"


def describe_changes(hyperparameters: dict[str, Any], base: dict[str, Any]) -> str:
    """How a condition differs from the base, e.g. ``batch_size = 10000``."""
    changes = [
        f"{key} = {hyperparameters[key]}"
        for key in HYPERPARAMETER_SLUGS
        if hyperparameters.get(key) != base.get(key)
    ]
    return ", ".join(changes) or "the base condition"


def describe_base(base: dict[str, Any]) -> str:
    """The base condition in one line."""
    dropout = f", Dropout({base['dropout_rate']}) after each" if base["dropout_rate"] else ""
    return (
        f"{base['hidden_layers']} × Dense({base['units']}, {base['activation']}){dropout} → "
        f"Dense(10, softmax); loss {base['loss']}; {base['optimizer']}(learning_rate="
        f"{base['learning_rate']}); batch {base['batch_size']}; {base['epochs']} epochs"
    )


def svg_data_uri(svg: str) -> str:
    """An SVG file as a data URI, so the report needs no other file and makes no request."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def config_hash(config: dict[str, Any]) -> str:
    """SHA-256 of the resolved config (keys sorted), naming exactly what was run."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def git_state(repository: str | Path) -> dict[str, str]:
    """The commit the workflow ran from and whether its tree had uncommitted changes."""
    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=repository, capture_output=True, text=True, check=True, timeout=20
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": "not a git checkout", "dirty": "unknown"}
    return {"commit": commit, "dirty": "yes (uncommitted changes)" if dirty else "no"}


def _duration(seconds: float) -> str:
    if pd.isna(seconds):
        return "–"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def _arm_context(row: Any, conditions: dict, base: dict) -> dict[str, Any]:
    return {
        "role": row.role,
        "label": row.arm,
        "condition": row.condition,
        "changes": describe_changes(conditions[row.condition], base),
        "n": int(row.n),
        "n_trained": int(row.n_trained),
        "slide": fmt(row.slide_accuracy),
        "test": mean_sd(row.test_accuracy_mean, row.test_accuracy_sd),
        "test_mean": fmt(row.test_accuracy_mean),
        "test_ci": fmt_interval(row.test_accuracy_ci_low, row.test_accuracy_ci_high),
        "test_pi": fmt_interval(row.test_accuracy_pi_low, row.test_accuracy_pi_high),
        "slide_in_pi": "–" if pd.isna(row.slide_in_pi) else ("yes" if row.slide_in_pi else "no"),
        "test_range": f"{fmt(row.test_accuracy_min)}–{fmt(row.test_accuracy_max)}",
        "train": mean_sd(row.train_accuracy_mean, row.train_accuracy_sd),
    }


def _finding_context(finding: Any) -> dict[str, Any]:
    from tipsbench.stats import finding_sentence

    return {
        "verdict": finding.verdict,
        "verdict_class": VERDICT_CLASSES.get(finding.verdict, "inconclusive"),
        "evidence": bool(finding.evidence),
        "diff": fmt(finding.mean_diff, signed=True),
        "diff_ci": fmt_interval(finding.diff_ci_low, finding.diff_ci_high, signed=True),
        "boot_ci": fmt_interval(finding.boot_ci_low, finding.boot_ci_high, signed=True),
        "p": fmt_p(finding.p_value),
        "p_holm": fmt_p(finding.p_holm),
        "dz": fmt(finding.cohen_dz, 2),
        "prob_b": fmt(finding.prob_b_beats_a, 2),
        "wins_b": f"{int(finding.wins_b)} of {int(finding.n_pairs)}",
        "test": TEST_NAMES.get(finding.test, finding.test),
        "note": "" if pd.isna(finding.note) else finding.note,
        "sentence": finding_sentence(finding._asdict() if hasattr(finding, "_asdict") else finding),
    }


def build_context(
    config: dict[str, Any],
    conditions: dict[str, dict[str, Any]],
    tables: dict[str, pd.DataFrame],
    figures: dict[str, str],
    data_info: dict[str, Any],
    repository: str | Path,
    configfiles: list[str],
    missing: list[str] | None = None,
) -> dict[str, Any]:
    """Everything the template shows, formatted, from the config, the tables and the figures.

    ``tables`` holds runs, summary, findings, curves, jobs, confusion and determinism;
    ``figures`` maps ``<study>-accuracy``, ``<study>-curves`` and ``confusion`` to SVG text.
    """
    runs, summary, findings, jobs = (tables[name] for name in ("runs", "summary", "findings", "jobs"))
    base = config["base"]
    studies = []
    for name, spec in config["studies"].items():
        finding = findings[findings["study"] == name]
        seeds = runs[runs["study"] == name].sort_values(["role", "seed"])
        studies.append(
            {
                "name": name,
                "title": spec.get("title") or name,
                "claim": spec["claim"],
                "claim_zh": spec.get("claim_zh", ""),
                "note": spec.get("note", ""),
                "expect": spec["expect"],
                "arms": [
                    _arm_context(row, conditions, base)
                    for row in summary[summary["study"] == name].sort_values("role").itertuples()
                ],
                "finding": _finding_context(next(finding.itertuples())) if len(finding) else None,
                "accuracy_figure": svg_data_uri(figures[f"{name}-accuracy"]),
                "curves_figure": svg_data_uri(figures[f"{name}-curves"]),
                "seeds": [
                    {
                        "role": row.role,
                        "arm": row.arm,
                        "seed": int(row.seed),
                        "status": row.status,
                        "test_accuracy": fmt(row.test_accuracy, 4),
                        "train_accuracy": fmt(row.train_accuracy, 4),
                        "test_loss": fmt(row.test_loss, 4),
                        "epochs_run": int(row.epochs_run),
                    }
                    for row in seeds.itertuples()
                ],
            }
        )

    confusion = tables["confusion"]
    best = summary[(summary["study"] == confusion["study"].iloc[0]) & (summary["arm"] == confusion["arm"].iloc[0])]
    started = pd.to_datetime(jobs.get("started_at"), errors="coerce")
    finished = pd.to_datetime(jobs.get("finished_at"), errors="coerce")
    wall_seconds = (finished.max() - started.min()).total_seconds() if started.notna().any() else float("nan")
    first = jobs.iloc[0]
    versions = {
        column.removeprefix("version_"): first[column]
        for column in jobs.columns
        if column.startswith("version_") and pd.notna(first[column])
    }
    versions["pandas"] = pd.__version__
    run_name = config["run_name"]
    return {
        "run_name": run_name,
        "smoke": bool(config.get("smoke")),
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "backend": config["backend"],
        "seeds": ", ".join(str(seed) for seed in config["seeds"]),
        "n_runs": len(jobs),
        "n_conditions": len(conditions),
        "n_studies": len(studies),
        "wall_time": _duration(wall_seconds),
        "total_compute": _duration(jobs["job_seconds"].sum(min_count=1) if "job_seconds" in jobs else float("nan")),
        "fit_total": _duration(jobs["fit_seconds"].sum(min_count=1)),
        "data": config["data"],
        "data_info": data_info,
        "base": describe_base(base),
        "statistics": config["statistics"],
        "studies": studies,
        "missing": missing or [],
        "final": {
            "study": confusion["study"].iloc[0],
            "arm": confusion["arm"].iloc[0],
            "condition": confusion["condition"].iloc[0],
            "test": mean_sd(best["test_accuracy_mean"].iloc[0], best["test_accuracy_sd"].iloc[0]) if len(best) else "–",
            "n_predictions": int(confusion.filter(like="predicted_").to_numpy().sum()),
            "figure": svg_data_uri(figures["confusion"]),
        },
        "provenance": {
            "versions": versions,
            "backend": first.get("backend"),
            "cpu": first.get("cpu"),
            "cores": os.cpu_count(),
            "threads": ", ".join(str(value) for value in sorted(jobs["threads"].dropna().unique())),
            "platform": platform.platform(),
            **git_state(repository),
            "config_hash": config_hash(config),
            "determinism": [
                {
                    "condition": row.condition,
                    "seed": int(row.seed),
                    "backend": row.backend,
                    "result": row.result,
                    "weights": fmt(row.weights_max_abs_diff, 3),
                }
                for row in tables["determinism"].itertuples()
            ],
            "jobs": [
                {
                    "condition": row.condition,
                    "seed": int(row.seed),
                    "status": row.status,
                    "fit": fmt(row.fit_seconds, 1),
                    "job": fmt(getattr(row, "job_seconds", float("nan")), 1),
                    "throughput": f"{row.samples_per_second:,.0f}" if pd.notna(row.samples_per_second) else "–",
                    "memory": fmt(getattr(row, "peak_rss_mb", float("nan")), 0),
                }
                for row in jobs.itertuples()
            ],
        },
        "reproduce": _reproduce_commands(run_name, configfiles, config["seeds"], conditions),
    }


def _reproduce_commands(
    run_name: str, configfiles: list[str], seeds: list[int], conditions: dict[str, Any]
) -> dict[str, Any]:
    """The commands that rebuild this report and retrain each condition (all its seeds)."""
    snakemake = "snakemake --cores 4" + "".join(f" --configfile {path}" for path in configfiles)
    seed_pattern = "{" + ",".join(map(str, seeds)) + "}" if len(seeds) > 1 else str(seeds[0])
    return {
        "all": snakemake,
        "conditions": [
            {
                "condition": condition,
                "command": f"{snakemake} --forcerun results/{run_name}/runs/{condition}/seed-{seed_pattern}/metrics.json",
            }
            for condition in conditions
        ],
    }


def render(context: dict[str, Any], template_dir: str | Path, print_mode: bool = False) -> str:
    """Render ``report.html.j2`` with ``context``; the CSS file is inlined."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = (Path(template_dir) / "report.css").read_text()
    return environment.get_template("report.html.j2").render(css=css, print_mode=print_mode, **context)


def write_pdf(html: str, path: str | Path) -> None:
    """Render report HTML (made with ``print_mode=True``) to a PDF with WeasyPrint."""
    import logging

    import weasyprint

    # WeasyPrint warns about every CSS property it ignores; the log needs none of that.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    weasyprint.HTML(string=html).write_pdf(str(path))
