"""One typed row per output table (concerns, matches, passages, segments) and its CSV cells.

Every view — the terminal report, report.html, `show`, slices, corrections, `eval`, JSON —
reads these rows; only `cells` and `from_csv` see text. A row's fields say how they are
written: numbers with fixed decimals (so the same inputs give byte-identical files), lists
joined by a separator, yes/no for flags, closed vocabularies as enums. A field that is
`None` is an empty cell or, when its column is missing, a run made before the column
existed (the views say so rather than guess).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from .errors import InputError
from .position import Position
from .score import CHECK_SEPARATOR, Check, Reason, Verdict, encode_checks, parse_checks
from .segment.records import ConcernKind, LinkKind, Rule
from .signals import Cue

__all__ = [
    "ConcernRow",
    "EvidenceRole",
    "MatchRow",
    "PartMark",
    "PassageRow",
    "SegmentRow",
    "Timing",
    "VerdictSource",
]


class EvidenceRole(StrEnum):
    """What the cited passage is to its concern."""

    NONE = ""  # nothing cited
    PAIRED = "paired answer"  # the reply keys or quotes the concern
    BEST = "best match"  # found by retrieval
    NEAREST = "nearest passage (not relevant)"  # shown for an ignored concern


class Timing(StrEnum):
    """When the cited reply was written, against the request."""

    NONE = ""  # nothing cited
    AFTER = "after"
    PRIOR = "prior"  # an earlier position, not a response
    SAME_DOCUMENT = "same-document"  # a reply quoting the request it answers
    UNKNOWN = "unknown"  # a date is missing or too coarse


class VerdictSource(StrEnum):
    TOOL = "tool"
    CODER = "coder"


class PartState(StrEnum):
    COVERED = "covered"
    NOT_COVERED = "not covered"


@dataclass(frozen=True)
class PartMark:
    """Whether the evidence touched one lettered part of a multi-part concern."""

    label: str
    state: PartState

    @property
    def covered(self) -> bool:
        return self.state is PartState.COVERED

    def encode(self) -> str:
        return f"{self.label}:{self.state.value}"

    @classmethod
    def parse(cls, text: str) -> PartMark:
        label, _, state = text.partition(":")
        return cls(label, PartState(state))


def encode_parts(parts: tuple[PartMark, ...]) -> str:
    return "; ".join(p.encode() for p in parts)


def parse_parts(text: str) -> tuple[PartMark, ...]:
    return tuple(PartMark.parse(p) for p in text.split("; ")) if text else ()


# ---- how a field is written ------------------------------------------------------------


def decimals(n: int) -> dict[str, Any]:
    """A float written with `n` decimals (a field's metadata)."""
    return {"decimals": n}


def joined(separator: str) -> dict[str, Any]:
    """A tuple written as one cell, its items joined by `separator`."""
    return {"separator": separator}


def coded(
    encode: Callable[[Any], str], decode: Callable[[str], Any], json_separator: str = ""
) -> dict[str, Any]:
    """A field with its own cell form; with `json_separator`, JSON splits the cell on it."""
    return {"encode": encode, "decode": decode, "json_separator": json_separator}


@dataclass(frozen=True)
class _Codec:
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]
    json: Callable[[str], object]
    optional: bool  # None is a value: an empty cell (a scalar's), or a column not recorded
    listed: bool = False  # an empty cell is the empty tuple, not None

    def read(self, cell: str) -> Any:
        return None if self.optional and not cell and not self.listed else self.decode(cell)


def _text_json(cell: str) -> object:
    return cell or None


def _codec_for(tp: Any, meta: Mapping[str, Any]) -> _Codec:
    optional = get_origin(tp) in (Union, types.UnionType) and type(None) in get_args(tp)
    if optional:
        tp = next(a for a in get_args(tp) if a is not type(None))
    if "encode" in meta:
        sep = meta["json_separator"]
        split: Callable[[str], object] = (
            (lambda s: s.split(sep) if s else []) if sep else _text_json
        )
        return _Codec(meta["encode"], meta["decode"], split, optional, listed=True)
    if tp is str:
        return _Codec(str, str, _text_json, optional)
    if tp is bool:

        def yes(s: str) -> bool:
            return s == "yes"

        return _Codec(lambda b: "yes" if b else "no", yes, yes, optional)
    if tp is int:
        return _Codec(str, int, lambda s: int(s) if s else None, optional)
    if tp is float:
        n = meta["decimals"]
        return _Codec(lambda x: f"{x:.{n}f}", float, lambda s: float(s) if s else None, optional)
    if get_origin(tp) is Literal:  # a closed vocabulary of words
        words = get_args(tp)

        def word(s: str) -> str:
            if s not in words:
                raise ValueError(f"not one of {', '.join(words)}")
            return s

        return _Codec(str, word, _text_json, optional)
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return _Codec(lambda e: e.value, tp, _text_json, optional)
    if get_origin(tp) is tuple:
        sep = meta["separator"]
        item = _codec_for(get_args(tp)[0], {})
        return _Codec(
            lambda xs: sep.join(item.encode(x) for x in xs),
            lambda s: tuple(item.decode(x) for x in s.split(sep)) if s else (),
            lambda s: s.split(sep) if s else [],
            optional,
            listed=True,
        )
    raise TypeError(f"no cell form for {tp!r}")


R = TypeVar("R", bound="_Row")


class _Row:
    """CSV cells and typed JSON for a frozen dataclass row (see the module's docstring)."""

    TABLE: ClassVar[str]
    OPTIONAL_COLUMNS: ClassVar[tuple[str, ...]] = ()  # written only when the row has them

    @classmethod
    @cache
    def _codecs(cls) -> dict[str, _Codec]:
        hints = get_type_hints(cls)
        return {f.name: _codec_for(hints[f.name], f.metadata) for f in fields(cls)}  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        # a number is kept as its column writes it, so that a row read back from the CSV
        # equals the row written, and every view shows the same digits
        for f in fields(self):  # type: ignore[arg-type]
            n, encode = f.metadata.get("decimals"), f.metadata.get("encode")
            value = getattr(self, f.name)
            if value is None:
                continue
            if n is not None:
                object.__setattr__(self, f.name, float(f"{value:.{n}f}"))
            elif encode is not None:  # the checks' numbers, to 4 decimals
                object.__setattr__(self, f.name, f.metadata["decode"](encode(value)))

    @classmethod
    def columns(cls, optional: bool = False) -> list[str]:
        names = list(cls._codecs())
        return names if optional else [n for n in names if n not in cls.OPTIONAL_COLUMNS]

    def has_optional(self) -> bool:
        return any(getattr(self, n) is not None for n in self.OPTIONAL_COLUMNS)

    def cells(self, columns: list[str]) -> list[str]:
        """The row's cells, in the order of `columns`."""
        codecs = self._codecs()
        out = []
        for name in columns:
            value = getattr(self, name)
            out.append("" if value is None else codecs[name].encode(value))
        return out

    def cell(self, name: str) -> str:
        """One field as the CSV writes it ("0.4100", "a:covered; b:not covered", "")."""
        return self.cells([name])[0]

    def to_json(self) -> dict[str, object]:
        """Numbers as numbers, lists as lists, yes/no as booleans, empty as None (and a
        column the run did not record as None)."""
        columns = self.columns(self.has_optional())
        codecs = self._codecs()
        return {
            name: None if getattr(self, name) is None else codecs[name].json(cell)
            for name, cell in zip(columns, self.cells(columns), strict=True)
        }

    @classmethod
    def from_csv(cls: type[R], cells: Mapping[str, str], where: str = "") -> R:
        """The row a CSV line holds (`where`: its file and line, for messages); a column
        the run did not record gives the field's default (None, or empty text).

        Raises:
            InputError: a required column is missing, or a cell is not what its column
                holds (a run folder edited, or made by another version).
        """
        where = where or cls.TABLE
        values: dict[str, Any] = {}
        for f in fields(cls):  # type: ignore[arg-type]
            cell = cells.get(f.name)
            if cell is None:
                if f.default is MISSING:
                    raise InputError(
                        f"{where}: no column {f.name}; re-run `comparator run` to rewrite "
                        "the run folder"
                    )
                continue  # a column added after the run was made
            try:
                values[f.name] = cls._codecs()[f.name].read(cell)
            except (ValueError, KeyError, InputError) as e:
                raise InputError(
                    f"{where}: column {f.name} cannot hold {cell!r} ({e}); re-run "
                    "`comparator run` to rewrite the run folder"
                ) from None
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class ConcernRow(_Row):
    """One concern, its verdict and what the verdict rests on (a line of concerns.csv)."""

    TABLE: ClassVar[str] = "concerns.csv"
    OPTIONAL_COLUMNS: ClassVar[tuple[str, ...]] = (
        "tool_verdict",
        "tool_reason",
        "tool_position",
        "verdict_source",
        "coder",
        "coder_note",
    )

    concern_id: str
    request_doc: str
    request_date: str
    author: str
    addressee: str
    section: str
    number: str  # as printed: "8.10" is not "8.1"
    label: str = ""  # added with source, context, link, position and position_sentence
    source: str = ""  # a UPR recommendation's recommending States
    kind: ConcernKind
    text: str
    context: str = ""
    rule: Rule | None = None  # which rule of segmentation made it; None: made before rules
    verdict: Verdict
    reason: Reason
    confidence: float = field(metadata=decimals(2))
    checks: tuple[Check, ...] | None = field(
        default=None, metadata=coded(encode_checks, parse_checks, CHECK_SEPARATOR)
    )  # None: made before checks were recorded
    link: LinkKind = "none"  # the columns from here to position_sentence came later too
    position: Position | None = None  # None: made before positions were read
    position_sentence: str = ""
    # the position the request itself records (a UPR report: "…enjoy the support of X")
    report_position: Position | None = None
    report_position_sentence: str = ""
    reply_doc: str
    reply_date: str
    reply_passage_id: str
    evidence_role: EvidenceRole
    reply_text: str
    evidence_sentence: str
    similarity: float | None = field(metadata=decimals(4))
    coverage: float | None = field(metadata=decimals(4))
    specificity: float | None = field(metadata=decimals(4))
    deflection: float | None = field(metadata=decimals(4))
    covered: tuple[str, ...] = field(metadata=joined("; "))
    missing: tuple[str, ...] = field(metadata=joined("; "))
    parts: tuple[PartMark, ...] = field(metadata=coded(encode_parts, parse_parts))
    cues: tuple[Cue, ...] = field(metadata=joined("; "))
    timing: Timing
    start: int
    end: int
    # a coder's corrections (corrections.py): None in runs made before they existed
    tool_verdict: Verdict | None = None
    tool_reason: Reason | None = None
    tool_position: Position | None = None
    verdict_source: VerdictSource | None = None
    coder: str | None = None
    coder_note: str | None = None

    @property
    def doc_id(self) -> str:
        """The request's id: the concern id's prefix ("002" of "002-D04")."""
        return self.concern_id.rsplit("-", 1)[0]

    @property
    def corrected(self) -> bool:
        return self.verdict_source is VerdictSource.CODER

    @property
    def stated(self) -> Position:
        """The position, `none` for a run made before positions were read."""
        return self.position or Position.NONE


@dataclass(frozen=True, kw_only=True)
class MatchRow(_Row):
    """One ranked reply passage for a concern (a line of matches.csv)."""

    TABLE: ClassVar[str] = "matches.csv"

    concern_id: str
    rank: int
    passage_id: str
    reply_doc: str
    paired: bool
    dense: float = field(metadata=decimals(4))
    lexical: float = field(metadata=decimals(4))
    fused: float = field(metadata=decimals(4))
    sentence_similarity: float = field(metadata=decimals(4))
    sentence: str


@dataclass(frozen=True, kw_only=True)
class PassageRow(_Row):
    """One reply passage (a line of passages.csv)."""

    TABLE: ClassVar[str] = "passages.csv"

    passage_id: str
    doc: str
    answers: str
    start: int
    end: int
    sentences: int
    text: str


class Item(StrEnum):
    CONCERN = "concern"
    PASSAGE = "passage"


@dataclass(frozen=True, kw_only=True)
class SegmentRow(_Row):
    """One concern or passage as segmented (`comparator segment --csv`)."""

    TABLE: ClassVar[str] = "segments.csv"

    doc: str
    role: str
    item: Item
    id: str
    kind: str
    section: str
    number: str
    label: str = ""
    source: str = ""  # who made it: a UPR recommendation's recommending States
    rule: Rule | None = None  # which rule of segmentation made it (concerns only)
    report_position: Position | None = None  # the position the request itself records
    report_position_sentence: str = ""
    addressee: str
    start: int
    end: int
    text: str


def numeric_columns() -> tuple[frozenset[str], frozenset[str]]:
    """(int columns, float columns) over every table, for `comparator.load_run`'s dtypes."""
    ints: set[str] = set()
    floats: set[str] = set()
    for row in (ConcernRow, MatchRow, PassageRow):
        for name, tp in get_type_hints(row).items():
            if name.isupper():
                continue
            if tp in (int, int | None):
                ints.add(name)
            elif tp in (float, float | None):
                floats.add(name)
    return frozenset(ints), frozenset(floats)
