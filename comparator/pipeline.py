"""The analysis, end to end: load → segment → embed → match → score, as plain data."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .cache import CacheStats, EmbeddingCache, embed_texts
from .config import Config
from .corpus import Corpus, Document, require_both_roles
from .embed import Embedder, ModelIdentity
from .lexical import (
    Concept,
    StemText,
    candidates,
    concept_present,
    inverted_index,
    key_concepts,
)
from .match import Evidence, Vectors, match_concerns, sentence_rows
from .score import Decision, decide
from .segment import Concern, ReplyPassage, Segmentation, imperative_start, segment_corpus
from .signals import Coverage, EvidenceSignals, coverage, read_evidence, refusal_coverage


@dataclass(frozen=True)
class ConcernResult:
    """Everything said about one concern: the verdict and what it rests on."""

    concern: Concern
    decision: Decision
    evidence: tuple[Evidence, ...]
    signals: EvidenceSignals | None
    parts_covered: str
    timing: str
    reply_doc: str
    reply_date: str
    primary_coverage: float = 0.0  # coverage by the cited passage alone (relevance test)


@dataclass(frozen=True)
class Analysis:
    corpus: Corpus
    segmentation: Segmentation
    results: tuple[ConcernResult, ...]
    config: Config
    model: ModelIdentity
    cache: CacheStats = field(default_factory=CacheStats)
    warnings: tuple[str, ...] = ()


def analyse(
    corpus: Corpus, config: Config, embedder: Embedder, cache: EmbeddingCache | None
) -> Analysis:
    seg = segment_corpus(corpus, config.passage_max_chars)
    require_both_roles(corpus, sum(c.quoted for c in seg.concerns))
    passage_stems = [StemText(p.text) for p in seg.passages]
    postings = inverted_index(passage_stems)
    concepts = {
        c.concern_id: _informative(
            key_concepts(c.text, imperative_start(c.text)), passage_stems, postings, config
        )
        for c in seg.concerns
    }
    vectors, concept_vecs = _embed(seg, concepts, embedder, cache)
    matches = match_concerns(seg.concerns, seg.passages, vectors, config)
    docs = {d.name: d for d in corpus.documents}
    passages = {p.passage_id: (i, p) for i, p in enumerate(seg.passages)}
    results = tuple(
        _score(
            c,
            matches[c.concern_id],
            concepts[c.concern_id],
            concept_vecs,
            vectors,
            passages,
            docs,
            config,
        )
        for c in seg.concerns
    )
    warnings = tuple(w for d in corpus.documents for w in d.warnings) + seg.warnings
    return Analysis(
        corpus,
        seg,
        results,
        config,
        embedder.identity,
        cache.stats if cache else CacheStats(),
        warnings,
    )


def _informative(
    concepts: Sequence[Concept],
    passage_stems: Sequence[StemText],
    postings: dict[str, set[int]],
    config: Config,
) -> tuple[tuple[Concept, float], ...]:
    """Each concept with its weight (smoothed IDF over reply passages); concepts that most
    passages mention ('United States') prove nothing and are dropped."""
    n = len(passage_stems)
    out = []
    for c in concepts:
        df = sum(concept_present(c, passage_stems[i]) for i in candidates(c, postings))
        if n and df > config.common_concept_share * n:
            continue
        out.append((c, math.log((n + 1) / (df + 1)) + 1.0))
    return tuple(out)


def _embed(
    seg: Segmentation,
    concepts: dict[str, tuple[tuple[Concept, float], ...]],
    embedder: Embedder,
    cache: EmbeddingCache | None,
) -> tuple[Vectors, dict[str, np.ndarray]]:
    concern_texts = [c.text for c in seg.concerns]
    passage_texts = [p.text for p in seg.passages]
    sentences = [s for p in seg.passages for s in p.sentences]
    owner = np.array([i for i, p in enumerate(seg.passages) for _ in p.sentences], dtype=np.int64)
    phrases = sorted({k.phrase for ks in concepts.values() for k, _ in ks})
    everything = concern_texts + passage_texts + sentences + phrases
    vecs = embed_texts(everything, embedder, cache)
    a, b, c = (
        len(concern_texts),
        len(concern_texts) + len(passage_texts),
        len(everything) - len(phrases),
    )
    phrase_vec = dict(zip(phrases, vecs[c:], strict=True))
    concept_vecs = {
        cid: np.stack([phrase_vec[k.phrase] for k, _ in ks]) if ks else np.zeros((0, 1))
        for cid, ks in concepts.items()
    }
    return Vectors(vecs[:a], vecs[a:b], vecs[b:c], owner), concept_vecs


def _score(
    concern: Concern,
    evidence: tuple[Evidence, ...],
    weighted: tuple[tuple[Concept, float], ...],
    concept_vecs: dict[str, np.ndarray],
    vectors: Vectors,
    passages: dict[str, tuple[int, ReplyPassage]],
    docs: dict[str, Document],
    config: Config,
) -> ConcernResult:
    if not evidence:
        return ConcernResult(concern, decide(None, None, 0.0, config), (), None, "", "", "", "")
    concepts = [k for k, _ in weighted]
    weights = [w for _, w in weighted]
    primary = evidence[0]
    answer = [e for e in evidence if e.paired] or [primary]
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
    lead_stems = {k.stems for k in key_concepts(lead_text(concern), imperative_start(concern.text))}
    lead = [(k, w) for k, w in weighted if k.stems in lead_stems]
    signals = replace(
        read_evidence(sentences, cov), refusal_coverage=refusal_coverage(lead, sentences)
    )
    decision = decide(
        primary, signals, primary_cov, config, written_for_it=bool(concern.paired_passages)
    )
    reply = docs[passages[primary.passage_id][1].doc]
    request = docs[concern.doc]
    return ConcernResult(
        concern,
        decision,
        evidence,
        signals,
        _parts(concern, cov),
        timing(request, reply),
        reply.name,
        reply.date,
        primary_cov,
    )


def lead_text(concern: Concern) -> str:
    """The main ask: the first sentence, without its lettered sub-items."""
    first = concern.parts[0].text if concern.parts else ""
    head = concern.text.split(first)[0] if first else concern.text
    return re.split(r"(?<=[.?!])\s+", head.strip(), maxsplit=1)[0]


def _parts(concern: Concern, cov: Coverage) -> str:
    """Which lettered parts of a multi-part concern the evidence touched."""
    if not concern.parts:
        return ""
    covered = set(cov.covered)
    marks = []
    for part in concern.parts:
        phrases = [k.phrase for k in key_concepts(part.text)]
        hit = bool(phrases) and sum(p in covered for p in phrases) * 2 >= len(phrases)
        marks.append(f"{part.label}:{'covered' if hit else 'not covered'}")
    return "; ".join(marks)


def timing(request: Document, reply: Document) -> str:
    """'prior' when the cited reply predates the request: an earlier position, not a response."""
    if request.name == reply.name:
        return "same-document"
    if not request.date or not reply.date:
        return "unknown"
    n = min(len(request.date), len(reply.date))
    a, b = reply.date[:n], request.date[:n]
    if a < b:
        return "prior"
    return "after" if a > b or len(reply.date) == len(request.date) else "unknown"
