"""Content-addressed embedding cache under ``embeddings/<model key>/``.

Vectors are stored in shard files named by the sha256 of their own bytes. A shard whose
bytes no longer match its name (torn write, disk error, hand edit) is set aside as
``*.corrupt`` and its texts are embedded again: a damaged entry is never served.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import atomic
from .embed import Embedder, ModelIdentity, text_key


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    corrupt_shards: list[str] = field(default_factory=list)


class EmbeddingCache:
    def __init__(self, root: Path, identity: ModelIdentity) -> None:
        self.folder = root / identity.key
        self.stats = CacheStats()
        self._vectors: dict[str, np.ndarray] | None = None

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            for shard in sorted(self.folder.glob("*.npz")) if self.folder.exists() else []:
                self._read_shard(shard)
        return self._vectors

    def _read_shard(self, shard: Path) -> None:
        assert self._vectors is not None
        data = shard.read_bytes()
        if hashlib.sha256(data).hexdigest() != shard.stem:
            shard.rename(shard.with_suffix(".corrupt"))
            self.stats.corrupt_shards.append(shard.name)
            return
        with np.load(io.BytesIO(data)) as npz:
            keys, vectors = npz["keys"], npz["vectors"]
        for k, v in zip(keys, vectors, strict=True):
            self._vectors[k.decode() if isinstance(k, bytes) else str(k)] = v

    def get_many(self, texts: Sequence[str]) -> tuple[dict[str, np.ndarray], list[str]]:
        """Cached vectors by text, and the texts that are missing."""
        store = self._load()
        found: dict[str, np.ndarray] = {}
        missing: list[str] = []
        for t in dict.fromkeys(texts):
            v = store.get(text_key(t))
            if v is None:
                missing.append(t)
            else:
                found[t] = v
        self.stats.hits += len(found)
        self.stats.misses += len(missing)
        return found, missing

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        if not texts:
            return
        keys = np.array([text_key(t).encode() for t in texts], dtype="S64")
        buf = io.BytesIO()
        np.savez(buf, keys=keys, vectors=vectors.astype(np.float32))
        data = buf.getvalue()
        atomic.write_bytes(self.folder / f"{hashlib.sha256(data).hexdigest()}.npz", data)
        store = self._load()
        for k, v in zip(keys, vectors, strict=True):
            store[k.decode()] = v


def embed_texts(
    texts: Sequence[str], embedder: Embedder, cache: EmbeddingCache | None
) -> np.ndarray:
    """Vectors for `texts` (rows in order), embedding only what the cache lacks."""
    unique = list(dict.fromkeys(texts))
    if cache is None:
        vecs = embedder.encode(unique) if unique else np.zeros((0, 1), np.float32)
        table = dict(zip(unique, vecs, strict=True))
    else:
        table, missing = cache.get_many(unique)
        if missing:
            new = embedder.encode(missing)
            cache.put_many(missing, new)
            table.update(zip(missing, new, strict=True))
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    # stacked once: a second float32 copy was a third of an archive's peak memory
    return np.stack([table[t] for t in texts]).astype(np.float32, copy=False)
