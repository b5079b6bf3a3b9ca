"""Every text a run compares, embedded once: concerns, passages, sentences, concept phrases."""

from __future__ import annotations

import numpy as np

from .cache import EmbeddingCache, embed_texts
from .concepts import Concept
from .embed import Embedder
from .match import Vectors
from .segment import Segmentation


def embed_segmentation(
    seg: Segmentation,
    concepts: dict[str, tuple[tuple[Concept, float], ...]],
    embedder: Embedder,
    cache: EmbeddingCache | None,
) -> tuple[Vectors, dict[str, np.ndarray]]:
    """The run's vectors (rows in segmentation order) and each concern's concept vectors."""
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
