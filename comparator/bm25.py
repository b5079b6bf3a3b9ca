"""Lexical retrieval: BM25 (bm25s) over reply passages, on Snowball stems."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .lexical import stems


class LexicalIndex:
    """BM25 over reply passages (bm25s, Snowball stems)."""

    def __init__(self, passages: Sequence[str]) -> None:
        import bm25s

        self._n = len(passages)
        self._retriever = bm25s.BM25()
        self._retriever.index([stems(p) or ["_"] for p in passages], show_progress=False)
        # read once: a copy per query made each query cost the whole vocabulary
        self._vocab = frozenset(self._retriever.vocab_dict)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (0 where nothing is shared)."""
        tokens = [t for t in stems(query) if t in self._vocab]
        if not tokens or self._n == 0:
            return np.zeros(self._n, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
