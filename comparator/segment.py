"""Text → concerns (questions, demands, recommendations…) and reply passages.

Concerns come only from explicit structure, never from loose "should" sentences:
numbered or bulleted items under a request lead-in ("we urge the government to:"),
items under a "Recommendations" heading, numbered questions anywhere in a request,
and numbered questions or emphasised themes quoted inside a reply (whose paired answer
is the reply text up to the next quoted item).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from .corpus import Corpus, Document
from .normalize import TERMINAL, Block, blocks, is_heading_line

ConcernKind = Literal["question", "demand", "recommendation", "principle", "theme"]
KIND_CODES: dict[str, str] = {
    "question": "Q",
    "demand": "D",
    "recommendation": "R",
    "principle": "P",
    "theme": "T",
}

NUMBERED = re.compile(r"^(?:[-*•●]\s+)?\(?(\d{1,3})[.)]\s+")
BULLET = re.compile(r"^[-*•●▪◦‣–]\s+")
LETTERED = re.compile(r"^\(?([a-z])[.)]\s+")
SUB_ITEM = re.compile(r"(?:(?<=[:;])|(?<=[:;] ))\s*\(?([a-z])[.)]\s+(?=\w)")
REQUEST_CUE = re.compile(
    r"\b(?:urges?|urging|recommends?|recommendations?|calls? (?:on|upon)|requests?|asks?|"
    r"demands?|invites?)\b",
    re.IGNORECASE,
)
ADDRESSEE = re.compile(
    r"\b(?:urges?|calls? (?:on|upon)|asks?|requests?|invites?)\s+(?!that\b|you\b)(?P<who>.{3,120}?)"
    r"\s+to\b",
    re.IGNORECASE,
)
PLEASE_ASK = re.compile(
    r"^(?:please|kindly)\s+(?:provide|indicate|explain|describe|clarify|give|share|inform|"
    r"elaborate|detail|specify|comment|submit|list|outline)\b",
    re.IGNORECASE,
)
WH_START = re.compile(
    r"^(?:what|how|which|why|when|whether|who|where|does|do|is|are|has|have|"
    r"can|could|will|would)\b",
    re.IGNORECASE,
)
NOT_IMPERATIVE = frozenset(
    """
    the this that these those a an in on at for from with we our it its they their there
    he she as by to of and but however although while since during after before if when
    i you one some many most all each both such according sincerely cc yours further
    furthermore moreover despite given under over within without because so thus
    therefore additionally also regarding
    """.split()  # noqa: SIM905
)
SALUTATION = re.compile(r"^(?:dear|sincerely|yours|best regards|kind regards|cc:)\b", re.I)
TITLE_LINE = re.compile(r"^(?:subject|re|ref)\s*:", re.I)
MIN_PASSAGE_WORDS = 4
# A short line after a paragraph ("More information can be found at <link>.") belongs to it.
SHORT_TRAILER_WORDS = 8


@dataclass(frozen=True)
class ConcernPart:
    """A lettered sub-item (a), (b)… of a concern, addressable as ``<concern id>.<label>``."""

    label: str
    text: str


@dataclass(frozen=True)
class Concern:
    concern_id: str
    doc: str
    kind: ConcernKind
    text: str
    section: str
    number: str
    addressee: str
    start: int
    end: int
    quoted: bool = False
    parts: tuple[ConcernPart, ...] = ()
    paired_passages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplyPassage:
    passage_id: str
    doc: str
    text: str
    sentences: tuple[str, ...]
    start: int
    end: int
    section: str = ""
    answers: str = ""


@dataclass(frozen=True)
class Segmentation:
    concerns: tuple[Concern, ...]
    passages: tuple[ReplyPassage, ...]
    warnings: tuple[str, ...] = ()


@dataclass
class _ListContext:
    kind: ConcernKind
    addressee: str
    unmarked_ok: bool
    marked: bool | None = None  # set by the first item: a list is marked or it is not


@dataclass
class _DocCut:
    doc: Document
    concerns: list[Concern] = field(default_factory=list)
    passages: list[ReplyPassage] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, code: str) -> str:
        self.counters[code] = self.counters.get(code, 0) + 1
        return f"{self.doc.doc_id}-{code}{self.counters[code]:02d}"


def segment_corpus(corpus: Corpus) -> Segmentation:
    """Segment every document: requests give concerns; replies give passages (and quoted ones)."""
    concerns: list[Concern] = []
    passages: list[ReplyPassage] = []
    warnings: list[str] = []
    for doc in corpus.documents:
        cut = segment_document(doc)
        concerns.extend(cut.concerns)
        passages.extend(cut.passages)
        if doc.role == "request" and not cut.concerns:
            warnings.append(
                f"{doc.path}: no concerns found (no numbered questions and no list under a "
                "request lead-in such as 'we urge … to:'); it is left out of the analysis"
            )
    return Segmentation(tuple(concerns), tuple(passages), tuple(warnings))


def segment_document(doc: Document) -> _DocCut:
    cut = _DocCut(doc)
    items = [b for b in blocks(doc.text) if not b.footnote]
    if doc.role == "request":
        _cut_request(cut, items)
    else:
        _cut_reply(cut, items)
    return cut


def _numbered(text: str) -> tuple[str, str] | None:
    m = NUMBERED.match(text)
    return (m.group(1), text[m.end() :]) if m else None


def _strip_marker(text: str) -> tuple[str, str]:
    """(printed number or '', text without its list marker)."""
    num = _numbered(text)
    if num:
        return num
    m = BULLET.match(text) or LETTERED.match(text)
    return ("", text[m.end() :]) if m else ("", text)


def is_interrogative(text: str) -> bool:
    body = _strip_marker(text)[1].strip()
    return (
        body.endswith("?")
        or bool(PLEASE_ASK.match(body))
        or (bool(WH_START.match(body)) and "?" in body)
    )


def _is_numbered_heading(block: Block, following: Block | None) -> bool:
    num = _numbered(block.text)
    if not num or num[1].rstrip()[-1:] in TERMINAL or len(num[1].split()) > 15:
        return False
    return following is not None and bool(BULLET.match(following.text))


def _lead_in(text: str, section: str) -> _ListContext | None:
    """A sentence that announces a list of asks: 'X urges Y to:', '…the following principles.'"""
    if not REQUEST_CUE.search(text) or not (text.endswith(":") or "following" in text.lower()):
        return None
    low = (text + " " + section).lower()
    kind: ConcernKind = (
        "principle"
        if "principle" in text.lower()
        else "recommendation"
        if "recommend" in low
        else "demand"
    )
    who = ADDRESSEE.search(text)
    return _ListContext(kind, who.group("who").strip() if who else "", text.endswith(":"))


def imperative_start(text: str) -> bool:
    first = re.match(r"[A-Za-z][\w’'-]*", text)
    return bool(first) and text[0].isupper() and first.group().lower() not in NOT_IMPERATIVE  # type: ignore[union-attr]


def _cut_request(cut: _DocCut, items: list[Block]) -> None:
    section = ""
    ctx: _ListContext | None = None
    for i, block in enumerate(items):
        following = items[i + 1] if i + 1 < len(items) else None
        text = block.text
        if SALUTATION.match(text):
            section = ""  # what came before 'Dear …' was the address block, not a heading
            continue
        if _is_numbered_heading(block, following):
            section = text
            continue
        if is_heading_line(text) and not _numbered(text):
            section = text
            ctx = _ListContext("recommendation", "", True) if "recommend" in text.lower() else None
            continue
        lead = _lead_in(text, section)
        if lead:
            ctx = lead
            continue
        marked = bool(NUMBERED.match(text) or BULLET.match(text))
        if marked and is_interrogative(text):
            _add_concern(cut, block, "question", section, ctx.addressee if ctx else "")
        elif ctx and _continues_list(ctx, text, marked):
            ctx.marked = marked
            _add_concern(cut, block, ctx.kind, section, ctx.addressee)
        elif not marked:
            ctx = None


def _continues_list(ctx: _ListContext, text: str, marked: bool) -> bool:
    if ctx.marked is not None and ctx.marked != marked:
        return False
    return marked or (ctx.unmarked_ok and imperative_start(text) and len(text.split()) >= 4)


def _add_concern(
    cut: _DocCut,
    block: Block,
    kind: ConcernKind,
    section: str,
    addressee: str,
    quoted: bool = False,
) -> Concern:
    number, body = _strip_marker(block.text)
    concern = Concern(
        concern_id=cut.next_id(KIND_CODES[kind]),
        doc=cut.doc.name,
        kind=kind,
        text=body.strip(),
        section=section,
        number=number,
        addressee=addressee,
        start=block.start,
        end=block.end,
        quoted=quoted,
        parts=split_parts(body),
    )
    cut.concerns.append(concern)
    return concern


def split_parts(text: str) -> tuple[ConcernPart, ...]:
    """Lettered sub-items inline in a concern ('…observing that: a. migration… b. …')."""
    marks = list(SUB_ITEM.finditer(text))
    if not marks or marks[0].group(1) != "a":
        return ()
    parts = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        end = nxt.start() if nxt else len(text)
        parts.append(ConcernPart(m.group(1), text[m.end() : end].strip()))
    return tuple(parts)


def _is_quoted_concern(block: Block) -> bool:
    return bool(_numbered(block.text)) and (block.emphasized or is_interrogative(block.text))


def _reply_body(items: list[Block]) -> list[Block]:
    """Drop the letterhead and address block (before 'Dear …') and the signature block."""
    salutation = next((i for i, b in enumerate(items) if b.text.lower().startswith("dear ")), -1)
    body: list[Block] = []
    in_signature = False
    for b in items[salutation + 1 :]:
        if SALUTATION.match(b.text) or TITLE_LINE.match(b.text):
            in_signature = in_signature or not TITLE_LINE.match(b.text)
            continue
        if in_signature and len(b.text.split()) < 15 and not _is_quoted_concern(b):
            continue
        in_signature = False
        body.append(b)
    return body


def _cut_reply(cut: _DocCut, items: list[Block]) -> None:
    current: Concern | None = None
    paired: dict[str, list[str]] = {}
    body = _reply_body(items)
    # In a point-by-point reply, what precedes the first quoted question is the cover note.
    point_by_point = any(_is_quoted_concern(b) for b in body)
    for block in body:
        if _is_quoted_concern(block):
            kind: ConcernKind = "question" if is_interrogative(block.text) else "theme"
            current = _add_concern(cut, block, kind, "", "", quoted=True)
            paired[current.concern_id] = []
            continue
        if (
            is_heading_line(block.text)
            or SALUTATION.match(block.text)
            or (point_by_point and current is None)
        ):
            continue
        answers = current.concern_id if current else ""
        if _joins_previous(cut, block, answers) or (
            len(block.text.split()) < SHORT_TRAILER_WORDS
            and cut.passages
            and cut.passages[-1].answers == answers
        ):
            _extend_last_passage(cut, block)
        elif len(block.text.split()) >= MIN_PASSAGE_WORDS:
            _add_passage(cut, block, answers)
        else:
            continue
        if current:
            pid = cut.passages[-1].passage_id
            if pid not in paired[current.concern_id]:
                paired[current.concern_id].append(pid)
    cut.concerns[:] = [_with_pairs(c, tuple(paired.get(c.concern_id, ()))) for c in cut.concerns]


def _with_pairs(c: Concern, pids: tuple[str, ...]) -> Concern:
    from dataclasses import replace

    return replace(c, paired_passages=pids)


def _joins_previous(cut: _DocCut, block: Block, answers: str) -> bool:
    """A list item stays with its lead sentence (and with the items before it)."""
    if not cut.passages or cut.passages[-1].answers != answers:
        return False
    last = cut.passages[-1].text
    marked = bool(BULLET.match(block.text) or NUMBERED.match(block.text))
    return marked and (
        last.endswith(":") or bool(re.search(r"[;:]\s*$|\band$|;\s*and$", last)) or "\n" in last
    )


def _add_passage(cut: _DocCut, block: Block, answers: str) -> None:
    number = len(cut.passages) + 1
    cut.passages.append(
        ReplyPassage(
            passage_id=f"{cut.doc.doc_id}-P{number:02d}",
            doc=cut.doc.name,
            text=block.text,
            sentences=split_sentences(block.text),
            start=block.start,
            end=block.end,
            answers=answers,
        )
    )


def _extend_last_passage(cut: _DocCut, block: Block) -> None:
    last = cut.passages[-1]
    text = f"{last.text}\n{block.text}"
    cut.passages[-1] = ReplyPassage(
        last.passage_id,
        last.doc,
        text,
        split_sentences(text),
        last.start,
        block.end,
        last.section,
        last.answers,
    )


@lru_cache(maxsize=1)
def _segmenter() -> object:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> tuple[str, ...]:
    """Sentences by pysbd (a maintained rule-based splitter); list lines stay separate."""
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(s.strip() for s in _segmenter().segment(line) if s.strip())  # type: ignore[attr-defined]
    return tuple(out)


def concern_lookup(concerns: Iterable[Concern]) -> dict[str, Concern]:
    return {c.concern_id: c for c in concerns}
