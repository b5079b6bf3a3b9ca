"""report.html: self-contained, escaped, reproducible, and its filters work in a real browser
(Chromium from the system's packages, started by the test itself)."""

from __future__ import annotations

import csv
import io
import json
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


# --- markup in every field a user controls (issue 24) -------------------------------------

# Each payload, if it reached the page as markup, would run `SCRIPT` (or add an element or
# an event handler the checks below find); none holds a slash where a file name must not.
SCRIPT = "document.documentElement.id='pwned'"
CLOSE_ALL = f"</title></text></svg></textarea><script>{SCRIPT}</script><!--"
IN_ATTRIBUTE = f"\"'><img src=x onerror={SCRIPT}>"
IN_NAME = f"<svg onload={SCRIPT}>"  # file and folder names: no slash
IN_SCRIPT = f"</script><script>{SCRIPT}</script>"


def _hostile_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / f"corpus {IN_NAME}"
    folder.mkdir()
    letter, reply = f"letter {IN_NAME}.md", f"reply {IN_ATTRIBUTE.replace('/', '')}.md"
    items = "\n".join(
        f"{n}. Publish the statistics on detention {text} for every centre (Examplia {IN_NAME});"
        for n, text in enumerate([CLOSE_ALL, IN_ATTRIBUTE, IN_SCRIPT], 1)
    )
    (folder / letter).write_text(f"We urge the Ministry to:\n\n{items}\n", encoding="utf-8")
    answers = "\n\n".join(
        f"{n}. The Ministry publishes the statistics on detention {text} each quarter."
        for n, text in enumerate([IN_SCRIPT, CLOSE_ALL, IN_ATTRIBUTE], 1)
    )
    (folder / reply).write_text(f"Dear colleagues,\n\n{answers}\n", encoding="utf-8")
    (folder / f"notes {IN_NAME}.odt").write_bytes(b"skipped, with a warning naming it")

    def toml(s: str) -> str:
        return json.dumps(s)  # a TOML basic string is a JSON string

    (folder / "corpus.toml").write_text(
        f'[[document]]\nfile = {toml(letter)}\nrole = "request"\nid = {toml("L" + CLOSE_ALL)}\n'
        f"title = {toml('Letter ' + IN_ATTRIBUTE + IN_SCRIPT)}\n"
        f'[[document]]\nfile = {toml(reply)}\nrole = "reply"\nid = {toml("R" + IN_ATTRIBUTE)}\n'
        f"title = {toml('Reply ' + CLOSE_ALL)}\n",
        encoding="utf-8",
    )
    return folder


def _with_corrections(tmp_path: Path, folder: Path) -> Path:
    """A first run gives the concern ids; a coder's note and name then correct one, and a
    row for an unknown concern gives a warning that quotes its id."""
    first = seed_concerns(run_fake(tmp_path, folder, "first"))
    with (folder / "corrections.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["concern_id", "verdict", "position", "reason", "note", "coder"])
        out.writerow([first[0]["concern_id"], "ignored", "", "", f"note {CLOSE_ALL}", IN_ATTRIBUTE])
        out.writerow([f"X{IN_SCRIPT}-D01", "ignored", "", "", "", ""])
    return run_fake(tmp_path, folder)


@needs_chromium
def test_markup_in_every_user_field_is_text_in_a_real_browser(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    run_dir = _with_corrections(tmp_path, _hostile_corpus(tmp_path))
    rows = seed_concerns(run_dir)
    assert any(r["verdict_source"] == "coder" for r in rows)
    dom = headless((run_dir / "report.html").as_uri(), tmp_path, "--dump-dom")
    page = BeautifulSoup(dom, "html.parser")
    assert page.html is not None and page.html.get("id") != "pwned"  # no script ran
    assert len(page.find_all("script")) == 1  # only the report's own
    assert not page.find_all(["img", "textarea"])
    assert not [t.name for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert len(page.find_all("tr", class_="concern")) == len(rows)  # nothing commented out
    shown = " ".join(page.get_text(" ").split())
    for needle in (
        f"L{CLOSE_ALL}-",  # a document id, in concern ids and the filter's options
        f"Letter {IN_ATTRIBUTE}{IN_SCRIPT}",  # a title from corpus.toml
        f"corpus {IN_NAME}",  # the folder's name
        f"detention {CLOSE_ALL} for every centre",  # concern text
        f"detention {IN_SCRIPT} each quarter",  # reply passage text
        f"Examplia {IN_NAME}",  # a UPR-style source
        f"corrected by {IN_ATTRIBUTE}",  # the coder's name
        f"notes {IN_NAME}.odt",  # a warning naming a skipped file
        f"X{IN_SCRIPT}-D01",  # a warning quoting a corrections row
    ):
        assert needle in shown, needle
    assert page.svg is not None
    bars = [t.get_text() for t in page.svg.find_all("title")]
    assert bars and all(t.startswith(f"L{CLOSE_ALL}: ") for t in bars)  # SVG <title>
    badge = page.find(class_="badge")
    assert badge is not None and f"note {CLOSE_ALL}" in str(badge["title"])  # an attribute
    files = [str(td["title"]) for td in page.find_all("td", title=True)]
    assert f"letter {IN_NAME}.md" in files  # a file name, in an attribute
    doc = page.find("tr", class_="concern")
    assert doc is not None and str(doc["data-doc"]) == f"L{CLOSE_ALL}"


def test_script_data_cannot_close_the_script_or_open_a_comment() -> None:
    from comparator.html_report import safe

    value = ["</script><script>x</script>", "<!-- a & b -->", "\u2028", "ok"]
    data = safe(value, "script")
    assert "<" not in data and ">" not in data and "&" not in data and "\u2028" not in data
    assert json.loads(data) == value
    assert safe("a<b>&\"'\x1b", "attribute") == "a&lt;b&gt;&amp;&quot;&#x27;␛"
