"""Segmentation: documents → outline → concerns (asks of requests) and reply passages,
linked by key, quote and position list.

Modules: `markers` (the numbering vocabulary), `outline` (blocks with labels and keys),
`asks` (what makes a sentence an ask), `requests` (concerns), `replies` (passages and
quoted items), `linking` (keys, quotes, position lists), `records` (the data).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..corpus import exchange_of
from ..documents import Corpus, Document
from .asks import imperative_start, is_interrogative, split_sentences
from .audit import Audit, Finding
from .candidates import Step, Trail
from .linking import link_replies
from .outline import build_outline
from .records import (
    KIND_CODES,
    Concern,
    ConcernKind,
    ConcernPart,
    ReplyPassage,
    Segmentation,
    concern_lookup,
)
from .replies import DEFAULT_MAX_CHARS, cut_reply
from .requests import read_request, split_parts

__all__ = [
    "KIND_CODES",
    "Audit",
    "Concern",
    "ConcernKind",
    "ConcernPart",
    "DocumentCut",
    "Finding",
    "ReplyPassage",
    "Segmentation",
    "Step",
    "Trail",
    "concern_lookup",
    "imperative_start",
    "is_interrogative",
    "segment_corpus",
    "segment_document",
    "split_parts",
    "split_sentences",
]


@dataclass(frozen=True)
class DocumentCut:
    doc: Document
    concerns: list[Concern]
    passages: list[ReplyPassage]
    trail: Trail | None = None  # a request's: what each pass made or dropped
    audit: Audit | None = None  # a request's outline checked against itself


def segment_document(doc: Document, max_passage_chars: int = DEFAULT_MAX_CHARS) -> DocumentCut:
    """One document's concerns (a request's, or the items a reply quotes) and passages."""
    outline = build_outline(doc.text)
    if doc.role == "request":
        cut = read_request(doc, outline)
        return DocumentCut(doc, cut.concerns, [], cut.trail, cut.audit)
    quoted, passages = cut_reply(doc, outline, max_passage_chars)
    return DocumentCut(doc, quoted, passages)


def segment_corpus(corpus: Corpus, max_passage_chars: int = DEFAULT_MAX_CHARS) -> Segmentation:
    """Segment every document, then link the replies' answers to the requests' concerns."""
    concerns: list[Concern] = []
    passages: list[ReplyPassage] = []
    warnings: list[str] = []
    audits: list[Audit] = []
    trails: list[tuple[str, Trail]] = []
    for doc in corpus.documents:
        cut = segment_document(doc, max_passage_chars)
        concerns.extend(cut.concerns)
        passages.extend(cut.passages)
        if doc.role == "request" and not cut.concerns:
            warnings.append(
                f"{doc.path}: no concerns found (no numbered asks, recommendations or "
                "questions); it is left out of the analysis"
            )
        if cut.audit is not None and cut.trail is not None:
            audits.append(cut.audit)
            trails.append((doc.name, cut.trail))
            warnings += [f"{doc.path}, line {f.line}: {f.message}" for f in cut.audit.findings]
    concerns, passages, notes = link_exchanges(corpus, concerns, passages)
    return Segmentation(
        tuple(concerns),
        tuple(passages),
        (*corpus.warnings, *warnings, *notes),
        tuple(audits),
        tuple(trails),
    )


def link_exchanges(
    corpus: Corpus, concerns: list[Concern], passages: list[ReplyPassage]
) -> tuple[list[Concern], list[ReplyPassage], list[str]]:
    """Link within each declared exchange (a request and the replies that answer it), so an
    archive of many exchanges costs the sum of theirs, and "Recommendation 4" of one reply
    never names another request's 4; undeclared documents are linked together."""
    exchange = exchange_of(corpus.documents)
    groups: dict[str, tuple[list[Concern], list[ReplyPassage]]] = {}
    for c in concerns:
        groups.setdefault(exchange.get(c.doc, ""), ([], []))[0].append(c)
    for p in passages:
        groups.setdefault(exchange.get(p.doc, ""), ([], []))[1].append(p)
    if len(groups) < 2:
        return link_replies(concerns, passages)
    linked: list[Concern] = []
    left: list[ReplyPassage] = []
    notes: list[str] = []
    for name, (group_concerns, group_passages) in groups.items():
        kept, rest, said = link_replies(group_concerns, group_passages)
        linked += kept
        left += rest
        notes += [f"exchange {name}: {note}" if name else note for note in said]
    concern_order = {c.concern_id: i for i, c in enumerate(concerns)}
    passage_order = {p.passage_id: i for i, p in enumerate(passages)}
    linked.sort(key=lambda c: concern_order[c.concern_id])
    left.sort(key=lambda p: passage_order[p.passage_id])
    return linked, left, notes
