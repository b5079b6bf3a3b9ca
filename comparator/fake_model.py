"""A stand-in embedding model: a hashed bag of stemmed words, for tests, demos and the scale
benchmark. A run chooses it with `--model comparator-fake`; its identity (name, package
"comparator", version 1, zero weights hash) is in every manifest it makes, so a fake run
never passes for a real one, and it shares no cache folder with a real model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from .embed import ModelIdentity
from .lexical import stems


class FakeEmbedder:
    """Deterministic hashed bag of stemmed words, for fast offline tests.

    Texts that share words get similar vectors, so retrieval logic behaves sensibly.
    """

    NAME = "comparator-fake"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.identity = ModelIdentity(self.NAME, "comparator", "1", "0" * 64, "", dim)
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in stems(text):
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
                out[i, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)
