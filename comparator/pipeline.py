"""The analysis, end to end: the stages in the order they run, each a module of its own.

load (`corpus`) → outline, segment and link (`segment`) → key concepts and their weights
(`concepts`) → embed (`vectors`) → match (`match`) → verdicts (`verdicts`); the rows and
files are made from the result by `export` and `runs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cache import CacheStats, EmbeddingCache
from .concepts import ConceptStore, weigh_concepts
from .config import Config
from .corpus import require_both_roles
from .documents import Corpus
from .embed import Embedder, ModelIdentity
from .errors import InputError
from .match import match_concerns
from .segment import Segmentation, segment_corpus
from .threads import allowed_passages, restrict
from .vectors import embed_segmentation
from .verdicts import ConcernResult, judge_all

__all__ = ["Analysis", "ConcernResult", "analyse"]


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
    threads = allowed_passages(corpus, seg)  # in_reply_to: each reply answers its requests
    seg = restrict(seg, threads)
    require_both_roles(corpus, sum(c.quoted for c in seg.concerns))
    if not seg.concerns:
        raise InputError(_no_concerns(corpus))
    store = ConceptStore(cache.folder.parent if cache else None)
    concepts = weigh_concepts(seg, store, config)
    vectors, concept_vecs = embed_segmentation(seg, concepts, embedder, cache)
    matches = match_concerns(seg.concerns, seg.passages, vectors, config, allowed=threads)
    results = judge_all(corpus, seg, matches, concepts, concept_vecs, vectors, config, store)
    unstored = store.save()
    warnings = tuple(w for d in corpus.documents for w in d.warnings) + seg.warnings
    warnings += (unstored,) if unstored else ()
    stats = cache.stats if cache else CacheStats()
    return Analysis(corpus, seg, results, config, embedder.identity, stats, warnings)


def _no_concerns(corpus: Corpus) -> str:
    """Why a run found nothing to judge, and the fix: most often a role taken wrongly."""
    roles = ", ".join(
        f"{d.name} as {d.role}{' (inferred)' if 'role' in d.inferred else ''}"
        for d in corpus.documents
    )
    return (
        f"{corpus.root}: no concerns found in any request (read {roles}); if a role is wrong, "
        f'set role = "request" or "reply" for that file in {corpus.root}/corpus.toml'
    )
