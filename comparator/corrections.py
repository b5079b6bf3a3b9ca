"""A coder's corrections: verdicts a researcher disagrees with, applied on top of the tool's.

`corrections.csv` (in the corpus folder, or `--corrections FILE`) has the columns
concern_id, verdict, position, reason, note, coder; verdict or position may be left blank
to keep the tool's. A run keeps both: `tool_verdict` / `tool_reason` / `tool_position` hold
the tool's, `verdict` / `reason` / `position` the final ones, and `verdict_source` says
`tool` or `coder` (not `source`: that column holds a UPR recommendation's recommending
States).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .export import RunTables
from .position import POSITIONS, Position
from .rows import ConcernRow, VerdictSource
from .score import VERDICTS, Reason, Verdict

if TYPE_CHECKING:
    from .documents import Corpus

FILE_NAME = "corrections.csv"
COLUMNS = ("concern_id", "verdict", "position", "reason", "note", "coder")
__all__ = ["Corrections", "agreement", "apply", "read_corrections"]


@dataclass(frozen=True)
class Correction:
    concern_id: str
    verdict: str
    position: str
    reason: str
    note: str
    coder: str
    line: int


@dataclass(frozen=True)
class Corrections:
    path: Path
    sha256: str
    rows: tuple[Correction, ...]


def find_corrections(corpus: Corpus, explicit: Path | None) -> Corrections | None:
    """The file given with --corrections, else a corpus folder's corrections.csv, if any."""
    if explicit is not None:
        return read_corrections(explicit)
    default = corpus.root / FILE_NAME
    if corpus.selection is None and default.is_file():
        return read_corrections(default)
    return None


def read_corrections(path: Path) -> Corrections:
    """Read and check a corrections file.

    Raises:
        InputError: naming the file and line of a missing column, an unknown verdict,
            position or reason, a row that corrects nothing, or a concern given twice.
    """
    from .files import read_regular, unreadable

    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such corrections file; check the path") from None
    except OSError as e:
        raise unreadable(path, e) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the corrections as UTF-8 CSV") from None
    reader = csv.DictReader(text.splitlines())
    lacking = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if lacking:
        raise InputError(
            f"{path}:1: missing column(s) {', '.join(lacking)}; the header must be "
            f"{','.join(COLUMNS)}"
        )
    rows: list[Correction] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(reader, start=2):
        row = _checked(path, n, {k: (raw.get(k) or "").strip() for k in COLUMNS})
        if row.concern_id in seen:
            raise InputError(
                f"{path}:{n}: concern {row.concern_id} is corrected again (first on line "
                f"{seen[row.concern_id]}); keep one row per concern"
            )
        seen[row.concern_id] = n
        rows.append(row)
    return Corrections(path, hashlib.sha256(data).hexdigest(), tuple(rows))


def _checked(path: Path, line: int, v: dict[str, str]) -> Correction:
    def fail(msg: str) -> InputError:
        return InputError(f"{path}:{line}: {msg}")

    if not v["concern_id"]:
        raise fail("no concern_id; name the concern (e.g. 002-D03)")
    if v["verdict"] and v["verdict"] not in VERDICTS:
        raise fail(f"verdict {v['verdict']!r} is not one of {', '.join(VERDICTS)}")
    if v["position"] and v["position"] not in POSITIONS:
        raise fail(f"position {v['position']!r} is not one of {', '.join(POSITIONS)}")
    if not v["verdict"] and not v["position"]:
        raise fail(f"{v['concern_id']}: neither a verdict nor a position; give one or both")
    reason = _full_reason(v["reason"], v["verdict"]) if v["reason"] else ""
    if v["reason"] and not reason:
        raise fail(f"reason {v['reason']!r} is not a reason code (e.g. deflected:shift, shift)")
    if reason and v["verdict"] and not reason.startswith(f"{v['verdict']}:"):
        raise fail(f"reason {v['reason']!r} does not go with verdict {v['verdict']!r}")
    verdict = v["verdict"] or reason.split(":")[0]  # a reason alone implies its verdict
    return Correction(v["concern_id"], verdict, v["position"], reason, v["note"], v["coder"], line)


def _full_reason(reason: str, verdict: str) -> str:
    """'deflected:shift' as given, 'shift' made whole, 'coder' under the verdict; '' if
    unknown."""
    codes = {r.value for r in Reason}
    if reason in codes:
        return reason
    if reason == "coder" and verdict:
        return Reason.coder(Verdict(verdict)).value
    return next((c for c in sorted(codes) if c.split(":")[1] == reason != "coder"), "")


def apply(tables: RunTables, corrections: Corrections | None) -> RunTables:
    """The run's concerns with the coder's corrections on top and the tool's kept beside."""
    by_id = {c.concern_id: c for c in corrections.rows} if corrections else {}
    concerns = [_corrected(r, by_id.get(r.concern_id)) for r in tables.concerns]
    return RunTables(concerns, tables.matches, tables.passages)


def _corrected(row: ConcernRow, c: Correction | None) -> ConcernRow:
    out = replace(
        row,
        tool_verdict=row.verdict,
        tool_reason=row.reason,
        tool_position=row.stated,
        verdict_source=VerdictSource.TOOL,
        coder=None,
        coder_note=None,
    )
    if c is None:
        return out
    verdict = Verdict(c.verdict) if c.verdict else row.verdict
    changed = verdict != row.verdict
    return replace(
        out,
        verdict=verdict,
        reason=Reason(c.reason) if c.reason else Reason.coder(verdict) if changed else row.reason,
        position=Position(c.position) if c.position else row.stated,
        verdict_source=VerdictSource.CODER,
        coder=c.coder or None,
        coder_note=c.note or None,
    )


def unknown_corrections(corrections: Corrections | None, concern_ids: Sequence[str]) -> list[str]:
    """A warning for each correction whose concern the run does not have."""
    if corrections is None:
        return []
    known = set(concern_ids)
    return [
        f"{corrections.path}:{c.line}: concern {c.concern_id} is not in this run; its "
        "correction was not applied (was the request re-cut? check the id)"
        for c in corrections.rows
        if c.concern_id not in known
    ]


@dataclass(frozen=True)
class Agreement:
    """Tool against coder over the concerns the coder looked at."""

    coded: int
    same_verdict: int
    changed: tuple[tuple[str, str, str], ...]  # concern id, tool's verdict, coder's
    confusion: dict[tuple[str, str], int]
    kappa: float  # over the coded concerns
    kappa_all: float  # over every concern, uncoded ones taken as agreed
    positions_coded: int
    same_position: int
    total: int


def agreement(tables: RunTables, corrections: Corrections) -> Agreement:
    """Counts and Cohen's κ of the tool's verdicts against the coder's."""
    rows = {r.concern_id: r for r in tables.concerns}
    tool = {cid: (r.tool_verdict or r.verdict).value for cid, r in rows.items()}
    tool_pos = {cid: (r.tool_position or r.stated).value for cid, r in rows.items()}
    coded = [c for c in corrections.rows if c.concern_id in rows]
    pairs = [(tool[c.concern_id], c.verdict or tool[c.concern_id]) for c in coded]
    coded_ids = {c.concern_id for c in coded}
    everything = pairs + [(v, v) for cid, v in tool.items() if cid not in coded_ids]
    positioned = [c for c in coded if c.position]
    from .evaluate import kappa

    return Agreement(
        coded=len(coded),
        same_verdict=sum(a == b for a, b in pairs),
        changed=tuple(
            (c.concern_id, a, b) for c, (a, b) in zip(coded, pairs, strict=True) if a != b
        ),
        confusion=dict(Counter(pairs)),
        kappa=kappa([a for a, _ in pairs], [b for _, b in pairs]),
        kappa_all=kappa([a for a, _ in everything], [b for _, b in everything]),
        positions_coded=len(positioned),
        same_position=sum(tool_pos[c.concern_id] == c.position for c in positioned),
        total=len(rows),
    )
