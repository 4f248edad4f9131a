"""Open a report in headless Chromium with the network off, as a reader would, and screenshot it.

Used by test_report.py, and from the command line to look at any report:
    python tests/browser.py results/slides/report/report.html   # writes report.png beside it
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these flags Chromium phones home at start-up; a report must not, and neither may the
# browser.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def open_report(html: Path, screenshot: Path, width: int = 1280) -> dict[str, list[str]]:
    """Load ``html`` offline, save a full-page screenshot; return console errors and other
    requests."""
    from playwright.sync_api import sync_playwright

    own_url = html.resolve().as_uri()
    seen: dict[str, list[str]] = {"console_errors": [], "outside_requests": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
            page = context.new_page()
            page.on(
                "console",
                lambda message: (
                    message.type in ("error", "warning")
                    and seen["console_errors"].append(f"{message.type}: {message.text}")
                ),
            )
            page.on(
                "pageerror", lambda error: seen["console_errors"].append(f"page error: {error}")
            )
            page.on(
                "request",
                lambda request: (
                    request.url != own_url
                    and not request.url.startswith("data:")
                    and seen["outside_requests"].append(request.url)
                ),
            )
            page.goto(own_url, wait_until="load")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen


def first_screen(
    html: Path, selector: str, width: int = 1280, height: int = 800
) -> list[dict[str, float | str]]:
    """The text and box (page coordinates, px) of every element ``selector`` matches, with the
    report opened offline at ``width`` × ``height``: what a reader sees without scrolling is
    what ends above ``height``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(html.resolve().as_uri(), wait_until="load")
            return page.eval_on_selector_all(
                selector,
                """elements => elements.map(element => {
                    const box = element.getBoundingClientRect();
                    return {text: element.innerText, top: box.top + window.scrollY,
                            bottom: box.bottom + window.scrollY, visible: box.height > 0};
                })""",
            )
        finally:
            browser.close()


if __name__ == "__main__":
    report = Path(sys.argv[1])
    target = report.with_suffix(".png")
    print(open_report(report, target), "->", target)
