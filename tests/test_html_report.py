"""report.html: self-contained, escaped, reproducible, and its filters work in a real browser
(Chromium from the system's packages, started by the test itself)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from comparator.html_report import in_context, marked

from .conftest import MINI, SEEDS, run_fake


def _chromium() -> str | None:
    return next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )


def headless(url: str, tmp_path: Path, *extra: str) -> str:
    """Chromium, headless and offline, on `url`; returns what it printed (the DOM)."""
    browser = _chromium()
    assert browser is not None
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def visible_rows(dom: str) -> list[str]:
    rows = re.findall(r'<tr class="concern" id="c-([^"]+)"([^>]*)>', dom)
    return [cid for cid, attrs in rows if "hidden" not in attrs]


def seed_concerns(run_dir: Path) -> list[dict[str, str]]:
    text = (run_dir / "concerns.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


needs_chromium = pytest.mark.skipif(
    _chromium() is None,
    reason="no Chromium on this machine (apt-get install chromium; .ci/run installs it)",
)


@needs_chromium
def test_filters_in_a_real_browser(tmp_path: Path) -> None:
    run_dir = run_fake(tmp_path, SEEDS)
    rows = seed_concerns(run_dir)
    page = (run_dir / "report.html").as_uri()
    everything = visible_rows(headless(page, tmp_path, "--dump-dom"))
    assert everything == [r["concern_id"] for r in rows]
    ignored = headless(page + "?verdict=ignored", tmp_path, "--dump-dom")
    expected = [r["concern_id"] for r in rows if r["verdict"] == "ignored"]
    assert expected and visible_rows(ignored) == expected
    assert f'<span id="shown">{len(expected)}</span>' in ignored
    both = headless(page + "#verdict=deflected&doc=002", tmp_path, "--dump-dom")
    expected = [
        r["concern_id"]
        for r in rows
        if r["verdict"] == "deflected" and r["concern_id"].startswith("002-")
    ]
    assert expected and visible_rows(both) == expected


@needs_chromium
def test_a_screenshot_of_the_seed_report(tmp_path: Path) -> None:
    run_dir = run_fake(tmp_path, SEEDS)
    shot = tmp_path / "report.png"
    headless(
        (run_dir / "report.html").as_uri() + "?verdict=deflected",
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1280,2000",
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_html_is_self_contained_and_reproducible(tmp_path: Path) -> None:
    first = run_fake(tmp_path, MINI, "a")
    second = run_fake(tmp_path, MINI, "b")
    html = (first / "report.html").read_text(encoding="utf-8")
    assert (first / "report.html").read_bytes() == (second / "report.html").read_bytes()
    # no asset or link to fetch (document text may quote a URL: it is text, not a link)
    assert not re.search(r"<(?:link|img|iframe|object)\b|\b(?:src|href)=|@import|url\(", html)
    assert "<svg" in html and "<mark>" in html
    for name in ("verdict", "position", "reason", "doc"):
        assert f'<select id="f-{name}">' in html


def test_document_text_is_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    shutil.copytree(MINI, folder)
    letter = (folder / "letter.md").read_text(encoding="utf-8")
    (folder / "letter.md").write_text(
        letter.replace(
            "Publish monthly statistics", "Publish <script>alert(1)</script> statistics"
        ),
        encoding="utf-8",
    )
    html = (run_fake(tmp_path, folder) / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_evidence_is_shown_in_context_with_words_marked() -> None:
    text = in_context(
        "Intro <b>. The Ministry publishes statistics. Outro.",
        "The Ministry publishes statistics.",
        ["statistics"],
    )
    assert text == (
        'Intro &lt;b&gt;. <span class="ev">The Ministry publishes <mark>statistics</mark>.'
        "</span> Outro."
    )
    assert marked("a & b", []) == "a &amp; b"
