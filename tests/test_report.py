"""The end-to-end report (tests/configs/e2e.yaml), checked as a reader would.

Sections, numbers equal to the tables, offline, PDF pages. Studies and claims come from the
fixture's resolved experiment, not from a list written here.
"""

from __future__ import annotations

import html as html_escape
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from browser import CHROMIUM, open_report
from conftest import E2E, experiment_of, load_fixture
from workflow_helpers import snakemake

from tipsbench.endpoints import parse_key
from tipsbench.plots import figures_of

pytestmark = pytest.mark.workflow

EXPERIMENT = experiment_of(load_fixture())
STUDIES = [study.name for study in EXPERIMENT.claims]
# CI sets this so that a missing browser or poppler fails instead of skipping.
REQUIRE_TOOLS = os.environ.get("TIPSBENCH_REQUIRE_BROWSER") == "1"


def require(tool: str, path: str | None) -> None:
    if path and Path(path).exists():
        return
    if REQUIRE_TOOLS:
        pytest.fail(f"{tool} is not installed (.ci/run installs it)")
    pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="module")
def report(e2e_run):
    run, _ = e2e_run
    tables = {name: pd.read_csv(run / "tables" / f"{name}.csv") for name in ("summary", "findings")}
    return run, (run / "report" / "report.html").read_text(), tables


def three(value: float, sign: str = "") -> str:
    """A number as the report prints it.

    Written out here rather than taken from the code under test.
    """
    return format(value, f"{sign}.3f")


def p_cell(p: float) -> str:
    return "< 0.0001" if p < 1e-4 else format(p, ".4f")


def section(html: str, anchor: str) -> str:
    """The HTML of one <section id=...>."""
    match = re.search(rf'<section[^>]*id="{anchor}".*?</section>', html, flags=re.DOTALL)
    assert match, f"section {anchor} is missing"
    return match.group(0)


def test_report_has_every_section_and_the_smoke_banner(report):
    _, html, _ = report
    assert "SMOKE RUN — not evidence" in html
    for anchor in (
        "headline",
        "setup",
        *(f"study-{name}" for name in STUDIES),
        "final-model",
        "provenance",
        "reproduce",
    ):
        section(html, anchor)
    # Every claim's badge in the headline, and each study's heading.
    claims = sum(len(study.claims) for study in EXPERIMENT.claims)
    assert html.count('class="not-evidence"') == claims + len(STUDIES)


def test_headline_numbers_equal_the_tables(report):
    run, html, tables = report
    headline = section(html, "headline")
    arms = pd.read_csv(run / "tables" / "arm_endpoints.csv")
    for row in tables["findings"].itertuples():
        assert f">{row.verdict}</span>" in headline
        # The introduction names every endpoint this run judges a claim on.
        assert parse_key(row.endpoint)[0].title in html_escape.unescape(headline)
        if row.scale == "difference":
            # The verdict's interval, with more digits at an end that would round to ±Δ.
            digits = parse_key(row.endpoint)[0].digits
            ends = []
            for value in (row.ci_low, row.ci_high):
                places = digits
                while round(abs(value), places) == round(row.smallest_effect, places):
                    places += 1
                ends.append(format(value, f"+.{places}f"))
            assert f"[{ends[0]}, {ends[1]}]" in headline
    # The arms of every claim judged on test accuracy.
    judged = tables["findings"].loc[tables["findings"]["endpoint"] == "test_accuracy", "study"]
    accuracy = arms[(arms["endpoint"] == "test_accuracy") & arms["study"].isin(judged)]
    for row in accuracy.itertuples():
        ci = f"[{three(row.ci_low)}, {three(row.ci_high)}]"
        assert f'{three(row.mean)}<br><span class="ci">{ci}</span>' in headline


def test_each_claim_shows_its_verdict_sentence_and_numbers(report):
    _, html, tables = report
    for row in tables["findings"].itertuples():
        block = re.search(
            rf'<div class="claim-block" id="claim-{row.study}-{row.claim}">(.*?)</div>',
            html,
            flags=re.DOTALL,
        ).group(1)
        assert f">{row.verdict}</span>" in block
        sentence = re.search(r'<p class="sentence">(.*?)</p>', block, flags=re.DOTALL).group(1)
        sentence = html_escape.unescape(sentence)
        assert sentence.startswith(f"Over {row.n_pairs} seeds, ") and f"{row.arm_b} (B)" in sentence
        p_holm = p_cell(row.p_holm)
        assert ("Holm-adjusted p " + ("" if p_holm.startswith("<") else "= ") + p_holm) in sentence
        assert "this smoke run is not evidence." in sentence
        assert f"({p_holm})" in block.replace("&lt;", "<")
        if row.endpoint == "test_accuracy":
            assert f"reached {three(row.mean_b)} mean final test accuracy" in sentence
            assert f"B − A = {three(row.mean_diff, '+').replace('-', '−')}" in sentence
        if row.scale == "ratio":
            assert "B / A = ×" in sentence and "the geometric mean of the" in sentence
    for study in EXPERIMENT.claims:
        figures = len(figures_of(EXPERIMENT.features(study.name))[0])
        assert section(html, f"study-{study.name}").count("<img") == figures


def test_report_is_self_contained(report):
    _, html, _ = report
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "<script" not in html
    assert all(
        src.startswith("data:image/svg+xml;base64,")
        for src in re.findall(r'<img src="([^"]+)"', html)
    )


def test_provenance_and_reproduce_sections(report):
    run, html, _ = report
    provenance = section(html, "provenance")
    for item in (
        "keras 3.15.1",
        "numpy",
        "pandas",
        "tensorflow",
        "git commit",
        "bit-identical",
        "SHA-256",
    ):
        assert item in provenance, item
    reproduce = section(html, "reproduce")
    assert "snakemake --cores 4 --configfile tests/configs/e2e.yaml" in reproduce
    seeds = ",".join(map(str, EXPERIMENT.seeds))
    assert (
        f"--forcerun results/{EXPERIMENT.run_name}/runs/base/seed-{{{seeds}}}/metrics.json"
        in reproduce
    )


def test_report_opens_offline_in_chromium_without_errors_or_requests(report):
    require("chromium", CHROMIUM)
    run, _, _ = report
    screenshot = run / "report" / "report.png"
    seen = open_report(run / "report" / "report.html", screenshot)
    assert seen == {"console_errors": [], "outside_requests": []}
    assert screenshot.stat().st_size > 50_000


def test_pdf_pages_render(report, tmp_path):
    require("pdftoppm", shutil.which("pdftoppm"))
    run, _, _ = report
    pdf = run / "report" / "report.pdf"
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout,
        ).group(1)
    )
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages >= 8
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "SMOKE RUN" in text and "Provenance" in text


def test_editing_a_template_rebuilds_only_the_report(e2e_run):
    _, workdir = e2e_run
    # An edit, not a bare touch: Snakemake ignores a newer mtime when the content's checksum
    # is unchanged.
    with open(workdir / "report_templates" / "report.css", "a") as css:
        css.write("/* a restyle */\n")
    result = snakemake(workdir, "-n", "--cores", "2", *E2E)
    assert result.returncode == 0, result.stderr
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.MULTILINE))
    assert counts == {"report": "1", "all": "1", "total": "2"}
    rebuilt = snakemake(workdir, "--cores", "2", *E2E)
    assert rebuilt.returncode == 0, rebuilt.stderr
