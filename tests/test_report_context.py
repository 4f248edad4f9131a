"""Unit tests of the report's context and template on small hand-made tables (no training)."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest
from conftest import ROOT, load_fixture
from test_stats import as_endpoints

from tipsbench import report as report_module
from tipsbench.endpoints import references
from tipsbench.experiment import resolve_experiment
from tipsbench.plots import figures_of
from tipsbench.report import build_context, render
from tipsbench.stats import arm_endpoints_table, findings_table, summary_table

SEEDS = (0, 1, 2)
ACCURACY = {"loss-mean-squared-error": [0.30, 0.40, 0.35], "base": [0.90, 0.92, 0.94]}


@pytest.fixture
def experiment():
    """The tests' own config cut to its first study, on Fashion-MNIST, at a 90 % confidence
    level."""
    config = load_fixture()
    config["studies"] = {"loss": config["studies"]["loss"]}
    config["statistics"]["confidence"] = 0.9
    config["data"]["dataset"] = "fashion_mnist"
    return resolve_experiment(config)


def tables_of(experiment) -> dict[str, pd.DataFrame]:
    arms = experiment.arms
    runs = pd.DataFrame(
        [
            {
                "study": arm.study,
                "role": arm.role,
                "arm": arm.label,
                "condition": arm.condition,
                "seed": seed,
                "status": "ok",
                "last_good_epoch": 2,
                "epochs_run": 2,
                "updates": 20,
                "test_accuracy": ACCURACY[arm.condition][seed],
                "test_loss": 1.0,
                "train_accuracy": ACCURACY[arm.condition][seed],
                "train_loss": 1.0,
                "fit_seconds": 1.0,
                "samples_per_second": 100.0,
                "slide_accuracy": arm.slide_accuracy,
            }
            for arm in arms
            for seed in SEEDS
        ]
    )
    jobs = pd.DataFrame(
        [
            {
                "condition": condition,
                "seed": seed,
                "status": "ok",
                "backend": "tensorflow",
                "threads": 1,
                "fit_seconds": 60.0,
                "job_seconds": 65.0,
                "samples_per_second": 1000.0,
                "peak_rss_mb": 400.0,
                "started_at": f"2026-01-01T00:0{seed}:00+00:00",
                "finished_at": f"2026-01-01T00:0{seed + 1}:00+00:00",
                "version_keras": "3.15.1",
                "cpu": "Test CPU",
                "cpus": 16,
                "platform": "Linux-test",
                "git_commit": "0123abc",
                "git_dirty": False,
            }
            for condition in ACCURACY
            for seed in SEEDS
        ]
    )
    confusion = pd.DataFrame(
        {
            "study": "loss",
            "arm": "cross-entropy",
            "condition": "base",
            "true": range(10),
            **{f"predicted_{k}": [3 * (k == t) for t in range(10)] for k in range(10)},
        }
    )
    determinism = pd.DataFrame(
        [
            {
                "condition": "base",
                "seed": 0,
                "backend": "tensorflow",
                "result": "bit-identical",
                "weights_max_abs_diff": 0.0,
            }
        ]
    )
    settings = experiment.statistics
    endpoints = as_endpoints(runs)
    return {
        "runs": runs,
        "endpoints": endpoints,
        "summary": summary_table(runs, settings),
        "arm_endpoints": arm_endpoints_table(endpoints, references(), settings),
        "findings": findings_table(endpoints, list(experiment.studies), settings, smoke=True),
        "curves": pd.DataFrame(),
        "jobs": jobs,
        "confusion": confusion,
        "determinism": determinism,
    }


def context_of(experiment):
    study_figures, run_figures = figures_of(experiment.features("loss"))
    figures = {name: "<svg/>" for name in (*(f"loss-{f}" for f in study_figures), *run_figures)}
    data_info = {
        "source": "x.npz",
        "train_size": 1000,
        "test_size": 500,
        "array_sha256": {"x_train": "ab"},
    }
    retrain = {"base": "results/smoke/runs/base/seed-{0,1,2}/metrics.json"}
    return build_context(
        experiment.report_record(),
        tables_of(experiment),
        figures,
        data_info,
        configfiles=["config/smoke.yaml"],
        retrain=retrain,
    )


def test_facts_come_from_the_tables_and_the_jobs_records(experiment):
    context = context_of(experiment)
    assert (context["seeds"], context["n_seeds"], context["n_runs"], context["n_conditions"]) == (
        "0, 1, 2",
        3,
        6,
        2,
    )
    assert context["backend"] == "tensorflow"  # from the jobs, not the config's jax
    assert context["wall_time"] == "3 min 00 s"  # first start 00:00 to last finish 00:03
    provenance = context["provenance"]
    assert (provenance["cpu"], provenance["cores"], provenance["commit"], provenance["dirty"]) == (
        "Test CPU",
        "16",
        "0123abc",
        "no",
    )
    assert context["reproduce"]["conditions"] == [
        {
            "condition": "base",
            "command": "snakemake --cores 4 --configfile config/smoke.yaml --forcerun "
            "results/smoke/runs/base/seed-{0,1,2}/metrics.json",
        }
    ]


def test_numbers_and_words_follow_the_settings_and_the_dataset(experiment):
    context = context_of(experiment)
    statistics = context["method"]["statistics"]
    assert (statistics["level"], statistics["test"], statistics["smallest_effect"]) == (
        "90 %",
        "paired t-test",
        "1 point",
    )
    assert context["method"]["base"].startswith("2 × Dense(500, sigmoid) → Dense(10, softmax)")
    (study,) = context["studies"]
    arm_b = study["arms"][1]
    assert (arm_b["label"], arm_b["changes"], arm_b["updates"]) == (
        "cross-entropy",
        "the base condition",
        "20",
    )
    (claim,) = study["claims"]
    assert claim["heading"] == "Final test accuracy: cross-entropy (B) vs mse (A)"
    claim_b = claim["arms"][1]
    # Accuracies in percent, their sd in points: 0.92 ± 0.02 over the seeds.
    assert (claim_b["value"], claim_b["mean"], claim_b["slide"]) == ("92.0 ± 2.0", "92.0 %", "91.9")
    assert claim["finding"]["effect"] == "+57.0 points"  # 0.92 - 0.35
    assert claim["delta"] == "±1 point" and claim["unit"] == "%"
    assert study["verdict"] is claim["finding"]  # the study's one claim heads it
    (main,) = study["figures"]["main"]
    assert (
        main["caption"].startswith("Each claim's effect of B over A")
        and "90 % CI" in (main["caption"])
    )
    assert [figure["caption"] for figure in context["figures"]["final-model"]] == [
        "Rows: true garment; cells: % of that garment predicted as each column."
    ]
    assert "90 % CI" in context["figures"]["headline"][0]["caption"]  # the forest plot
    # The summary of findings: the arms by name with their values, the effect in points, and
    # a sentence from the verdict and the effect's size.
    (row,) = context["summary"]["studies"][0]["claims"]
    assert (row["a"], row["a_value"], row["b"], row["b_value"]) == (
        "mse",
        "35.0 %",
        "cross-entropy",
        "92.0 %",
    )
    assert (row["effect"], row["verdict"]) == ("+57.0 points", "REPRODUCED")
    assert row["sentence"] == (
        "Cross-entropy results in a large increase in the final test accuracy compared with mse."
    )


def test_the_template_says_only_what_the_context_says(experiment):
    html = render(context_of(experiment), ROOT / "report_templates")
    # The one-sided bound at α/m (one claim: 95 %) is a number of its own, not the CI level.
    assert "95 % CI" not in html and "90 % CI" in html
    assert "each of its 1 claim gets a verdict" in html and "seven" not in html.lower()
    assert "digit" not in html and "Fashion-MNIST" in html
    assert re.search(r"retrained over 3 seeds", html)


def test_no_template_holds_a_literal_level_claim_count_or_dataset_word():
    for template in (ROOT / "report_templates").glob("*.j2"):
        text = template.read_text()
        assert not re.search(r"\d+ ?%", text), template.name
        assert not re.search(r"\b(seven|eight|digit|MNIST|784)\b", text, flags=re.IGNORECASE), (
            template.name
        )


def test_studies_of_ours_are_counted_apart_from_what_the_slides_measured():
    from tipsbench.report import summary_context

    def study(name, kind, claims):
        return {
            "name": name,
            "title": name.title(),
            "kind": kind,
            "claim_zh": "",
            "claim": f"{name} claim",
            "several_claims": claims > 1,
            "labels": {"A": "a", "B": "b"},
            "claims": [
                {
                    "outcome": "final test accuracy",
                    "primary": index == 0,
                    "arms": [],
                    "finding": {
                        key: "x" for key in ("effect", "ci", "verdict", "verdict_class", "reason")
                    }
                    | {"grade_short": "s", "evidence": True},
                    "sweep": "",
                }
                for index in range(claims)
            ],
        }

    summary = summary_context([study("loss", "slide", 1), study("rate", "ours", 2)])
    assert [group["kind"] for group in summary["groups"]] == ["slide", "ours"]
    assert summary["several_kinds"] and summary["claims"] == 3
    assert summary["counts"] == (
        "1 claim of results the slides measured; 2 claims of tips tested here"
    )
    only = summary_context([study("loss", "slide", 2)])
    assert not only["several_kinds"] and [g["claims"] for g in only["groups"]] == [2]


def test_protocol_choices_list_every_slide_value_outside_one_runs_range():
    from tipsbench.report import fit_sentence, protocol_context

    summary = pd.DataFrame(
        {
            "study": ["loss", "loss", "batch"],
            "arm": ["mse", "cross-entropy", "no batch"],
            "slide_accuracy": [0.395, 0.919, float("nan")],
            "test_accuracy_mean": [0.30, 0.897, 0.18],
            "test_accuracy_pi_low": [0.25, 0.891, 0.1],
            "test_accuracy_pi_high": [0.42, 0.903, 0.3],
            "train_accuracy_mean": [0.31, 0.910, 0.19],
            "slide_in_pi": [True, False, pd.NA],
        }
    )
    choices = [{"topic": "Learning rate", "sources": "0.1 and 0.01", "taken": "0.1"}]
    context = protocol_context(choices, summary)
    assert context["choices"] == choices and context["checked"] == 2
    assert context["outside"] == [
        {
            "study": "loss",
            "arm": "cross-entropy",
            "slide": "91.9 %",
            "here": "89.7 %",
            "pi": "89.1–90.3 %",
            "direction": "above",
        }
    ]
    assert fit_sentence(summary.iloc[1:2]) == (
        "cross-entropy: 91.0 % on its training images, 89.7 % on the test set (a gap of 1.3 points)"
    )


def test_the_embedded_cjk_font_is_the_same_bytes_on_every_render(monkeypatch):
    """The report's CJK subset does not carry the time it was cut (fontTools would stamp it):
    rendering the same text twice, a second apart, gives the same @font-face rule."""
    if report_module.cjk_font_path() is None:
        pytest.skip("no CJK font installed")
    first = report_module.cjk_font_face("交叉熵更好")
    report_module._font_face_for.cache_clear()  # cut the subset again, not the cached one
    clock = time.time()
    monkeypatch.setattr(time, "time", lambda: clock + 86400.0)
    assert first and report_module.cjk_font_face("交叉熵更好") == first
