"""Typed output rows: what a CSV line holds comes back as the row that wrote it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from comparator.cli import cli
from comparator.errors import InputError
from comparator.export import read_rows, to_csv
from comparator.manifest import ModelRecord, RunManifest
from comparator.position import Position
from comparator.rows import (
    ConcernRow,
    EvidenceRole,
    MatchRow,
    PartMark,
    PartState,
    PassageRow,
    Timing,
)
from comparator.score import Check, Reason
from comparator.signals import Cue

from .conftest import MINI, concern_row, run_fake

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
words = st.text("abcdefghij -", min_size=1, max_size=12).filter(lambda w: "; " not in w)
scores = st.one_of(st.none(), st.floats(-1, 1, allow_nan=False))


@st.composite
def concern_rows(draw: st.DrawFn) -> ConcernRow:
    reason = draw(st.sampled_from([r for r in Reason if not r.by_coder]))
    return ConcernRow(
        concern_id=draw(st.from_regex(r"[0-9]{3}-[DRQ][0-9]{2}", fullmatch=True)),
        request_doc="letter.md",
        request_date=draw(st.sampled_from(["", "2024", "2024-03-01"])),
        author=draw(texts),
        addressee="",
        section=draw(texts),
        number=draw(st.sampled_from(["", "8.10", "8.1", "12"])),
        label=draw(texts),
        source="",
        kind="question",
        text=draw(texts),
        context="",
        verdict=reason.verdict,
        reason=reason,
        confidence=draw(st.floats(0, 1)),
        checks=(Check("coverage", draw(st.floats(0, 1)), 0.14, True, ">=", "answer_coverage"),),
        link="key",
        position=draw(st.sampled_from(list(Position))),
        position_sentence=draw(texts),
        reply_doc="reply.md",
        reply_date="",
        reply_passage_id="001-P01",
        evidence_role=draw(st.sampled_from(list(EvidenceRole))),
        reply_text=draw(texts),
        evidence_sentence=draw(texts),
        similarity=draw(scores),
        coverage=draw(scores),
        specificity=draw(scores),
        deflection=draw(scores),
        covered=tuple(draw(st.lists(words, max_size=3))),
        missing=tuple(draw(st.lists(words, max_size=3))),
        parts=tuple(
            PartMark(label, draw(st.sampled_from(list(PartState))))
            for label in draw(st.lists(st.sampled_from("abcd"), max_size=3, unique=True))
        ),
        cues=tuple(draw(st.lists(st.sampled_from(list(Cue)), max_size=2, unique=True))),
        timing=draw(st.sampled_from(list(Timing))),
        start=draw(st.integers(0, 10**6)),
        end=draw(st.integers(0, 10**6)),
    )


@given(concern_rows())
def test_a_concern_row_comes_back_from_its_csv_line_unchanged(row: ConcernRow) -> None:
    cells = dict(zip(ConcernRow.columns(), row.cells(ConcernRow.columns()), strict=True))
    assert ConcernRow.from_csv(cells) == row


def test_rows_survive_a_csv_file_with_formula_like_text(tmp_path: Path) -> None:
    rows = [concern_row(concern_id="001-D01", text="=SUM(A1)", covered="a; b", parts="a:covered")]
    (tmp_path / "c.csv").write_text(to_csv(rows, ConcernRow.columns()), newline="")
    back = read_rows(tmp_path / "c.csv", ConcernRow)
    assert back == rows and back[0].covered == ("a", "b") and back[0].parts[0].covered


def test_numbers_are_kept_as_their_column_writes_them() -> None:
    row = concern_row(similarity="0.77496")
    assert row.similarity == 0.775 and row.cell("similarity") == "0.7750"


# concerns.csv's header as the first versions wrote it (1f2bbd2); later versions added
# checks, then label, source, context, link, position and position_sentence, then the
# coder's columns
FIRST_COLUMNS = [
    "concern_id",
    "request_doc",
    "request_date",
    "author",
    "addressee",
    "section",
    "number",
    "kind",
    "text",
    "verdict",
    "reason",
    "confidence",
    "reply_doc",
    "reply_date",
    "reply_passage_id",
    "evidence_role",
    "reply_text",
    "evidence_sentence",
    "similarity",
    "coverage",
    "specificity",
    "deflection",
    "covered",
    "missing",
    "parts",
    "cues",
    "timing",
    "start",
    "end",
]


def old_run(run_dir: Path) -> None:
    """Rewrite a run folder's concerns.csv as the first versions wrote it (and its hash)."""
    rows = read_rows(run_dir / "concerns.csv", ConcernRow)
    text = to_csv(rows, FIRST_COLUMNS)
    (run_dir / "concerns.csv").write_text(text, encoding="utf-8", newline="")
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"]["concerns.csv"] = hashlib.sha256(text.encode()).hexdigest()
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_run_made_before_a_column_existed_reads_as_not_recorded(tmp_path: Path) -> None:
    run_dir = run_fake(tmp_path, MINI)
    old_run(run_dir)
    row = read_rows(run_dir / "concerns.csv", ConcernRow)[0]
    assert row.checks is None and row.position is None and row.stated is Position.NONE
    assert (row.label, row.link) == ("", "none") and not row.has_optional()
    assert row.to_json()["checks"] is None  # not recorded, not "no checks"
    shown = CliRunner().invoke(cli, ["show", str(run_dir), "--detail", row.concern_id])
    assert shown.exit_code == 0, shown.output
    assert "not recorded by the version that made this run" in shown.output


def test_a_line_with_a_cell_too_many_is_one_error_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "passages.csv"
    cells = ["P1", "reply.md", "", "0", "9", "1", "text"]
    path.write_text(",".join(PassageRow.columns()) + "\r\n" + ",".join([*cells, "extra"]))
    with pytest.raises(InputError, match=r"passages.csv:2: not as many cells"):
        read_rows(path, PassageRow)


def test_an_older_manifest_without_later_fields_still_reads() -> None:
    data = {"run_id": "run-x", "corpus": "seeds", "config": {}, "outputs": {}}
    data |= {"inputs": [{"file": "a.md", "title": None}], "tool": {"name": "comparator"}}
    data["model"] = {"name": "m"}
    saved = RunManifest.from_json(data)
    assert saved.inputs[0].title == "" and saved.model == ModelRecord(name="m")
    assert saved.tool is not None and saved.tool.source_sha256 == ""


def test_a_cell_its_column_cannot_hold_names_the_file_and_the_fix() -> None:
    with pytest.raises(InputError, match=r"concerns.csv: column verdict cannot hold 'maybe'"):
        concern_row(verdict="maybe", reason="answered:direct")
    with pytest.raises(InputError, match="column rank"):
        MatchRow.from_csv(dict.fromkeys(MatchRow.columns(), "x"))


def test_json_gives_numbers_lists_and_flags_their_types() -> None:
    row = concern_row(similarity="0.5000", covered="a; b", start="3")
    data = row.to_json()
    assert data["similarity"] == 0.5 and data["covered"] == ["a", "b"] and data["start"] == 3
    assert data["coverage"] is None and data["label"] is None and data["missing"] == []
    assert data["parts"] is None  # the parts stay one text, as the CSV writes them
