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
from dataclasses import dataclass, field, replace
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

NUMBERED = re.compile(
    r"^(?:[-*•●]\s+)?(?:\(?(\d{1,3}(?:\.\d{1,3}){0,2})[.)]\s+|(\d{1,3}(?:\.\d{1,3}){1,2})\s+(?=[A-Z]))"
)
# "Recommendation 3: A better approach…" — a numbered label that reports and responses share.
LABEL = re.compile(
    r"^Recommendation\s+(\d{1,3}[a-z]?)(?:\s*[:.]\s*|\s*$|\s+(?=[A-Z]))(.*)$",
    re.IGNORECASE | re.DOTALL,
)
RECOMMEND_CUE = re.compile(r"\b(?:recommends?|urges?|calls? (?:on|upon)|should|must)\b", re.I)
BACK_MATTER = re.compile(
    r"^(?:appendix|annex|glossary|references|bibliography|index|list of|"
    r"acknowledg|abbreviations|endnotes|notes)\b",
    re.IGNORECASE,
)
MAX_LABEL_BLOCKS = 12
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
    within_heading: bool = False  # opened by a "Recommendations" heading: spans sub-headings


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
    from .link import link_quoted

    concerns, passages = link_quoted(concerns, passages)
    return Segmentation(tuple(concerns), tuple(passages), tuple(warnings))


def segment_document(doc: Document) -> _DocCut:
    cut = _DocCut(doc)
    items = [b for b in blocks(doc.text) if not b.footnote]
    if doc.role == "request":
        _cut_request(cut, items)
        _renumber(cut)
    else:
        _cut_reply(cut, items)
    return cut


def _renumber(cut: _DocCut) -> None:
    """Ids follow the order of the concerns in the document, per kind."""
    cut.concerns.sort(key=lambda c: c.start)
    counters: dict[str, int] = {}
    for i, c in enumerate(cut.concerns):
        code = KIND_CODES[c.kind]
        counters[code] = counters.get(code, 0) + 1
        cut.concerns[i] = replace(c, concern_id=f"{cut.doc.doc_id}-{code}{counters[code]:02d}")


def _numbered(text: str) -> tuple[str, str] | None:
    m = NUMBERED.match(text)
    return (m.group(1) or m.group(2), text[m.end() :]) if m else None


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
    labelled: dict[str, tuple[list[Block], str]] = {}
    skip_until = -1
    back_matter = False
    chapter: _ListContext | None = None  # opened by a "…Recommendations" heading
    in_chapter: set[str] = set()
    in_bold: set[str] = set()
    for i, block in enumerate(items):
        if i <= skip_until:
            continue
        following = items[i + 1] if i + 1 < len(items) else None
        text = block.text
        if SALUTATION.match(text):
            section = ""  # what came before 'Dear …' was the address block, not a heading
            continue
        if LABEL.match(text):
            run = _label_run(items, i)
            labelled[LABEL.match(text).group(1).lower()] = (run, section)  # type: ignore[union-attr]
            skip_until = i + len(run) - 1
            continue
        if _is_numbered_heading(block, following):
            section = text
            continue
        if (is_heading_line(text) or _recommendations_heading(text)) and not _numbered(text):
            section = text
            if "recommend" in text.lower():
                chapter, back_matter = _ListContext("recommendation", "", True, True), False
                ctx = replace(chapter)
            elif BACK_MATTER.match(text):
                chapter, ctx, back_matter = None, None, True
            elif ctx is None or not ctx.within_heading:
                ctx = replace(chapter) if chapter else None
            continue
        if back_matter:
            continue  # appendices: calls for evidence, witness lists, glossaries
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
        elif chapter and ctx is not chapter:
            # the list ended; the "Recommendations" chapter it sat in goes on
            ctx = replace(chapter)
            if _continues_list(ctx, text, marked):
                ctx.marked = marked
                _add_concern(cut, block, ctx.kind, section, ctx.addressee)
        elif not marked and not (ctx and ctx.within_heading):
            ctx = None
        if chapter is not None and cut.concerns and cut.concerns[-1].start == block.start:
            in_chapter.add(cut.concerns[-1].concern_id)
            if block.emphasized:
                in_bold.add(cut.concerns[-1].concern_id)
    if in_chapter:
        # a report restates its recommendations in a chapter of their own: count those once;
        # where that chapter sets some paragraphs in bold, the bold ones are the
        # recommendations and the rest are conclusions
        keep = in_bold or in_chapter
        cut.concerns[:] = [c for c in cut.concerns if c.concern_id in keep]
    _add_labelled(cut, labelled)


def _recommendations_heading(text: str) -> bool:
    """'Summary of conclusions and recommendations': sentence-case headings count too."""
    return (
        len(text.split()) <= 8
        and text[-1:] not in TERMINAL + ","
        and "recommendation" in text.lower()
    )


def _label_run(items: list[Block], start: int) -> list[Block]:
    """A label block and the paragraphs that follow it, up to the next label or heading."""
    run = [items[start]]
    for block in items[start + 1 : start + MAX_LABEL_BLOCKS]:
        if (
            LABEL.match(block.text)
            or (_numbered(block.text) and not BULLET.match(block.text))
            or (is_heading_line(block.text) and len(run) > 1)
        ):
            break
        run.append(block)
    return run


def _add_labelled(cut: _DocCut, labelled: dict[str, tuple[list[Block], str]]) -> None:
    """Labelled recommendations (the last, fullest statement of each number) replace every
    other candidate: summary lists that repeat them, questions asked in the narrative."""
    if not labelled:
        return
    # a report that labels its recommendations states them there: nothing else counts
    cut.concerns.clear()
    for number, (run, section) in sorted(labelled.items(), key=lambda kv: kv[1][0][0].start):
        body = " ".join(b.text for b in run)
        m = LABEL.match(body)
        text = (m.group(2) if m else body).strip() or body
        if not RECOMMEND_CUE.search(body) and len(run) == 1:
            continue  # a bare cross-reference ("see Recommendation 3"), not the recommendation
        merged = Block(text, run[0].start, run[-1].end)
        concern = _add_concern(cut, merged, "recommendation", section, "")
        cut.concerns[-1] = replace(concern, number=number)


def _continues_list(ctx: _ListContext, text: str, marked: bool) -> bool:
    if ctx.marked is not None and ctx.marked != marked:
        return False
    if ctx.within_heading and _numbered(text) and not RECOMMEND_CUE.search(text):
        return False  # a numbered conclusion in a "conclusions and recommendations" chapter
    if ctx.within_heading and not marked and (text[-1:] not in ".;:" or len(text.split()) < 8):
        return False  # a sub-heading inside the chapter, not an unbulleted recommendation
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
    """In a reply: a numbered question or emphasised theme, a 'Recommendation N' label, or a
    numbered recommendation ('8.10. We recommend that…') quoted before its answer."""
    if LABEL.match(block.text):
        return True
    if not _numbered(block.text):
        return False
    return (
        block.emphasized
        or is_interrogative(block.text)
        or bool(
            re.search(
                r"\b(?:we|the \w+) (?:also |further |strongly )?recommends?\b", block.text, re.I
            )
        )
    )


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
            current = _add_quoted(cut, block)
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


def _add_quoted(cut: _DocCut, block: Block) -> Concern:
    label = LABEL.match(block.text)
    if label:
        concern = _add_concern(
            cut,
            replace(block, text=label.group(2).strip() or block.text),
            "recommendation",
            "",
            "",
            quoted=True,
        )
        concern = replace(concern, number=label.group(1).lower())
        cut.concerns[-1] = concern
        return concern
    kind: ConcernKind = (
        "question"
        if is_interrogative(block.text)
        else "theme"
        if block.emphasized
        else "recommendation"
    )
    return _add_concern(cut, block, kind, "", "", quoted=True)


def _with_pairs(c: Concern, pids: tuple[str, ...]) -> Concern:
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
