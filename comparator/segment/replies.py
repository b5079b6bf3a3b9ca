"""Passages of a reply, cut from its outline at its own keys, numbered paragraphs and
headings, and the questions or recommendations it quotes before answering them.

A label ("Recommendation 20", "Rec. 18", "Recs. 6–13") opens a keyed section: every passage
up to the next label carries its keys, so linking can pair it with the request's concern of
that key. A numbered question, emphasised theme or quoted recommendation opens a quoted item
whose answer is the text up to the next one. No passage spans two keys or two numbered
paragraphs, and none is longer than the size cap (long paragraphs split at sentences).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..documents import Document
from .asks import is_interrogative, split_sentences
from .markers import key_lists
from .outline import Block, Outline, is_title
from .records import KIND_CODES, Concern, ConcernKind, ReplyPassage, Rule
from .requests import SALUTATION, split_parts

TITLE_LINE = re.compile(r"^(?:subject|re|ref)\s*:", re.I)
MIN_PASSAGE_WORDS = 4
# A short line after a paragraph ("More information can be found at <link>.") belongs to it.
SHORT_TRAILER_WORDS = 8
QUOTED_RECOMMENDATION = re.compile(
    r"\b(?:we|the \w+) (?:also |further |therefore |strongly )?(?:recommends?|urges?|invites?)\b",
    re.I,
)
DEFAULT_MAX_CHARS = 2000


@dataclass
class _ReplyCut:
    doc: Document
    max_chars: int
    passages: list[ReplyPassage] = field(default_factory=list)
    quoted: list[Concern] = field(default_factory=list)
    paired: dict[str, list[str]] = field(default_factory=dict)


def cut_reply(
    doc: Document, outline: Outline, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[list[Concern], list[ReplyPassage]]:
    """(quoted items with their paired answers, passages) of one reply."""
    cut = _ReplyCut(doc, max_chars)
    body = _reply_body(list(outline.blocks))
    # In a point-by-point or keyed reply, what precedes the first item is its cover and title.
    point_by_point = any(is_quoted_item(b) or (b.kind == "label" and b.keys) for b in body)
    current: Concern | None = None
    keys: tuple[str, ...] = ()
    section = ""
    for block in body:
        if block.kind == "label" and block.keys:
            keys, current, section = block.keys, None, ""
            if is_title(block.body):
                section = block.body  # "Recommendation 9: Regular use of red teams"
            elif block.body:
                _add_passage(cut, block, "", keys, section)  # "Rec. 18 We consider that…"
                cut.passages[-1] = replace(cut.passages[-1], labelled=True)
            continue
        if is_quoted_item(block):
            current, keys = _add_quoted(cut, block), ()
            continue
        if block.heading or SALUTATION.match(block.text):
            section = block.text
            continue
        if point_by_point and current is None and not keys and not key_lists(block.text):
            continue  # the cover note of a point-by-point reply
        answers = current.concern_id if current else ""
        if _joins_previous(cut, block, answers, keys):
            _extend_last_passage(cut, block)
        elif len(block.text.split()) >= MIN_PASSAGE_WORDS or keys:
            _add_passage(cut, block, answers, keys, section)
        else:
            continue
        if current:
            pid = cut.passages[-1].passage_id
            if pid not in cut.paired[current.concern_id]:
                cut.paired[current.concern_id].append(pid)
    passages = _capped(cut.passages, max_chars)
    quoted = []
    for c in cut.quoted:
        pairs = _expand_ids(cut.paired.get(c.concern_id, []), passages)
        quoted.append(replace(c, paired_passages=pairs, link="quote" if pairs else "none"))
    return _renumber(doc, passages, quoted)


def is_quoted_item(block: Block) -> bool:
    """In a reply: a numbered question or emphasised theme, or a numbered recommendation
    ('8.10. We recommend that…') quoted before its answer."""
    if block.kind != "number":
        return False
    return (
        block.emphasized
        or is_interrogative(block.text)
        or bool(QUOTED_RECOMMENDATION.search(block.text))
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
        if in_signature and len(b.text.split()) < 15 and not is_quoted_item(b):
            continue
        in_signature = False
        body.append(b)
    return body


def _add_quoted(cut: _ReplyCut, block: Block) -> Concern:
    kind: ConcernKind = (
        "question"
        if is_interrogative(block.text)
        else "theme"
        if block.emphasized
        else "recommendation"
    )
    n = sum(c.kind == kind for c in cut.quoted) + 1
    concern = Concern(
        concern_id=f"{cut.doc.doc_id}-{KIND_CODES[kind]}{n:02d}",
        doc=cut.doc.name,
        kind=kind,
        text=block.body,
        section="",
        number=block.marker.value if block.marker else "",
        addressee="",
        start=block.start,
        end=block.end,
        quoted=True,
        parts=split_parts(block.body),
        label=block.label,
        key=block.key,
        rule=Rule.QUOTED_QUESTION,
    )
    cut.quoted.append(concern)
    cut.paired[concern.concern_id] = []
    return concern


def _joins_previous(cut: _ReplyCut, block: Block, answers: str, keys: tuple[str, ...]) -> bool:
    """A list item stays with its lead sentence (and with the items before it); a short
    trailer line stays with its paragraph. Never across a key or a numbered paragraph."""
    if not cut.passages:
        return False
    last = cut.passages[-1]
    if last.answers != answers or last.keys != keys or block.kind in ("number", "label"):
        return False
    if block.kind in ("bullet", "limb", "roman"):
        text = last.text
        return text.endswith(":") or bool(re.search(r"[;:]\s*$|\band$", text)) or "\n" in text
    return len(block.text.split()) < SHORT_TRAILER_WORDS and block.kind == ""


def _add_passage(
    cut: _ReplyCut, block: Block, answers: str, keys: tuple[str, ...], section: str
) -> None:
    number = len(cut.passages) + 1
    cut.passages.append(
        ReplyPassage(
            passage_id=f"{cut.doc.doc_id}-P{number:02d}",
            doc=cut.doc.name,
            text=block.text,
            sentences=split_sentences(block.text),
            start=block.start,
            end=block.end,
            section=section,
            answers=answers,
            keys=keys,
        )
    )


def _extend_last_passage(cut: _ReplyCut, block: Block) -> None:
    last = cut.passages[-1]
    text = f"{last.text}\n{block.text}"
    cut.passages[-1] = replace(last, text=text, sentences=split_sentences(text), end=block.end)


def _capped(passages: list[ReplyPassage], max_chars: int) -> list[ReplyPassage]:
    """Passages longer than the cap, split at sentence boundaries into pieces under it."""
    out: list[ReplyPassage] = []
    for p in passages:
        if len(p.text) <= max_chars:
            out.append(p)
            continue
        chunks: list[list[str]] = [[]]
        for s in p.sentences:
            for piece in _hard_split(s, max_chars):
                if chunks[-1] and len(" ".join([*chunks[-1], piece])) > max_chars:
                    chunks.append([])
                chunks[-1].append(piece)
        span = max(1, p.end - p.start)
        total = sum(len(" ".join(c)) for c in chunks) or 1
        offset = p.start
        for n, chunk in enumerate(chunks, 1):
            text = " ".join(chunk)
            end = min(p.end, offset + round(span * len(text) / total))
            out.append(
                replace(
                    p,
                    passage_id=f"{p.passage_id}~{n}",
                    text=text,
                    sentences=tuple(chunk),
                    start=offset,
                    end=end if n < len(chunks) else p.end,
                )
            )
            offset = end
    return out


def _hard_split(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than the cap (a run-on list) is cut at word boundaries."""
    if len(sentence) <= max_chars:
        return [sentence]
    words, out, line = sentence.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > max_chars:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return [*out, line] if line else out


def _expand_ids(ids: list[str], passages: list[ReplyPassage]) -> tuple[str, ...]:
    """Passage ids after capping: a split passage stands for all of its pieces."""
    out: list[str] = []
    for pid in ids:
        out.extend(p.passage_id for p in passages if p.passage_id.split("~")[0] == pid)
    return tuple(out)


def _renumber(
    doc: Document, passages: list[ReplyPassage], quoted: list[Concern]
) -> tuple[list[Concern], list[ReplyPassage]]:
    """Ids P01, P02… in document order after capping (quoted items' pairs follow)."""
    mapping = {p.passage_id: f"{doc.doc_id}-P{n:02d}" for n, p in enumerate(passages, 1)}
    pairs = [
        replace(c, paired_passages=tuple(mapping[pid] for pid in c.paired_passages)) for c in quoted
    ]
    return pairs, [replace(p, passage_id=mapping[p.passage_id]) for p in passages]
