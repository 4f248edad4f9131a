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
from browser import CHROMIUM, first_screen, open_report
from conftest import E2E, experiment_of, load_fixture
from workflow_helpers import snakemake

from tipsbench.experiment import study_references
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


def points(value: float, delta: float) -> str:
    """An accuracy difference as the report prints it: percentage points with one decimal, a
    true minus, and more decimals where one decimal would read as ±Δ (or 0) when it is not.

    Written out here rather than taken from the code under test.
    """
    number, size, places = value * 100, delta * 100, 1
    while places < 6 and (
        (abs(number) != size and round(abs(number), places) == round(size, places))
        or (number != 0 and round(number, places) == 0)
    ):
        places += 1
    return format(number, f"+.{places}f").replace("-", "−")


def p_cell(p: float) -> str:
    return "< 0.0001" if p < 1e-4 else format(p, ".4f")


def section(html: str, anchor: str, tag: str = "section") -> str:
    """The HTML of one <section id=...> (or another ``tag``)."""
    match = re.search(rf'<{tag}[^>]*id="{anchor}".*?</{tag}>', html, flags=re.DOTALL)
    assert match, f"{tag} {anchor} is missing"
    return match.group(0)


def test_report_has_every_section_and_the_smoke_banner(report):
    _, html, _ = report
    assert "SMOKE RUN — not evidence" in html
    for anchor in (
        "summary",
        "headline",
        *(f"study-{name}" for name in STUDIES),
        "final-model",
        "provenance",
        "reproduce",
    ):
        section(html, anchor)
    # The method is folded away below the answer.
    assert html.index('id="summary"') < html.index('<details id="how-to-read">')
    # Every claim's badge in the summary and in its study, and each study's heading.
    claims = sum(len(study.claims) for study in EXPERIMENT.claims)
    assert html.count('class="not-evidence"') == 2 * claims + len(STUDIES)


def test_summary_numbers_equal_the_tables(report):
    run, html, tables = report
    summary = html_escape.unescape(section(html, "summary"))
    arms = pd.read_csv(run / "tables" / "arm_endpoints.csv")
    refs = study_references(EXPERIMENT.study_records())
    for row in tables["findings"].itertuples():
        assert f">{row.verdict}</span>" in summary
        assert f"{row.arm_a}<br>" in summary and f"{row.arm_b}<br>" in summary
        if row.scale == "difference" and refs[row.endpoint].spec.reader == "percent":
            # The effect and the verdict's interval in points.
            assert f"{points(row.mean_diff, row.smallest_effect)} points<br>" in summary
            interval = (
                f"{points(row.ci_low, row.smallest_effect)} to "
                f"{points(row.ci_high, row.smallest_effect)} points"
            )
            assert f'<span class="ci">{interval}</span>' in summary
    # Each arm of a claim judged on test accuracy, by name, with its mean in percent.
    judged = tables["findings"].loc[tables["findings"]["endpoint"] == "test_accuracy", "study"]
    accuracy = arms[(arms["endpoint"] == "test_accuracy") & arms["study"].isin(judged)]
    for row in accuracy.itertuples():
        assert f'{row.arm}<br><span class="value">{row.mean * 100:.1f} %</span>' in summary


def test_each_claim_shows_its_verdict_sentence_and_numbers(report):
    _, html, tables = report
    for row in tables["findings"].itertuples():
        block = section(html, f"claim-{row.study}-{row.claim}", "div")
        assert f">{row.verdict}</span>" in block
        assert '<p class="grade">' in block and '<p class="reason">' in block
        detail = section(html, f"detail-{row.study}-{row.claim}", "div")
        sentence = re.search(r'<p class="sentence">(.*?)</p>', detail, flags=re.DOTALL).group(1)
        sentence = html_escape.unescape(sentence)
        assert sentence.startswith(f"Over {row.n_pairs} seeds, ") and f"{row.arm_b} (B)" in sentence
        assert "this smoke run is not evidence." in sentence
        assert f"({p_cell(row.p_holm)})" in detail.replace("&lt;", "<")
        if row.endpoint == "test_accuracy":
            assert f"reached {row.mean_b * 100:.1f} % mean final test accuracy" in sentence
            assert f"B − A = {points(row.mean_diff, row.smallest_effect)} points" in sentence
        if row.scale == "ratio":
            assert "B / A = " in sentence and "the geometric mean of the" in sentence
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


def test_the_first_screen_holds_the_summary_with_the_arms_by_name(report):
    """At 1280 × 800 the summary of findings starts on the first screen, and its first rows
    (the tip, its arms by name, the verdict) are visible without scrolling; the whole summary
    is read within two screens."""
    require("chromium", CHROMIUM)
    run, _, tables = report
    cells = first_screen(run / "report" / "report.html", "#summary table.sof tbody tr td")
    table = first_screen(run / "report" / "report.html", "#summary table.sof")
    first = tables["findings"].iloc[0]
    seen = " ".join(cell["text"] for cell in cells if cell["bottom"] <= 800)
    assert first.arm_a in seen and first.arm_b in seen and first.verdict in seen
    assert table[0]["top"] < 800 and table[0]["bottom"] <= 2 * 800


def pdf_text(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_pdf_summary_prints_every_verdict_and_the_slides_chinese(report):
    require("pdftotext", shutil.which("pdftotext"))
    run, _, tables = report
    text = pdf_text(run / "report" / "report.pdf")
    # The summary: from its heading to the method's, in print.
    summary = text[text.index("Summary of findings") : text.index("How to read this report")]
    summary = " ".join(summary.split())
    verdicts = tables["findings"]["verdict"].value_counts()
    for verdict in ("REPRODUCED", "DIRECTION ONLY", "NEGLIGIBLE", "INCONCLUSIVE", "REVERSED"):
        # One badge per claim in the table, and one in the legend beside it.
        assert summary.count(verdict) == verdicts.get(verdict, 0) + 1, verdict
    assert "what it means" in summary
    # Every quote of the slides in the config comes back from the PDF as the same characters.
    unspaced = "".join(text.split())
    quotes = [study.claim_zh for study in EXPERIMENT.studies if study.claim_zh]
    quotes += [claim.quote for study in EXPERIMENT.claims for claim in study.claims if claim.quote]
    assert quotes
    for quote in quotes:
        assert "".join(quote.split()) in unspaced
    assert "".join(quotes[0].split()) in "".join(summary.split())


def test_the_pdf_embeds_a_font_with_cjk_glyphs(report):
    require("pdffonts", shutil.which("pdffonts"))
    run, _, _ = report
    fonts = subprocess.run(
        ["pdffonts", str(run / "report" / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    embedded = [line.split()[0] for line in fonts if " yes " in line]
    assert any("CJK" in name for name in embedded), fonts


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
