"""Tables of a run (concerns, matches, passages) as rows, and their CSV / JSON forms.

The same rows feed the CSV files, the terminal report and the evaluation, so a saved run
re-renders exactly as it was computed. Numbers are written with fixed precision and rows
in a fixed order, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, OutputError
from .score import CHECK_SEPARATOR, encode_checks

if TYPE_CHECKING:
    from .corpus import Document
    from .match import Evidence
    from .pipeline import Analysis, ConcernResult
    from .segment import ReplyPassage, Segmentation

Row = dict[str, str]

CONCERN_COLUMNS = [
    "concern_id",
    "request_doc",
    "request_date",
    "author",
    "addressee",
    "section",
    "number",
    "label",
    "source",
    "kind",
    "text",
    "context",
    "verdict",
    "reason",
    "confidence",
    "checks",
    "link",
    "position",
    "position_sentence",
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
# a coder's corrections (see corrections.py); every run has them, corrected or not
CORRECTION_COLUMNS = [
    "tool_verdict",
    "tool_reason",
    "tool_position",
    "verdict_source",
    "coder",
    "coder_note",
]
MATCH_COLUMNS = [
    "concern_id",
    "rank",
    "passage_id",
    "reply_doc",
    "paired",
    "dense",
    "lexical",
    "fused",
    "sentence_similarity",
    "sentence",
]
PASSAGE_COLUMNS = ["passage_id", "doc", "answers", "start", "end", "sentences", "text"]
SEGMENT_COLUMNS = [
    "doc",
    "role",
    "item",
    "id",
    "kind",
    "section",
    "number",
    "addressee",
    "start",
    "end",
    "text",
]


@dataclass(frozen=True)
class RunTables:
    concerns: list[Row]
    matches: list[Row]
    passages: list[Row]


def _num(x: float) -> str:
    return f"{x:.4f}"


def tables(analysis: Analysis) -> RunTables:
    passages = {p.passage_id: p for p in analysis.segmentation.passages}
    docs = {d.name: d for d in analysis.corpus.documents}
    concerns = [_concern_row(r, passages, docs) for r in analysis.results]
    matches = [
        {
            "concern_id": r.concern.concern_id,
            "rank": str(e.rank),
            "passage_id": e.passage_id,
            "reply_doc": passages[e.passage_id].doc,
            "paired": "yes" if e.paired else "no",
            "dense": _num(e.dense),
            "lexical": _num(e.lexical),
            "fused": _num(e.fused),
            "sentence_similarity": _num(e.sentence_similarity),
            "sentence": e.sentence,
        }
        for r in analysis.results
        for e in r.evidence
    ]
    return RunTables(concerns, matches, passage_rows(analysis.segmentation))


def passage_rows(seg: Segmentation) -> list[Row]:
    return [
        {
            "passage_id": p.passage_id,
            "doc": p.doc,
            "answers": p.answers,
            "start": str(p.start),
            "end": str(p.end),
            "sentences": str(len(p.sentences)),
            "text": p.text,
        }
        for p in seg.passages
    ]


def _concern_row(
    r: ConcernResult, passages: dict[str, ReplyPassage], docs: dict[str, Document]
) -> Row:
    c = r.concern
    request = docs[c.doc]
    e = r.evidence[0] if r.evidence else None
    s = r.signals
    role = (
        ""
        if e is None
        else (
            "paired answer"
            if e.paired
            else "nearest passage (not relevant)"
            if r.decision.verdict.value == "ignored"
            else "best match"
        )
    )
    return {
        "concern_id": c.concern_id,
        "request_doc": c.doc,
        "request_date": request.date,
        "author": request.author,
        "addressee": c.addressee or request.addressee,
        "section": c.section,
        "number": c.number,
        "label": c.label,
        "source": c.source,
        "kind": c.kind,
        "text": c.text,
        "context": c.context,
        "verdict": r.decision.verdict.value,
        "reason": r.decision.reason.value,
        "confidence": f"{r.decision.confidence:.2f}",
        "checks": encode_checks(r.decision.checks),
        "link": r.link,
        "position": r.stance.position.value,
        "position_sentence": r.stance.sentence,
        "reply_doc": r.reply_doc,
        "reply_date": r.reply_date,
        "reply_passage_id": e.passage_id if e else "",
        "evidence_role": role,
        "reply_text": passages[e.passage_id].text if e else "",
        "evidence_sentence": _evidence_sentence(r, e),
        "similarity": _num(e.dense) if e else "",
        "coverage": _num(s.coverage.share) if s else "",
        "specificity": _num(s.specificity) if s else "",
        "deflection": _num(s.deflection) if s else "",
        "covered": "; ".join(s.coverage.covered) if s else "",
        "missing": "; ".join(s.coverage.missing) if s else "",
        "parts": r.parts_covered,
        "cues": "; ".join(c.value for c in s.cues) if s else "",
        "timing": r.timing,
        "start": str(c.start),
        "end": str(c.end),
    }


def _evidence_sentence(r: ConcernResult, e: Evidence | None) -> str:
    """The sentence a reader should look at: the stated position when that decided it."""
    if r.decision.reason.value in ("answered:position", "answered:refusal") and r.stance.sentence:
        return r.stance.sentence
    return e.sentence if e else ""


def segment_rows(analysis_seg: Segmentation, roles: Mapping[str, str]) -> list[Row]:
    """One row per concern and passage, for `comparator segment --csv`."""
    rows: list[Row] = []
    for c in analysis_seg.concerns:
        rows.append(
            {
                "doc": c.doc,
                "role": roles.get(c.doc, ""),
                "item": "concern",
                "id": c.concern_id,
                "kind": c.kind,
                "section": c.section,
                "number": c.number,
                "addressee": c.addressee,
                "start": str(c.start),
                "end": str(c.end),
                "text": c.text,
            }
        )
    for p in analysis_seg.passages:
        rows.append(
            {
                "doc": p.doc,
                "role": roles.get(p.doc, ""),
                "item": "passage",
                "id": p.passage_id,
                "kind": "passage",
                "section": p.section,
                "number": "",
                "addressee": "",
                "start": str(p.start),
                "end": str(p.end),
                "text": p.text,
            }
        )
    return rows


def concern_columns(rows: list[Row]) -> list[str]:
    """The concerns.csv header: the correction columns too when the rows have them (runs
    made before corrections existed do not)."""
    extra = [c for c in CORRECTION_COLUMNS if rows and c in rows[0]]
    return CONCERN_COLUMNS + extra


# A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV
# Injection"); it is written with a leading apostrophe, which spreadsheets show as text.
# Cells that already start with apostrophes before such a character get one more, so
# reading drops exactly one and every text round-trips. Plain numbers ("-0.0123") are data.
FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")


def escape_cell(value: str) -> str:
    """A cell that a spreadsheet would read as a formula, made plain text ('=1+2 → '=1+2)."""
    if FORMULA_START.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The text `escape_cell` was given."""
    return value[1:] if ESCAPED_FORMULA.match(value) and not NUMBER.match(value) else value


def to_csv(rows: list[Row], columns: list[str]) -> str:
    """RFC 4180 CSV (CRLF line ends, quotes where needed), UTF-8 without BOM; formula-like
    cells escaped (see `escape_cell`)."""
    rows = [{k: escape_cell(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf,
        fieldnames=columns,
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
        extrasaction="ignore",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


# The types of the columns that are not text, for JSON and for `comparator.load_run`.
# Labels and numbers as printed ("8.10", "115.1") stay text: 8.10 is not 8.1.
INT_COLUMNS = frozenset({"start", "end", "rank", "sentences"})
FLOAT_COLUMNS = frozenset(
    {
        "confidence",
        "similarity",
        "coverage",
        "specificity",
        "deflection",
        "dense",
        "lexical",
        "fused",
        "sentence_similarity",
    }
)
LIST_COLUMNS = {"covered": "; ", "missing": "; ", "cues": "; ", "checks": CHECK_SEPARATOR}
BOOL_COLUMNS = {"paired": "yes"}


def typed(row: Row) -> dict[str, object]:
    """A row with numbers as numbers, lists as lists, yes/no as booleans, empty as None."""
    out: dict[str, object] = {}
    for key, value in row.items():
        if value == "" or value is None:
            out[key] = [] if key in LIST_COLUMNS else None
        elif key in INT_COLUMNS:
            out[key] = int(value)
        elif key in FLOAT_COLUMNS:
            out[key] = float(value)
        elif key in LIST_COLUMNS:
            out[key] = value.split(LIST_COLUMNS[key])
        elif key in BOOL_COLUMNS:
            out[key] = value == BOOL_COLUMNS[key]
        else:
            out[key] = value
    return out


def to_json(t: RunTables) -> str:
    """The run's tables as one JSON object of typed rows (see `typed`)."""
    data = {
        "concerns": [typed(r) for r in t.concerns],
        "matches": [typed(r) for r in t.matches],
        "passages": [typed(r) for r in t.passages],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def concerns_json(rows: list[Row], run_id: str) -> str:
    """Concerns (a slice of a run) as typed JSON, for `comparator show --format json`."""
    data = {"run_id": run_id, "concerns": [typed(r) for r in rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_csv(path: Path) -> list[Row]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return [
                {k: unescape_cell(v) if isinstance(v, str) else v for k, v in r.items()}
                for r in csv.DictReader(fh)
            ]
    except FileNotFoundError:
        raise InputError(
            f"{path}: missing; is this a run folder made by `comparator run`?"
        ) from None


def read_tables(run_dir: Path) -> RunTables:
    return RunTables(
        read_csv(run_dir / "concerns.csv"),
        read_csv(run_dir / "matches.csv"),
        read_csv(run_dir / "passages.csv"),
    )


def write_tables(t: RunTables, fmt: str, dest: Path, force: bool = False) -> None:
    """`comparator export`: one JSON file, or the three CSV files in a folder (a path
    ending in .csv gets concerns.csv alone); `-` writes the JSON (or concerns.csv) to
    stdout. Existing files are replaced only with `force`.

    Raises:
        OutputError: a file exists (without force) or cannot be written.
    """
    from . import atomic

    concerns = to_csv(t.concerns, concern_columns(t.concerns))
    if fmt == "json":
        atomic.write_output(dest, to_json(t), force)
        return
    if dest == atomic.STDOUT:
        atomic.write_output(dest, concerns)
        return
    if dest.suffix.lower() == ".csv" and not dest.is_dir():  # one file named: the concerns
        atomic.write_output(dest, concerns, force)
        return
    files = {
        "concerns.csv": concerns,
        "matches.csv": to_csv(t.matches, MATCH_COLUMNS),
        "passages.csv": to_csv(t.passages, PASSAGE_COLUMNS),
    }
    existing = [dest / n for n in files if (dest / n).exists()]
    if existing and not force:
        raise OutputError(f"{existing[0]}: already exists; pass --force to replace it")
    for name, text in files.items():
        atomic.write_output(dest / name, text, force=True)
