"""Build the report's context from the tables and figures, and render the jinja2 template.

The template only presents: every number it shows is computed here from the tables and
handed over formatted, so the report and the tables cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from tipsbench.grid import HYPERPARAMETER_SLUGS


def fmt(value: Any, digits: int = 3) -> str:
    """A number for a table cell: fixed digits, an en dash for missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{float(value):.{digits}f}"


def mean_sd(mean: Any, sd: Any) -> str:
    """``mean ± sd``, with the sd left out when it is undefined (one seed)."""
    if pd.isna(sd):
        return fmt(mean)
    return f"{fmt(mean)} ± {fmt(sd)}"


def describe_changes(hyperparameters: dict[str, Any], base: dict[str, Any]) -> str:
    """How a condition differs from the base, e.g. ``batch_size = 10000``; ``base`` if it does not."""
    changes = [
        f"{key} = {hyperparameters[key]}"
        for key in HYPERPARAMETER_SLUGS
        if hyperparameters.get(key) != base.get(key)
    ]
    return ", ".join(changes) or "the base condition"


def inline_svg(svg: str) -> str:
    """SVG text without its XML prolog, ready to sit inside HTML."""
    return re.sub(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", "", svg.strip())


def build_context(
    config: dict[str, Any],
    conditions: dict[str, dict[str, Any]],
    runs: pd.DataFrame,
    summary: pd.DataFrame,
    figures: dict[str, str],
) -> dict[str, Any]:
    """Everything the template shows, formatted, from the config, the tables and the figures."""
    studies = []
    for name, spec in config["studies"].items():
        arm_rows = summary[summary["study"] == name].sort_values("role")
        arms = [
            {
                "role": row.role,
                "label": row.arm,
                "condition": row.condition,
                "changes": describe_changes(conditions[row.condition], config["base"]),
                "n": int(row.n),
                "slide": fmt(row.slide_accuracy),
                "test": mean_sd(row.test_accuracy_mean, row.test_accuracy_sd),
                "test_range": f"{fmt(row.test_accuracy_min)}–{fmt(row.test_accuracy_max)}",
                "train": mean_sd(row.train_accuracy_mean, row.train_accuracy_sd),
            }
            for row in arm_rows.itertuples()
        ]
        seeds = runs[runs["study"] == name].sort_values(["role", "seed"])
        studies.append(
            {
                "name": name,
                "title": spec.get("title") or name,
                "claim": spec["claim"],
                "claim_zh": spec.get("claim_zh", ""),
                "expect": spec["expect"],
                "arms": arms,
                "figure": inline_svg(figures[name]),
                "seeds": [
                    {
                        "role": row.role,
                        "arm": row.arm,
                        "seed": int(row.seed),
                        "status": row.status,
                        "test_accuracy": fmt(row.test_accuracy, 4),
                        "train_accuracy": fmt(row.train_accuracy, 4),
                        "test_loss": fmt(row.test_loss, 4),
                        "fit_seconds": fmt(row.fit_seconds, 1),
                    }
                    for row in seeds.itertuples()
                ],
            }
        )
    return {
        "run_name": config["run_name"],
        "smoke": bool(config.get("smoke")),
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "backend": config["backend"],
        "seeds": ", ".join(str(seed) for seed in config["seeds"]),
        "n_runs": int(runs[["condition", "seed"]].drop_duplicates().shape[0]),
        "n_conditions": len(conditions),
        "data": config["data"],
        "base": describe_base(config["base"]),
        "studies": studies,
    }


def describe_base(base: dict[str, Any]) -> str:
    """The base condition in one line."""
    return (
        f"{base['hidden_layers']} × Dense({base['units']}, {base['activation']}) → Dense(10, softmax); "
        f"{base['loss']}; {base['optimizer']}(learning_rate={base['learning_rate']}); "
        f"batch {base['batch_size']}; {base['epochs']} epochs; dropout {base['dropout_rate']}"
    )


def render(context: dict[str, Any], template_dir: str | Path, template: str = "report.html.j2") -> str:
    """Render a template of ``template_dir`` with ``context``; the CSS file is inlined."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = (Path(template_dir) / "report.css").read_text()
    return environment.get_template(template).render(css=css, **context)
