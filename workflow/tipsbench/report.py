"""Build the report's context from the tables, figures and records, and render it to HTML and PDF.

The report answers first: a summary of findings, one row per tip of the slides with its arms
by name, their values and the effect in the reader's units, the verdict and one plain sentence
that carries both the size of the effect and how sure we are (GRADE's informative statements,
``wording.grade_sentence``). The method follows in "How to read this report", then one section
per study, whose statistical detail, per-seed tables and further figures fold away in the HTML
and move to an appendix in the PDF.

The templates only present: every number they show is taken from the tables here and
handed over formatted (``tipsbench.wording``), so the report and the tables cannot
disagree. Facts about the runs (seeds, backend, machine, versions, code commit) come from
the tables the jobs' own records fill, not from the config. The HTML is one self-contained
file (CSS inline, figures and the CJK font subset as data URIs, no request anywhere); the PDF
is rendered by WeasyPrint from the same template with the print flag set.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import math
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from tipsbench import wording
from tipsbench.endpoints import EndpointRef, with_references
from tipsbench.experiment import study_references
from tipsbench.plots import RUN_FIGURES, SECTIONS, STUDY_FIGURES, FigureSpec
from tipsbench.schema import hyperparameters
from tipsbench.training import probe_schedule

# The study figure each study section shows in the main story; the others fold away (HTML) or
# go to the appendix (PDF).
MAIN_FIGURE = "effects"
# The CJK font the PDF and HTML carry for the slides' Chinese quotes: Noto Sans CJK SC (SIL
# Open Font License), installed from PyPI with requirements.txt (the mplfonts package holds it),
# so a fresh machine prints every glyph without a system font. Only the glyphs the report uses
# are embedded (a subset of a few tens of KB).
CJK_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
CJK_FAMILY = "tipsbench CJK"


def svg_data_uri(svg: str) -> str:
    """An SVG file as a data URI, so the report needs no other file and makes no request."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def cjk_font_path() -> Path | None:
    """The CJK font file of the installed font package, found without importing the package
    (which would import matplotlib); None when it is not installed."""
    package, name = CJK_FONT
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / name
    return path if path.exists() else None


def cjk_characters(text: str) -> str:
    """The characters of ``text`` outside Latin-1 and the usual punctuation: those a CJK font
    must supply (CJK ideographs, full-width punctuation)."""
    return "".join(sorted({char for char in text if ord(char) >= 0x2E80}))


def cjk_font_face(text: str) -> str:
    """An @font-face rule with the CJK font cut down to the characters ``text`` needs, as a data
    URI; "" when ``text`` needs none or no CJK font is installed."""
    return _font_face_for(cjk_characters(text))


@functools.cache
def _font_face_for(characters: str) -> str:
    """``cjk_font_face`` of these characters, cut once per process (the HTML and the PDF of a
    report need the same ones)."""
    path = cjk_font_path()
    if not characters or path is None:
        return ""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # The font's own timestamp kept: the same text gives the same bytes on every render.
    font = TTFont(str(path), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode()
    return (
        f'@font-face {{ font-family: "{CJK_FAMILY}"; '
        f'src: url("data:font/otf;base64,{data}") format("opentype"); }}'
    )


def _figure_context(spec: FigureSpec, svg: str, words: dict[str, str]) -> dict[str, Any]:
    return {
        "uri": svg_data_uri(svg),
        "alt": spec.alt.format(**words),
        "caption": spec.caption.format(**words),
        "wide": spec.wide,
    }


def _arm_context(row: Any, condition: dict, base: dict, updates: Any) -> dict[str, Any]:
    """One arm of a study: what it changes, its seeds and how many weight updates it gets."""
    return {
        "role": row.role,
        "label": row.arm,
        "condition": row.condition,
        "changes": wording.describe_changes(condition, base),
        "n": int(row.n),
        "n_trained": int(row.n_trained),
        "n_at_chance": int(row.n_at_chance),
        "n_diverged": int(row.n_diverged),
        "updates": "–" if wording.missing(updates) else f"{int(updates):,}",
    }


def _claim_arm_context(row: Any, slide: Any, unit: str) -> dict[str, Any]:
    """One arm's values of one claim's endpoint, described over its seeds, in reader units."""
    key = row.ref
    spec = key.spec
    number, interval = wording.value_number, wording.value_interval
    low, high = row.pi_low, row.pi_high
    spread = "" if spec.scale == "ratio" or wording.missing(row.sd) else f" ± {number(key, row.sd)}"
    return {
        "role": row.role,
        "label": row.arm,
        "n": int(row.n),
        "censored": int(row.n_censored),
        "diverged": int(row.n_diverged),
        "value": number(key, row.mean) + spread,
        "mean": wording.value(key, row.mean, unit or None),
        "ci": interval(key, row.ci_low, row.ci_high),
        "pi": interval(key, low, high),
        "slide": number(key, slide) if spec.slide else "",
        "slide_in_pi": "–"
        if not spec.slide or any(map(wording.missing, (slide, low, high)))
        else ("yes" if low <= slide <= high else "no"),
        "range": f"{number(key, row.min)}–{number(key, row.max)}",
    }


def _finding_context(finding: dict[str, Any], claims: int, slide: bool) -> dict[str, Any]:
    """One claim's finding, in the reader's units (``claims``: the size of the Holm family;
    ``slide``: whether the slides give a single run to check it against)."""
    fmt, p = wording.fmt, wording.fmt_p
    ratio = finding["scale"] == "ratio"
    effect, interval = wording.effect, wording.effect_interval
    spec = finding["ref"].spec
    return {
        "verdict": finding["verdict"],
        "verdict_class": wording.VERDICT_CLASSES.get(finding["verdict"], "inconclusive"),
        "reason": wording.verdict_reason(finding),
        "grade": wording.grade_sentence(finding),
        "grade_short": wording.grade_sentence(finding, numbers=False),
        "evidence": bool(finding["evidence"]),
        "effect_name": wording.effect_name(finding),
        "sources": finding["sources"],
        "effect": effect(finding, finding["mean_diff"]),
        "ci": interval(finding, finding["ci_low"], finding["ci_high"]),
        "decision": interval(finding, finding["decision_low"], finding["decision_high"]),
        "decision_level": wording.confidence_words(finding["decision_level"]),
        "diff_ci": interval(finding, finding["diff_ci_low"], finding["diff_ci_high"]),
        "boot_ci": interval(finding, finding["boot_ci_low"], finding["boot_ci_high"]),
        "se_images": fmt(finding["se_images"], 4),
        "p": p(finding["p_value"]),
        "p_holm": p(finding["p_holm"]),
        "p_seeds": p(finding["p_value_seeds"]),
        "p_beyond": p(finding["p_beyond"]),
        "p_beyond_holm": p(finding["p_beyond_holm"]),
        "p_against_holm": p(finding["p_against_holm"]),
        "deciding": wording.deciding_cell(finding),
        "dz": fmt(finding["cohen_dz"], 2),
        "gz": fmt(finding["hedges_gz"], 2),
        "prob_b": fmt(finding["prob_b_beats_a"], 2),
        "delta": wording.delta(finding),
        "p_equivalence": p(finding["p_equivalence"]),
        "p_equivalence_holm": p(finding["p_equivalence_holm"]),
        "p_equivalence_seeds": p(finding["p_equivalence_seeds"]),
        "diff_pi": interval(finding, finding["diff_pi_low"], finding["diff_pi_high"]),
        "slide": spec.slide,
        "slide_diff": effect(finding, finding["slide_diff"]),
        "slide_diff_in_pi": "–"
        if wording.missing(finding["slide_diff_in_pi"])
        else ("yes" if finding["slide_diff_in_pi"] else "no"),
        "mde": effect(finding, finding["mde"]).lstrip("+")
        if not ratio
        else (
            wording.ratio_text(math.exp(finding["mde"]))
            if not wording.missing(finding["mde"])
            else "–"
        ),
        "seeds_to_decide": "–"
        if wording.missing(finding["seeds_to_decide"])
        else str(int(finding["seeds_to_decide"])),
        "slide_sentence": wording.slide_sentence(finding) if slide else "",
        "seeds_sentence": wording.seeds_sentence(finding, claims),
        "wins_b": f"{int(finding['wins_b'])} of {int(finding['n_pairs'])}",
        "censored": f"A {int(finding['censored_a'])}, B {int(finding['censored_b'])}",
        "test": wording.TEST_NAMES.get(finding["test"], finding["test"])
        + (" of log(B / A)" if ratio else ""),
        "note": wording.notes_text(finding["notes"], finding["ref"]),
        "sentence": wording.finding_sentence(finding),
    }


def _claim_context(
    finding: pd.Series,
    claim: dict[str, Any],
    arms: pd.DataFrame,
    slides: dict[str, Any],
    sweep: str,
    claims: int,
) -> dict[str, Any]:
    """One claim of a study: its words, its arms' values, its finding and how it fares across
    the sweeps ("k of m" settings; "" when it is not swept)."""
    row = {**finding.to_dict(), "unit": claim.get("unit", "")}
    spec = finding.ref.spec
    noun = finding.ref.describe()
    described = arms[arms["endpoint"] == finding.endpoint].sort_values("role")
    return {
        "name": claim["name"],
        "endpoint_name": finding.ref.name,
        "quote_en": claim.get("quote_en", ""),
        "sweep": sweep,
        "heading": f"{noun[:1].upper()}{noun[1:]}: {finding.arm_b} (B) vs {finding.arm_a} (A)",
        "outcome": noun,
        "expect": wording.expect_phrase(finding.expect, finding.ref),
        "endpoint": noun,
        "description": spec.description,
        "unit": wording.unit_word(row) or "ratio",
        "primary": bool(claim["primary"]),
        "text": claim["text"],
        "quote": claim["quote"],
        "slide": spec.slide,
        "delta": wording.delta(row),
        "delta_reason": claim.get("smallest_effect_reason", ""),
        "arms": [
            _claim_arm_context(arm, slides.get(arm.role), row["unit"])
            for arm in described.itertuples()
        ],
        # A study the slides give no number for has no single run to check.
        "finding": _finding_context(
            row, claims, spec.slide and any(not wording.missing(v) for v in slides.values())
        ),
    }


def _seeds_context(
    seeds: pd.DataFrame, values: pd.DataFrame, keys: list[EndpointRef]
) -> dict[str, Any]:
    """Per seed: status, epochs and the value of every endpoint the study's claims use."""
    table = values.pivot_table(
        index=["role", "seed"], columns="endpoint", values="value", aggfunc="first"
    )
    censored = values.pivot_table(
        index=["role", "seed"], columns="endpoint", values="censored", aggfunc="first"
    )
    rows = []
    for row in seeds.itertuples():
        cells = []
        for key in keys:
            number = table.get(key.key, pd.Series(dtype=float)).get((row.role, row.seed))
            flag = censored.get(key.key, pd.Series(dtype=object)).get((row.role, row.seed))
            cells.append(
                wording.value_number(key, number)
                + (" (censored)" if str(flag).lower() == "true" else "")
            )
        rows.append(
            {
                "role": row.role,
                "arm": row.arm,
                "seed": int(row.seed),
                "status": row.status,
                "epochs_run": int(row.epochs_run),
                "values": cells,
            }
        )
    columns = []
    for key in keys:
        unit = wording.unit_word(key)
        columns.append(key.describe() + (f" ({unit})" if unit else ""))
    return {"columns": columns, "rows": rows}


def _study_figures(name: str, figures: dict[str, str], words: dict[str, str]) -> dict:
    """A study's figures: the one the main story shows, and the others (folded away or in the
    appendix)."""
    shown = {
        figure: _figure_context(spec, figures[f"{name}-{figure}"], words)
        for figure, spec in STUDY_FIGURES.items()
        if f"{name}-{figure}" in figures
    }
    return {
        "main": [shown[figure] for figure in shown if figure == MAIN_FIGURE],
        "more": [shown[figure] for figure in shown if figure != MAIN_FIGURE],
    }


def study_context(
    spec: dict[str, Any],
    experiment: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    figures: dict[str, str],
    words: dict[str, str],
) -> dict[str, Any]:
    """One study of the config: its words, arms, claims (each with its finding) and figures."""
    name = spec["name"]
    findings, summary, runs = (tables[key] for key in ("findings", "summary", "runs"))
    study_findings = findings[findings["study"] == name]
    arms = summary[summary["study"] == name].sort_values("role")
    slides = dict(zip(arms["role"], arms["slide_accuracy"]))
    study_runs = runs[runs["study"] == name]
    updates = study_runs.groupby("role")["updates"].max().to_dict() if "updates" in runs else {}
    robustness = tables.get("robustness", pd.DataFrame())
    arm_endpoints = tables.get("arm_endpoints", pd.DataFrame())
    endpoint_rows = tables.get("endpoints", pd.DataFrame())
    family = int(findings["p_value"].notna().sum())
    claims = []
    for claim in spec["claims"]:
        finding = study_findings[study_findings["claim"] == claim["name"]]
        if len(finding):
            claims.append(
                _claim_context(
                    finding.iloc[0],
                    claim,
                    arm_endpoints[arm_endpoints["study"] == name],
                    slides,
                    sweep_summary(robustness, name, claim["name"]),
                    family,
                )
            )
    # The accuracy default's reason is given once, in "How to read this report"; a claim
    # with a Δ of its own brings its own reason.
    default_reason = experiment["statistics"].get("smallest_effect_reason", "")
    for claim in claims:
        if claim["delta_reason"] == default_reason:
            claim["delta_reason"] = ""
    primary = next((claim for claim in claims if claim["primary"]), None)
    labels = dict(zip(arms["role"], arms["arm"]))
    return {
        "name": name,
        "title": spec["title"],
        "kind": spec.get("kind", "slide"),
        "claim": spec["claim"],
        "claim_zh": spec["claim_zh"],
        "claim_en": spec.get("claim_en", ""),
        "note": spec["note"],
        "fit": fit_sentence(arms) if any(c["endpoint_name"] == "gap" for c in claims) else "",
        "verdict": primary["finding"] if primary else None,
        "arms": [
            _arm_context(
                row,
                hyperparameters(**experiment["conditions"][row.condition]),
                hyperparameters(**experiment["base"]),
                updates.get(row.role),
            )
            for row in arms.itertuples()
        ],
        "labels": labels,
        "updates_sentence": wording.updates_sentence(updates, labels),
        "claims": claims,
        "several_claims": len(claims) > 1,
        "figures": _study_figures(name, figures, {**words, "title": spec["title"]}),
        "seeds": _seeds_context(
            study_runs.sort_values(["role", "seed"]),
            endpoint_rows[endpoint_rows["study"] == name] if len(endpoint_rows) else endpoint_rows,
            [EndpointRef.from_record(claim["endpoint"]) for claim in spec["claims"]],
        ),
    }


def summary_context(studies: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary of findings: one row group per study (a tip of the slides), one row per
    claim with the arms by name and their values, the effect, the verdict and its sentence."""
    rows = []
    for study in studies:
        claims = []
        for claim in study["claims"]:
            values = {arm["role"]: arm["mean"] for arm in claim["arms"]}
            claims.append(
                {
                    "outcome": claim["outcome"],
                    "primary": claim["primary"] and study["several_claims"],
                    "a": study["labels"].get("A", "A"),
                    "a_value": values.get("A", "–"),
                    "b": study["labels"].get("B", "B"),
                    "b_value": values.get("B", "–"),
                    "effect": claim["finding"]["effect"],
                    "ci": claim["finding"]["ci"],
                    "verdict": claim["finding"]["verdict"],
                    "verdict_class": claim["finding"]["verdict_class"],
                    "reason": claim["finding"]["reason"],
                    "sentence": claim["finding"]["grade_short"],
                    "evidence": claim["finding"]["evidence"],
                    "sweep": claim["sweep"],
                }
            )
        rows.append(
            {
                "name": study["name"],
                "title": study["title"],
                "kind": study["kind"],
                "quote": study["claim_zh"],
                "gloss": study["claim"],
                "claims": claims,
            }
        )
    groups = [
        {
            "kind": kind,
            "heading": heading,
            "studies": [row for row in rows if row["kind"] == kind],
            "claims": sum(len(row["claims"]) for row in rows if row["kind"] == kind),
        }
        for kind, heading in KINDS.items()
    ]
    groups = [group for group in groups if group["studies"]]
    return {
        "groups": groups,
        "several_kinds": len(groups) > 1,
        "studies": rows,
        "claims": sum(len(row["claims"]) for row in rows),
        "counts": "; ".join(
            f"{wording.count(group['claims'], 'claim')} {KIND_COUNTS[group['kind']]}"
            for group in groups
        ),
    }


# How a study's claims are counted in the summary: what the slides measured, apart from what
# they advise without a measurement (or name) and is tested here.
KINDS = {
    "slide": "What the slides measured",
    "ours": "What the slides advise without a measurement, tested here",
}
KIND_COUNTS = {"slide": "of results the slides measured", "ours": "of tips tested here"}


def fit_sentence(arms: pd.DataFrame) -> str:
    """How well each arm fits its training images against new ones, from the summary table:
    "no dropout: 91.0 % on its training images, 89.7 % on the test set (a gap of 1.3
    points)". A tip against overfitting has little to fix where the gap is small."""
    parts = []
    for row in arms.itertuples():
        train, test = row.train_accuracy_mean, row.test_accuracy_mean
        if wording.missing(train) or wording.missing(test):
            continue
        parts.append(
            f"{row.arm}: {train * 100:.1f} % on its training images, {test * 100:.1f} % on "
            f"the test set (a gap of {(train - test) * 100:.1f} points)"
        )
    return "; ".join(parts)


def protocol_context(protocol: list[dict[str, str]], summary: pd.DataFrame) -> dict[str, Any]:
    """The protocol choices of the config, and every arm whose slide value lies outside what
    one run of this protocol gives (its 95 % prediction interval over seeds)."""
    outside = []
    rows = summary[summary["slide_accuracy"].notna()]
    for row in rows.itertuples():
        if str(row.slide_in_pi).lower() != "false":
            continue
        outside.append(
            {
                "study": row.study,
                "arm": row.arm,
                "slide": f"{row.slide_accuracy * 100:.1f} %",
                "here": f"{row.test_accuracy_mean * 100:.1f} %",
                "pi": f"{row.test_accuracy_pi_low * 100:.1f}–"
                f"{row.test_accuracy_pi_high * 100:.1f} %",
                "direction": "above" if row.slide_accuracy > row.test_accuracy_pi_high else "below",
            }
        )
    return {"choices": protocol, "outside": outside, "checked": len(rows)}


def header_context(
    experiment: dict[str, Any], runs: pd.DataFrame, jobs: pd.DataFrame, cost: pd.DataFrame
) -> dict[str, Any]:
    """The report's header: the run, when, how many runs and conditions, the wall time and
    whether the machine was shared while it ran."""
    started = pd.to_datetime(jobs.get("started_at"), errors="coerce")
    finished = pd.to_datetime(jobs.get("finished_at"), errors="coerce")
    wall_seconds = (
        (finished.max() - started.min()).total_seconds() if started.notna().any() else math.nan
    )
    seeds = sorted(int(seed) for seed in runs["seed"].unique())
    run_row = cost[cost["scope"] == "run"].iloc[0] if len(cost) else None
    return {
        "run_name": experiment["run_name"],
        "smoke": bool(experiment["smoke"]),
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "backend": _unique(jobs["backend"]),
        "seeds": ", ".join(map(str, seeds)),
        "n_seeds": len(seeds),
        "n_runs": len(jobs),
        "n_conditions": int(jobs["condition"].nunique()),
        "wall_time": wording.duration(wall_seconds),
        "machine_note": "" if run_row is None else wording.machine_note(run_row.to_dict()),
        "total_compute": wording.duration(
            jobs["job_seconds"].sum(min_count=1) if "job_seconds" in jobs else math.nan
        ),
        "fit_total": wording.duration(jobs["fit_seconds"].sum(min_count=1)),
    }


def method_context(
    experiment: dict[str, Any],
    findings: pd.DataFrame,
    data_info: dict[str, Any],
    level: str,
) -> dict[str, Any]:
    """What "How to read this report" says: the setup, the tests and the thresholds."""
    statistics = experiment["statistics"]
    first = findings.iloc[0] if len(findings) else None
    return {
        "base": wording.describe_base(
            hyperparameters(**experiment["base"]), experiment["dataset"]["num_classes"]
        ),
        "data_info": data_info,
        "dataset": experiment["dataset"],
        "probe": {
            **experiment["probe"],
            "example": ", ".join(
                str(count)
                for count in probe_schedule(10**6, experiment["probe"]["points_per_decade"])[1:8]
            ),
        },
        "endpoint_names": ", ".join(
            dict.fromkeys(reference.spec.title for reference in findings.get("ref", []))
        ),
        "family": wording.count(len(findings), "claim"),
        "statistics": {
            "level": level,
            "alpha": f"{float(first.alpha if first is not None else statistics['alpha']):g}",
            "test": wording.TEST_NAMES[
                str(first.test if first is not None else statistics["test"])
            ],
            "trained_threshold": wording.level(statistics["trained_threshold"]),
            "smallest_effect": f"{float(statistics['smallest_effect']) * 100:g} point"
            + ("" if float(statistics["smallest_effect"]) == 0.01 else "s"),
            "smallest_effect_reason": statistics.get("smallest_effect_reason", ""),
            "power": wording.level(statistics["power"]),
            "diverged_score": wording.DIVERGED_SCORES[statistics["diverged_score"]],
        },
    }


def _unique(column: pd.Series) -> str:
    """The distinct values of a column, in order, joined: one value when the jobs agree."""
    return ", ".join(str(value) for value in dict.fromkeys(column.dropna())) or "–"


def final_context(summary: pd.DataFrame, confusion: pd.DataFrame) -> dict[str, Any]:
    """The best arm (the tables stage chose it) and its confusion matrix's size."""
    best = summary[
        (summary["study"] == confusion["study"].iloc[0])
        & (summary["arm"] == confusion["arm"].iloc[0])
    ]
    return {
        "study": confusion["study"].iloc[0],
        "arm": confusion["arm"].iloc[0],
        "condition": confusion["condition"].iloc[0],
        "test": f"{best['test_accuracy_mean'].iloc[0] * 100:.1f} % ± "
        f"{best['test_accuracy_sd'].iloc[0] * 100:.1f} points"
        if len(best) and not wording.missing(best["test_accuracy_sd"].iloc[0])
        else "–",
        "n_predictions": int(confusion.filter(like="predicted_").to_numpy().sum()),
    }


def build_context(
    experiment: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    figures: dict[str, str],
    data_info: dict[str, Any],
    configfiles: list[str],
    retrain: dict[str, str],
    missing: list[str] | None = None,
) -> dict[str, Any]:
    """Everything the template shows, formatted.

    ``experiment`` is ``Experiment.report_record()`` (study texts and claims, conditions,
    statistics settings, dataset words); ``tables`` holds runs, endpoints, summary,
    arm_endpoints, findings, curves, jobs, confusion and determinism (robustness, tuning,
    sensitivity and cost where the run has them); ``figures`` maps each figure's name
    (``<study>-<figure>`` or a run figure's name) to its SVG text, and a study shows those of
    its figures that exist; ``retrain`` maps each condition to the target whose
    ``--forcerun`` retrains it.
    """
    # Every table row that names an endpoint gets its reference (``ref``), from the claims.
    refs = study_references(experiment["studies"])
    tables = {name: with_references(table, refs) for name, table in tables.items()}
    findings, jobs = tables["findings"], tables["jobs"]
    confidence = (
        float(findings["confidence"].iloc[0])
        if len(findings)
        else experiment["statistics"]["confidence"]
    )
    level = wording.level(confidence)
    words = {"level": level, "item": experiment["dataset"]["item"]}
    studies = [
        study_context(spec, experiment, tables, figures, words)
        for spec in experiment["studies"]
        if not spec["axis"]  # a sweep point: a row of the robustness section
    ]
    robustness = tables.get("robustness", pd.DataFrame())
    cost = tables.get("cost", pd.DataFrame())
    return {
        **header_context(experiment, tables["runs"], jobs, cost),
        "n_studies": len(studies),
        "studies_count": wording.count(len(studies), "study", "studies"),
        "claims": wording.count(sum(len(study["claims"]) for study in studies), "claim"),
        "summary": summary_context(studies),
        "protocol": protocol_context(experiment.get("protocol", []), tables["summary"]),
        "verdict_rules": [
            {"verdict": verdict, "class": wording.VERDICT_CLASSES[verdict], "rule": rule}
            for verdict, rule in wording.VERDICT_RULES.items()
        ],
        "method": method_context(experiment, findings, data_info, level),
        "data_info": data_info,
        "studies": studies,
        "missing": missing or [],
        "failed": failed_runs(jobs, retrain),
        "figures": {
            section: [
                _figure_context(figure_spec, figures[name], words)
                for name, figure_spec in RUN_FIGURES.items()
                if figure_spec.section == section and name in figures
            ]
            for section in SECTIONS
        },
        "final": final_context(tables["summary"], tables["confusion"]),
        "robustness": robustness_context(robustness, experiment["sweeps"], findings),
        "tuning": tuning_context(
            tables.get("tuning", pd.DataFrame()), tables.get("sensitivity", pd.DataFrame())
        ),
        "cost": cost_context(cost),
        "provenance": {
            **provenance_context(jobs, tables["determinism"]),
            "config_hash": experiment["config_hash"],
        },
        "reproduce": reproduce_commands(configfiles, retrain),
    }


def provenance_context(jobs: pd.DataFrame, determinism: pd.DataFrame) -> dict[str, Any]:
    """Machine, versions, code and every job, as the training jobs recorded them."""
    first = jobs.iloc[0]
    versions = {
        column.removeprefix("version_"): first[column]
        for column in jobs.columns
        if column.startswith("version_") and pd.notna(first[column])
    }
    # The tables and this report were made with this pandas.
    versions["pandas"] = pd.__version__
    commits = _unique(jobs["git_commit"]) if "git_commit" in jobs else "–"
    dirty = jobs["git_dirty"].dropna() if "git_dirty" in jobs else pd.Series(dtype=object)
    return {
        "versions": versions,
        "backend": _unique(jobs["backend"]),
        "cpu": _unique(jobs["cpu"]),
        "cores": _unique(jobs["cpus"]) if "cpus" in jobs else "–",
        "threads": ", ".join(str(value) for value in sorted(jobs["threads"].dropna().unique())),
        "platform": _unique(jobs["platform"]) if "platform" in jobs else "–",
        "commit": commits if commits != "–" else "not a git checkout",
        "dirty": "unknown"
        if dirty.empty
        else (
            "yes (uncommitted changes)" if dirty.astype(str).str.lower().eq("true").any() else "no"
        ),
        "determinism": [
            {
                "condition": row.condition,
                "seed": int(row.seed),
                "backend": row.backend,
                "result": row.result,
                "weights": wording.fmt(row.weights_max_abs_diff, 3),
            }
            for row in determinism.itertuples()
        ],
        "jobs": [
            {
                "condition": row.condition,
                "seed": int(row.seed),
                "status": row.status,
                "fit": wording.fmt(row.fit_seconds, 1),
                "job": wording.fmt(getattr(row, "job_seconds", float("nan")), 1),
                "throughput": f"{row.samples_per_second:,.0f}"
                if pd.notna(row.samples_per_second)
                else "–",
                "memory": wording.fmt(getattr(row, "peak_rss_mb", float("nan")), 0),
            }
            for row in jobs.itertuples()
        ],
    }


def cost_context(cost: pd.DataFrame) -> dict[str, Any]:
    """What the run cost: sentences on the whole run, a row per study and per condition."""
    if not len(cost):
        return {}

    def rows(scope: str) -> list[dict[str, str]]:
        return [
            {
                "name": row.name,
                "runs": int(row.runs),
                "core": wording.duration(row.core_seconds),
                "per_run": f"{row.core_seconds_per_run:,.1f} s",
                "flops": wording.flops(row.flops),
                "flops_per_run": wording.flops(row.flops / row.runs if row.runs else math.nan),
                # Of which RBM pre-training (before fit; "–" for a condition without it).
                "pretraining": f"{row.pretraining_seconds / row.runs:,.1f} s, "
                f"{wording.flops(row.flops_pretraining / row.runs)}"
                if row.runs and getattr(row, "pretraining_seconds", 0) > 0
                else "–",
            }
            for row in cost[cost["scope"] == scope].itertuples()
        ]

    return {
        "sentences": wording.cost_sentences(cost[cost["scope"] == "run"].iloc[0]),
        "studies": rows("study"),
        "conditions": rows("condition"),
    }


def failed_runs(jobs: pd.DataFrame, retrain: dict[str, str]) -> list[dict[str, str]]:
    """The runs that raised (status "failed" in jobs.csv): what went wrong and how to retrain
    the condition (its job recorded the error and trained its other seeds)."""
    if "status" not in jobs or "error" not in jobs:
        return []
    return [
        {
            "run": f"{row.condition}, seed {int(row.seed)}",
            "error": str(row.error),
            "retrain": retrain.get(row.condition, ""),
        }
        for row in jobs[jobs["status"] == "failed"].itertuples()
    ]


def sweep_summary(robustness: pd.DataFrame, study: str, claim: str) -> str:
    """ "k of m" settings at which a study's claim holds over every sweep axis of it; "" when
    it is not swept."""
    rows = (
        robustness[(robustness["study"] == study) & (robustness["claim"] == claim)]
        if len(robustness)
        else robustness
    )
    if not len(rows):
        return ""
    # The slide's setting is on every axis: count it once, then each axis's other settings.
    at_slide = int(bool(rows["holds_at_slide"].iloc[0]))
    settings = 1 + int((rows["n_settings"] - 1).sum())
    holds = at_slide + int((rows["n_reproduced"] - at_slide).sum())
    return f"{holds} of {settings}"


def robustness_context(
    robustness: pd.DataFrame, sweeps: list[dict[str, Any]], findings: pd.DataFrame
) -> dict[str, Any] | None:
    """The robustness section: the axes and what they do to arms, the table."""
    if not sweeps:
        return None
    return {
        "axes": [
            {
                "name": axis["name"],
                "hyperparameter": axis["hyperparameter"],
                "value_list": ", ".join(map(str, axis["values"])),
                "slide_value": axis["slide_value"],
                "studies": ", ".join(axis["studies"]),
                "arm_overrides": wording.ARM_OVERRIDES[axis["arm_overrides"]],
            }
            for axis in sweeps
        ],
        "family": wording.count(len(findings), "comparison"),
        "rows": [
            {
                "claim": f"{row.title}: {row.claim}",
                "axis": row.axis,
                "settings": [
                    {
                        "value": value,
                        "verdict": verdict,
                        "class": wording.VERDICT_CLASSES.get(verdict, "inconclusive"),
                    }
                    for value, verdict in zip(row.values.split(";"), row.verdicts.split(";"))
                ],
                "holds": f"{int(row.n_reproduced)} of {int(row.n_settings)}",
                "at_slide": "yes" if row.holds_at_slide else "no",
                "across": "yes" if row.holds_across else "no",
                "where_it_breaks": ""
                if wording.missing(row.where_it_breaks)
                else row.where_it_breaks.replace(";", "; "),
            }
            for row in robustness.itertuples()
        ],
    }


def tuning_context(
    tuning: pd.DataFrame, sensitivity: pd.DataFrame | None = None
) -> dict[str, Any] | None:
    """The tuning section: every candidate's validation accuracy, the choice and the cost."""
    if not len(tuning):
        return None
    return {
        "rows": [
            {
                "study": row.study,
                "arm": f"{row.role}: {row.arm}",
                "hyperparameter": row.hyperparameter,
                "candidate": f"{float(row.candidate):g}",
                "validation": wording.mean_sd(row.validation_mean, row.validation_sd),
                "selected": bool(row.selected),
                "cost": wording.duration(row.fit_seconds),
            }
            for row in tuning.itertuples()
        ],
        "cost": wording.duration(tuning["fit_seconds"].sum()),
        "edges": [
            wording.note_tuning_edge(
                wording.arm_name(row.role, row.arm), row.hyperparameter, row.candidate, edge
            )
            for row in tuning[tuning["selected"]].itertuples()
            if (edge := row.chosen_at_edge) in ("lowest", "highest")
        ],
        "bands": [
            wording.sensitivity_sentence(row._asdict())
            for row in (sensitivity if sensitivity is not None else pd.DataFrame()).itertuples()
        ],
    }


def reproduce_commands(configfiles: list[str], retrain: dict[str, str]) -> dict[str, Any]:
    """The commands that rebuild this report and retrain each condition (all its seeds)."""
    snakemake = "snakemake --cores 4" + "".join(f" --configfile {path}" for path in configfiles)
    return {
        "all": snakemake,
        "conditions": [
            {"condition": condition, "command": f"{snakemake} --forcerun {target}"}
            for condition, target in retrain.items()
        ],
    }


def render(context: dict[str, Any], template_dir: str | Path, print_mode: bool = False) -> str:
    """Render ``report.html.j2`` with ``context``; the CSS file is inlined, and with it the CJK
    font, cut down to the characters the page holds (``cjk_font_face``)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = (Path(template_dir) / "report.css").read_text()
    placeholder = "/* the CJK font */"
    html = environment.get_template("report.html.j2").render(
        css=f"{placeholder}\n{css}", print_mode=print_mode, **context
    )
    return html.replace(placeholder, cjk_font_face(html), 1)


def write_pdf(html: str, path: str | Path) -> None:
    """Render report HTML (made with ``print_mode=True``) to a PDF with WeasyPrint."""
    import logging

    import weasyprint

    # WeasyPrint warns about every CSS property it ignores; the log needs none of that.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    weasyprint.HTML(string=html).write_pdf(str(path))
