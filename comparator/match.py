"""Retrieval: rank reply passages for each concern by dense cosine fused with BM25.

A quoted question's own paired answer is always its primary evidence; other concerns
are matched against every reply passage of the corpus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .bm25 import LexicalIndex
from .config import Config
from .segment import Concern, ReplyPassage


@dataclass(frozen=True)
class Evidence:
    """One reply passage offered as evidence for a concern, with every retrieval signal."""

    passage_id: str
    rank: int
    dense: float
    lexical: float
    fused: float
    sentence: str
    sentence_similarity: float
    paired: bool


@dataclass(frozen=True)
class Vectors:
    concerns: np.ndarray
    passages: np.ndarray
    sentences: np.ndarray
    sentence_owner: np.ndarray  # passage row of each sentence row (sorted: passage order)


def sentence_rows(vectors: Vectors, passage_rows: Sequence[int]) -> np.ndarray:
    """Rows of `vectors.sentences` that belong to the given passages."""
    bounds = np.searchsorted(vectors.sentence_owner, [(r, r + 1) for r in passage_rows])
    parts = [np.arange(lo, hi) for lo, hi in bounds.reshape(-1, 2)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def top_k_cosine(
    queries: np.ndarray, docs: np.ndarray, k: int, chunk_rows: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k docs by dot product (cosine for unit vectors), chunked to bound memory.

    Ties are broken by the lower document index, so results are reproducible.
    Returns (indices, scores), each of shape (len(queries), min(k, len(docs))).
    """
    k = min(k, docs.shape[0])
    idx = np.zeros((queries.shape[0], k), dtype=np.int64)
    val = np.zeros((queries.shape[0], k), dtype=np.float32)
    for start in range(0, queries.shape[0], chunk_rows):
        block = queries[start : start + chunk_rows] @ docs.T
        i, v = _top_k_rows(block, k)
        idx[start : start + len(block)], val[start : start + len(block)] = i, v
    return idx, val


def _top_k_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    if k < scores.shape[1]:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        # widen to every column tied with the k-th score so tie-breaking is by index
        kth = np.take_along_axis(scores, part, axis=1).min(axis=1, keepdims=True)
        cand = [np.flatnonzero(row >= t) for row, t in zip(scores, kth, strict=True)]
    else:
        cand = [np.arange(scores.shape[1])] * scores.shape[0]
    idx = np.zeros((scores.shape[0], k), dtype=np.int64)
    for r, c in enumerate(cand):
        order = np.lexsort((c, -scores[r, c]))[:k]
        idx[r] = c[order]
    return idx, np.take_along_axis(scores, idx, axis=1).astype(np.float32)


def fused_scores(
    dense: np.ndarray, lexical: np.ndarray, dense_weight: float
) -> tuple[np.ndarray, np.ndarray]:
    """Dense cosine plus BM25 scaled to each concern's best passage (0..1), row by row.

    Returns (fused, scaled BM25); 1-D inputs are one concern.
    """
    top = lexical.max(axis=-1, keepdims=True) if lexical.size else np.zeros_like(lexical)
    scaled = np.divide(lexical, top, out=np.zeros_like(lexical, dtype=np.float32), where=top > 0)
    return dense_weight * dense + (1.0 - dense_weight) * scaled, scaled


def match_concerns(
    concerns: Sequence[Concern],
    passages: Sequence[ReplyPassage],
    vectors: Vectors,
    config: Config,
    chunk_rows: int = 256,
    allowed: Mapping[str, np.ndarray] | None = None,
) -> dict[str, tuple[Evidence, ...]]:
    """Ranked evidence per concern id: paired answer passages first, then the best of the rest.

    Concerns are scored in chunks against all passages, so memory stays at
    chunk_rows x passages floats however large the corpus. `allowed` (request file →
    mask over passages) keeps a request's concerns to the replies of its exchange.
    """
    if not passages:
        return {c.concern_id: () for c in concerns}
    index = LexicalIndex([p.text for p in passages])
    row_of = {p.passage_id: i for i, p in enumerate(passages)}
    out: dict[str, tuple[Evidence, ...]] = {}
    for start in range(0, len(concerns), chunk_rows):
        chunk = concerns[start : start + chunk_rows]
        dense = vectors.concerns[start : start + len(chunk)] @ vectors.passages.T
        lexical = np.stack([index.scores(c.text) for c in chunk])
        fused, scaled = fused_scores(dense, lexical, config.dense_weight)
        masks = _masks(chunk, allowed, len(passages))
        best, _ = _top_k_rows(np.where(masks, fused, -np.inf), min(len(passages), config.top_k + 1))
        for j, concern in enumerate(chunk):
            paired = [row_of[p] for p in concern.paired_passages if p in row_of]
            others = [int(i) for i in best[j] if int(i) not in paired and masks[j, int(i)]]
            others = others[: config.top_k]
            rows = _rank_paired(paired, fused[j], _opens_with_answer(concern, passages, paired))
            rows += others
            ci = start + j
            out[concern.concern_id] = tuple(
                _evidence(
                    r, rank, passages, vectors, ci, dense[j], scaled[j], fused[j], r in paired
                )
                for rank, r in enumerate(rows, start=1)
            )
    return out


def _masks(
    chunk: Sequence[Concern], allowed: Mapping[str, np.ndarray] | None, n: int
) -> np.ndarray:
    """Which passages each concern of the chunk may be matched with (all, by default)."""
    everything = np.ones(n, dtype=bool)
    if not allowed:
        return np.ones((len(chunk), n), dtype=bool)
    return np.stack([allowed.get(c.doc, everything) for c in chunk])


def _opens_with_answer(concern: Concern, passages: Sequence[ReplyPassage], rows: list[int]) -> bool:
    """A quoted question's answer, and a keyed note ('Rec. 18 We consider…'), open with the
    answer; a keyed section shared by several asks ('Recommendation 20' over 25 paragraphs
    answering three) does not, so its passages are ranked by relevance alone."""
    if not rows:
        return False
    return concern.link == "quote" or bool(passages[rows[0]].keys and passages[rows[0]].labelled)


def _rank_paired(rows: list[int], fused: np.ndarray, first_is_answer: bool = True) -> list[int]:
    """A point-by-point answer opens with its answer: its first paragraph is cited first,
    the rest of the answer follows by relevance (all of it is scored)."""
    if not rows:
        return []
    if not first_is_answer:
        return sorted(rows, key=lambda r: (-fused[r], r))
    return [rows[0], *sorted(rows[1:], key=lambda r: (-fused[r], r))]


def _evidence(
    row: int,
    rank: int,
    passages: Sequence[ReplyPassage],
    vectors: Vectors,
    ci: int,
    dense: np.ndarray,
    lexical: np.ndarray,
    fused: np.ndarray,
    paired: bool,
) -> Evidence:
    sent_rows = sentence_rows(vectors, [row])
    passage = passages[row]
    if len(sent_rows):
        sims = vectors.sentences[sent_rows] @ vectors.concerns[ci]
        best = int(np.argmax(sims))
        sentence, sim = passage.sentences[best], float(sims[best])
    else:
        sentence, sim = passage.text, float(dense[row])
    return Evidence(
        passage.passage_id,
        rank,
        float(dense[row]),
        float(lexical[row]),
        float(fused[row]),
        sentence,
        sim,
        paired,
    )
