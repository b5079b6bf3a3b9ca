"""Content-addressed embedding cache under ``embeddings/<model key>/``.

Vectors are stored in shard files named by the sha256 of their own bytes. A shard whose
bytes no longer match its name (torn write, disk error, hand edit), that does not load
as plain arrays (no pickles), or whose vectors are not unit-length rows of the model's
length, is removed with a warning and its texts are embedded again: a damaged entry is
never served. Temp files that killed writers left are removed too. When the cache cannot
be written (read-only, disk full) the run goes on without it and says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import atomic
from .embed import Embedder, ModelIdentity, text_key
from .files import NotARegularFile, read_regular

UNIT_TOLERANCE = 1e-3  # float32 vectors normalised by the model are within 1e-6 of 1


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    corrupt_shards: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings for the user


class EmbeddingCache:
    def __init__(self, root: Path, identity: ModelIdentity) -> None:
        self.folder = root / identity.key
        self.dim = identity.dim
        self.stats = CacheStats()
        self.writable = True
        self._vectors: dict[str, np.ndarray] | None = None

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            if self.folder.is_dir():
                self._clean_leftovers()
                for shard in sorted(self.folder.glob("*.npz")):
                    self._read_shard(shard)
        return self._vectors

    def _clean_leftovers(self) -> None:
        atomic.remove_stale_temps(self.folder)
        for old in self.folder.glob("*.corrupt"):  # set aside by earlier versions
            with contextlib.suppress(OSError):
                old.unlink()

    def _read_shard(self, shard: Path) -> None:
        assert self._vectors is not None
        try:
            data = read_regular(shard)
        except NotARegularFile as e:
            self._set_aside(shard, e.strerror or "not a regular file")
            return
        except OSError:
            return
        problem = self._problem(shard, data)
        if isinstance(problem, str):
            self._set_aside(shard, problem)
            return
        keys, vectors = problem
        for k, v in zip(keys, vectors, strict=True):
            self._vectors[k.decode()] = v

    def _problem(self, shard: Path, data: bytes) -> str | tuple[np.ndarray, np.ndarray]:
        """What is wrong with a shard, or its keys and vectors when nothing is."""
        if hashlib.sha256(data).hexdigest() != shard.stem:
            return "its bytes do not match its hash"
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                keys, vectors = npz["keys"], npz["vectors"]
        except Exception:  # numpy raises many kinds for bytes that are not an .npz
            return "it is not an array file"
        if keys.dtype != np.dtype("S64") or keys.ndim != 1:
            return "its keys are not text hashes"
        if vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != len(keys):
            return "its vectors are not one float32 row per key"
        dim = self.dim or self._seen_dim(vectors.shape[1])
        if vectors.shape[1] != dim:
            return f"its vectors have {vectors.shape[1]} dimensions, the model's {dim}"
        norms = np.linalg.norm(vectors, axis=1)
        # the fake embedder gives a text without words the zero vector
        if not np.all((np.abs(norms - 1.0) < UNIT_TOLERANCE) | (norms == 0)):
            return "its vectors are not unit-length"
        return keys, vectors

    def _seen_dim(self, dim: int) -> int:
        """Without a declared length, the first good shard sets it."""
        if self._vectors:
            return int(next(iter(self._vectors.values())).shape[0])
        return dim

    def _set_aside(self, shard: Path, problem: str) -> None:
        with contextlib.suppress(OSError):
            shard.unlink()
        self.stats.corrupt_shards.append(shard.name)
        self.stats.notes.append(
            f"embedding cache: {shard.name[:12]}… in {self.folder} was removed ({problem}); "
            "its texts were embedded again"
        )

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
        store = self._load()
        for k, v in zip(keys, vectors, strict=True):
            store[k.decode()] = v
        if not self.writable:
            return
        buf = io.BytesIO()
        np.savez(buf, keys=keys, vectors=vectors.astype(np.float32))
        data = buf.getvalue()
        try:
            atomic.write_bytes(self.folder / f"{hashlib.sha256(data).hexdigest()}.npz", data)
        except OSError as e:
            self.writable = False
            self.stats.notes.append(
                f"cannot write the embedding cache in {self.folder} ({e.strerror}); went on "
                "without caching, so the next run embeds these texts again"
            )


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
