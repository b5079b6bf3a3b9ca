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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .errors import InputError, OutputError
from .files import read_regular, unreadable
from .position import Position
from .rows import ConcernRow, EvidenceRole, Item, MatchRow, PassageRow, SegmentRow
from .safetext import clean

if TYPE_CHECKING:
    from .documents import Document
    from .match import Evidence
    from .pipeline import Analysis, ConcernResult
    from .segment import Concern, ReplyPassage, Segmentation

MATCH_COLUMNS = MatchRow.columns()
PASSAGE_COLUMNS = PassageRow.columns()
SEGMENT_COLUMNS = SegmentRow.columns()


@dataclass(frozen=True)
class RunTables:
    concerns: list[ConcernRow]
    matches: list[MatchRow]
    passages: list[PassageRow]


def tables(analysis: Analysis) -> RunTables:
    passages = {p.passage_id: p for p in analysis.segmentation.passages}
    docs = {d.name: d for d in analysis.corpus.documents}
    concerns = [_concern_row(r, passages, docs) for r in analysis.results]
    matches = [
        MatchRow(
            concern_id=r.concern.concern_id,
            rank=e.rank,
            passage_id=e.passage_id,
            reply_doc=passages[e.passage_id].doc,
            paired=e.paired,
            dense=e.dense,
            lexical=e.lexical,
            fused=e.fused,
            sentence_similarity=e.sentence_similarity,
            sentence=e.sentence,
        )
        for r in analysis.results
        for e in r.evidence
    ]
    return RunTables(concerns, matches, passage_rows(analysis.segmentation))


def passage_rows(seg: Segmentation) -> list[PassageRow]:
    return [
        PassageRow(
            passage_id=p.passage_id,
            doc=p.doc,
            answers=p.answers,
            start=p.start,
            end=p.end,
            sentences=len(p.sentences),
            text=p.text,
        )
        for p in seg.passages
    ]


def _evidence_role(r: ConcernResult, e: Evidence | None) -> EvidenceRole:
    if e is None:
        return EvidenceRole.NONE
    if e.paired:
        return EvidenceRole.PAIRED
    return EvidenceRole.NEAREST if r.decision.verdict.value == "ignored" else EvidenceRole.BEST


def _concern_row(
    r: ConcernResult, passages: dict[str, ReplyPassage], docs: dict[str, Document]
) -> ConcernRow:
    c = r.concern
    request = docs[c.doc]
    e = r.evidence[0] if r.evidence else None
    s = r.signals
    return ConcernRow(
        concern_id=c.concern_id,
        request_doc=c.doc,
        request_date=request.date,
        author=request.author,
        addressee=c.addressee or request.addressee,
        section=c.section,
        number=c.number,
        label=c.label,
        source=c.source,
        kind=c.kind,
        text=c.text,
        context=c.context,
        rule=c.rule,
        verdict=r.decision.verdict,
        reason=r.decision.reason,
        confidence=r.decision.confidence,
        checks=r.decision.checks,
        link=r.link,
        position=r.stance.position,
        position_sentence=r.stance.sentence,
        report_position=_report_position(c),
        report_position_sentence=c.stated_position[1],
        reply_doc=r.reply_doc,
        reply_date=r.reply_date,
        reply_passage_id=e.passage_id if e else "",
        evidence_role=_evidence_role(r, e),
        reply_text=passages[e.passage_id].text if e else "",
        evidence_sentence=_evidence_sentence(r, e),
        similarity=e.dense if e else None,
        coverage=s.coverage.share if s else None,
        specificity=s.specificity if s else None,
        deflection=s.deflection if s else None,
        covered=tuple(s.coverage.covered) if s else (),
        missing=tuple(s.coverage.missing) if s else (),
        parts=r.parts_covered,
        cues=tuple(s.cues) if s else (),
        timing=r.timing,
        start=c.start,
        end=c.end,
    )


def _evidence_sentence(r: ConcernResult, e: Evidence | None) -> str:
    """The sentence a reader should look at: the stated position when that decided it."""
    if r.decision.reason.value in ("answered:position", "answered:refusal") and r.stance.sentence:
        return r.stance.sentence
    return e.sentence if e else ""


def _report_position(c: Concern) -> Position | None:
    """The position the request records for the concern itself, if it records one."""
    return Position(c.stated_position[0]) if c.stated_position[0] else None


def segment_rows(analysis_seg: Segmentation, roles: Mapping[str, str]) -> list[SegmentRow]:
    """One row per concern and passage, for `comparator segment --csv`."""
    rows = [
        SegmentRow(
            doc=c.doc,
            role=roles.get(c.doc, ""),
            item=Item.CONCERN,
            id=c.concern_id,
            kind=c.kind,
            section=c.section,
            number=c.number,
            label=c.label,
            source=c.source,
            rule=c.rule,
            report_position=_report_position(c),
            report_position_sentence=c.stated_position[1],
            addressee=c.addressee,
            start=c.start,
            end=c.end,
            text=c.text,
        )
        for c in analysis_seg.concerns
    ]
    rows += [
        SegmentRow(
            doc=p.doc,
            role=roles.get(p.doc, ""),
            item=Item.PASSAGE,
            id=p.passage_id,
            kind="passage",
            section=p.section,
            number="",
            addressee="",
            start=p.start,
            end=p.end,
            text=p.text,
        )
        for p in analysis_seg.passages
    ]
    return rows


def concern_columns(rows: Sequence[ConcernRow]) -> list[str]:
    """The concerns.csv header: the correction columns too when the rows have them (runs
    made before corrections existed do not)."""
    return ConcernRow.columns(optional=bool(rows) and rows[0].has_optional())


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


def to_csv(
    rows: Sequence[ConcernRow | MatchRow | PassageRow | SegmentRow], columns: list[str]
) -> str:
    """RFC 4180 CSV (CRLF line ends, quotes where needed), UTF-8 without BOM; formula-like
    cells escaped (see `escape_cell`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows([escape_cell(v) for v in r.cells(columns)] for r in rows)
    return buf.getvalue()


def to_json(t: RunTables) -> str:
    """The run's tables as one JSON object of typed rows (see `rows._Row.to_json`)."""
    data = {
        "concerns": [r.to_json() for r in t.concerns],
        "matches": [r.to_json() for r in t.matches],
        "passages": [r.to_json() for r in t.passages],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def concerns_json(rows: list[ConcernRow], run_id: str) -> str:
    """Concerns (a slice of a run) as typed JSON, for `comparator show --format json`."""
    data = {"run_id": run_id, "concerns": [r.to_json() for r in rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


R = TypeVar("R", ConcernRow, MatchRow, PassageRow, SegmentRow)


def read_rows(path: Path, row: type[R]) -> list[R]:
    """A table written by `to_csv`, as the rows it was written from. Its text is document
    text again (`safetext.clean`): a run folder edited by someone else cannot send a
    terminal escape, or any control character, to a view.

    Raises:
        InputError: the file is missing or not a regular file, a line has more or fewer
            cells than the header, or a cell is not what its column holds (each named by
            file and line).
    """
    try:
        reader = csv.DictReader(io.StringIO(read_regular(path).decode("utf-8"), newline=""))
        return [_row(row, cells, f"{path}:{reader.line_num}") for cells in reader]
    except FileNotFoundError:
        raise InputError(
            f"{path}: missing; is this a run folder made by `comparator run`?"
        ) from None
    except OSError as e:
        raise unreadable(path, e) from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: not a readable CSV ({e}); re-run `comparator run`") from None


def _row(row: type[R], cells: dict[str | None, str | None], where: str) -> R:
    if None in cells or None in cells.values():
        raise InputError(
            f"{where}: not as many cells as the header has columns; re-run "
            "`comparator run` to rewrite the run folder"
        )
    text = {str(k): clean(unescape_cell(str(v))) for k, v in cells.items()}
    return row.from_csv(text, where)


def read_concerns(path: Path) -> list[ConcernRow]:
    return read_rows(path, ConcernRow)


def read_tables(run_dir: Path) -> RunTables:
    return RunTables(
        read_concerns(run_dir / "concerns.csv"),
        read_rows(run_dir / "matches.csv", MatchRow),
        read_rows(run_dir / "passages.csv", PassageRow),
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
