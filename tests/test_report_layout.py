"""The terminal report at 80 columns: short ids, the request label once, no word broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from comparator.cli import cli
from comparator.export import RunTables
from comparator.report import plain, render_report, request_label, sentence_cut, short
from comparator.runs import load_saved

from .conftest import MINI, SEEDS, run_fake

BOX = re.compile(r"[│┃┏┓┗┛┡┩┣┫━─┼╇╋┳┻├┤┬┴└┘┌┐╭╮╰╯]")


def _tokens(text: str) -> list[str]:
    return BOX.sub(" ", text).split()


def broken_words(t: RunTables, manifest: dict[str, object], width: int) -> list[str]:
    """Words of the report at `width` that the same layout, unwrapped, does not have: the
    oracle is the same report rendered 1,000 columns wide, where nothing wraps."""
    whole = set(_tokens(plain(lambda c: render_report(c, t, manifest, wide=False), 1000)))
    narrow = plain(lambda c: render_report(c, t, manifest, wide=False), width)
    return [w for w in _tokens(narrow) if w not in whole]


@pytest.mark.parametrize("corpus", [MINI, SEEDS], ids=["golden-mini", "seeds"])
def test_no_word_is_broken_at_80_columns(tmp_path: Path, corpus: Path) -> None:
    tables, manifest = load_saved(run_fake(tmp_path, corpus))
    assert broken_words(tables, manifest, 80) == []


def test_the_oracle_catches_a_broken_word(tmp_path: Path) -> None:
    from rich.table import Table

    def folded(console: object) -> None:
        table = Table()
        table.add_column("x", width=6, overflow="fold")
        table.add_row("Government internationally")
        console.print(table)  # type: ignore[attr-defined]

    tokens = _tokens(plain(folded, 80))
    assert "Govern" in tokens and "Government" not in tokens


def test_the_golden_report_at_80_columns_keeps_every_word(tmp_path: Path) -> None:
    tables, manifest = load_saved(run_fake(tmp_path, MINI))
    golden = (Path(__file__).parent / "golden" / "mini_report.txt").read_text(encoding="utf-8")
    assert max(len(line) for line in golden.splitlines()) <= 80
    whole = plain(lambda c: render_report(c, tables, manifest, wide=False), 1000)
    whole = re.sub(r"run-[0-9a-f]{12}", "run-<id>", whole)
    assert [w for w in _tokens(golden) if w not in set(_tokens(whole))] == []


def test_ids_are_short_and_the_label_is_printed_once(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "Behaviour-Change-Report-Recommendations.md").write_bytes(
        (MINI / "letter.md").read_bytes()
    )
    (folder / "Government-Response-to-the-Behaviour-Change-Report.md").write_bytes(
        (MINI / "update.md").read_bytes()
    )
    run_dir = run_fake(tmp_path, folder)
    report = (run_dir / "report.txt").read_text(encoding="utf-8")
    assert "000-D01" in report
    assert "Behaviour-Change-Report" not in report
    assert "000 Behaviour Change" in report and report.count("Behaviour") == 1
    assert request_label("000", "000") == "000"


def test_wide_layout_above_120_columns_shows_the_concern_in_full(tmp_path: Path) -> None:
    run_dir = run_fake(tmp_path, MINI)
    wide = CliRunner(env={"COLUMNS": "160"}).invoke(cli, ["show", str(run_dir)])
    assert "Not addressed" in wide.output and "not addressed:" not in wide.output
    assert "housing." in wide.output and "identity." in wide.output  # not cut
    narrow = CliRunner(env={"COLUMNS": "160"}).invoke(cli, ["show", str(run_dir), "--narrow"])
    assert "Not addressed" not in narrow.output and "not addressed:" in narrow.output
    forced = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["show", str(run_dir), "--wide"])
    assert "not addressed:" not in forced.output


def test_cuts_fall_between_words_or_after_a_sentence() -> None:
    assert short("Guarantee the internationally recognised right", 25) == "Guarantee the…"
    assert short("Guarantee the internationally recognised right", 30) == (
        "Guarantee the internationally…"
    )
    text = "First sentence here. Second sentence is long enough to be cut somewhere."
    assert sentence_cut(text, 40) == "First sentence here. …"
    assert sentence_cut(text, 200) == text
