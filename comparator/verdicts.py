"""A verdict for every concern: what the evidence covers, the stated position, the rule.

For each concern, its matched evidence is read (`signals`: which key concepts it covers,
specificity, deflection cues, a refusal), the position the reply states is found
(`position`), and `score.decide` applies the rules, recording every check it made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .concepts import Concept, ConceptStore
from .config import Config
from .documents import Corpus, Document
from .match import Evidence, Vectors, sentence_rows
from .position import stated_position
from .rows import PartMark, PartState, Timing
from .score import Decision, Reason, Stance, decide
from .segment import Concern, ReplyPassage, Segmentation, imperative_start
from .segment.records import LinkKind
from .signals import Coverage, EvidenceSignals, coverage, read_evidence, refusal_coverage

Weighted = tuple[tuple[Concept, float], ...]


@dataclass(frozen=True)
class ConcernResult:
    """Everything said about one concern: the verdict and what it rests on."""

    concern: Concern
    decision: Decision
    evidence: tuple[Evidence, ...]
    signals: EvidenceSignals | None
    parts_covered: tuple[PartMark, ...]
    timing: Timing
    reply_doc: str
    reply_date: str
    primary_coverage: float = 0.0  # coverage by the cited passage alone (relevance test)
    stance: Stance = field(default_factory=Stance)
    written_for_other: bool = False  # the cited passage answers another ask of this request

    @property
    def link(self) -> LinkKind:
        """How the concern found its answer: key, quote, retrieval or none."""
        if self.concern.link != "none":
            return self.concern.link
        return "retrieval" if self.evidence else "none"


def judge_all(
    corpus: Corpus,
    seg: Segmentation,
    matches: dict[str, tuple[Evidence, ...]],
    concepts: dict[str, Weighted],
    concept_vecs: dict[str, np.ndarray],
    vectors: Vectors,
    config: Config,
    store: ConceptStore,
) -> tuple[ConcernResult, ...]:
    """Every concern's verdict, in the segmentation's order."""
    docs = {d.name: d for d in corpus.documents}
    passages = {p.passage_id: (i, p) for i, p in enumerate(seg.passages)}
    answered_in, answered_by = _answered_in(seg.concerns)
    return tuple(
        _score(
            c,
            answered_in,
            answered_by,
            matches[c.concern_id],
            concepts[c.concern_id],
            concept_vecs,
            vectors,
            passages,
            docs,
            config,
            store,
        )
        for c in seg.concerns
    )


def _answered_in(
    concerns: Sequence[Concern],
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Passage id → the request documents, and the concerns, it was written to answer. A
    reply keyed to a request's asks answered those asks; its passage about ask 20 is no
    answer to that same request's ask 10 unless it carries as much of it as an answer must."""
    docs: dict[str, set[str]] = {}
    ids: dict[str, set[str]] = {}
    for c in concerns:
        for pid in c.paired_passages:
            docs.setdefault(pid, set()).add(c.doc)
            if pid not in c.lent_passages:  # lent to an ask that refers to it: still theirs
                ids.setdefault(pid, set()).add(c.concern_id)
    return docs, ids


def _score(
    concern: Concern,
    answered_in: dict[str, set[str]],
    answered_by: dict[str, set[str]],
    evidence: tuple[Evidence, ...],
    weighted: tuple[tuple[Concept, float], ...],
    concept_vecs: dict[str, np.ndarray],
    vectors: Vectors,
    passages: dict[str, tuple[int, ReplyPassage]],
    docs: dict[str, Document],
    config: Config,
    store: ConceptStore,
) -> ConcernResult:
    if not evidence:
        no_reply = decide(None, None, 0.0, config)
        return ConcernResult(concern, no_reply, (), None, (), Timing.NONE, "", "")
    concepts = [k for k, _ in weighted]
    weights = [w for _, w in weighted]
    primary = evidence[0]
    # a keyed section shared by several asks is read through its most relevant passages
    answer = [e for e in evidence if e.paired][:MAX_ANSWER_PASSAGES] or [primary]
    rows = [passages[e.passage_id][0] for e in answer]
    sent_rows = sentence_rows(vectors, rows)
    text = "\n".join(passages[e.passage_id][1].text for e in answer)
    sentences = [s for e in answer for s in passages[e.passage_id][1].sentences]
    vecs = concept_vecs[concern.concern_id]
    cov = coverage(
        concepts, text, vecs, vectors.sentences[sent_rows], config.concept_similarity, weights
    )
    primary_row = passages[primary.passage_id][0]
    primary_cov = coverage(
        concepts,
        passages[primary.passage_id][1].text,
        vecs,
        vectors.sentences[sentence_rows(vectors, [primary_row])],
        config.concept_similarity,
        weights,
    ).share
    lead_stems = {k.stems for k in store.of(lead_text(concern), imperative_start(concern.text))}
    lead = [(k, w) for k, w in weighted if k.stems in lead_stems]
    signals = replace(
        read_evidence(sentences, cov), refusal_coverage=refusal_coverage(lead, sentences)
    )
    cited = passages[primary.passage_id][1]
    # an explicit stance in an answer written for this ask alone is about it
    own = primary.paired and all(
        answered_by.get(e.passage_id, set()) <= {concern.concern_id} for e in answer
    )
    # a stance in a passage not written for this ask must name as much of it as an answer
    scope = config.stance_scope if primary.paired else config.unpaired_answer_coverage
    # the position is read from the whole answer, in the reply's order
    whole = [s for p in concern.paired_passages if p in passages for s in passages[p][1].sentences]
    stance = _stance(concern, lead, whole if primary.paired else sentences, scope, own)
    for_other = not primary.paired and concern.doc in answered_in.get(cited.passage_id, ())
    decision = decide(
        primary,
        signals,
        primary_cov,
        config,
        written_for_it=bool(concern.paired_passages),
        stance=stance,
        written_for_other=for_other,
    )
    reply = docs[passages[primary.passage_id][1].doc]
    request = docs[concern.doc]
    if decision.reason in (Reason.REFUSAL, Reason.POSITION) and not stance.listed:
        # a position list is the formal position; a keyed note beside it says why
        evidence = _stance_first(evidence, stance, passages)
    return ConcernResult(
        concern,
        decision,
        evidence,
        signals,
        _parts(concern, cov, store),
        timing(request, reply),
        reply.name,
        reply.date,
        primary_cov,
        stance,
        for_other,
    )


def _stance_first(
    evidence: tuple[Evidence, ...],
    stance: Stance,
    passages: dict[str, tuple[int, ReplyPassage]],
) -> tuple[Evidence, ...]:
    """When the stated position decided the verdict, its passage is the one cited."""
    at = next(
        (
            i
            for i, e in enumerate(evidence)
            if e.paired and stance.sentence and stance.sentence in passages[e.passage_id][1].text
        ),
        0,
    )
    if at == 0:
        return evidence
    order = [evidence[at], *evidence[:at], *evidence[at + 1 :]]
    return tuple(replace(e, rank=n) for n, e in enumerate(order, start=1))


# A quoted question's answer is all its paragraphs; a keyed section that several asks share
# ("Recommendation 20" over 25 paragraphs) is read through its most relevant ones.
MAX_ANSWER_PASSAGES = 8


def _stance(
    concern: Concern,
    lead: list[tuple[Concept, float]],
    sentences: list[str],
    scope: float,
    own_answer: bool,
) -> Stance:
    """The stated position: from a position list, or a stance sentence about this ask (any
    explicit stance in an answer written for it alone, 'Rec. 19 … not planning to…')."""

    def about_the_ask(sentence: str) -> bool:
        return refusal_coverage(lead, [sentence], any_sentence=True) >= scope

    position, sentence = stated_position(
        sentences, about_the_ask, concern.listed_position[0], own_answer, concern.text
    )
    if concern.listed_position[0]:
        return Stance(position, True, concern.listed_position[1])
    return Stance(position, False, sentence)


def lead_text(concern: Concern) -> str:
    """The main ask: the first sentence, without its lettered sub-items."""
    first = concern.parts[0].text if concern.parts else ""
    head = concern.text.split(first)[0] if first else concern.text
    return re.split(r"(?<=[.?!])\s+", head.strip(), maxsplit=1)[0]


def _parts(concern: Concern, cov: Coverage, store: ConceptStore) -> tuple[PartMark, ...]:
    """Which lettered parts of a multi-part concern the evidence touched."""
    covered = set(cov.covered)
    marks = []
    for part in concern.parts:
        phrases = [k.phrase for k in store.of(part.text)]
        hit = bool(phrases) and sum(p in covered for p in phrases) * 2 >= len(phrases)
        marks.append(PartMark(part.label, PartState.COVERED if hit else PartState.NOT_COVERED))
    return tuple(marks)


def timing(request: Document, reply: Document) -> Timing:
    """'prior' when the cited reply predates the request: an earlier position, not a response."""
    if request.name == reply.name:
        return Timing.SAME_DOCUMENT
    if not request.date or not reply.date:
        return Timing.UNKNOWN
    n = min(len(request.date), len(reply.date))
    a, b = reply.date[:n], request.date[:n]
    if a < b:
        return Timing.PRIOR
    return Timing.AFTER if a > b or len(reply.date) == len(request.date) else Timing.UNKNOWN
