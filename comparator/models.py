"""Which embedding model a run uses: the packaged sentence-transformers model named in the
configuration, or the fake one (`comparator-fake`) for tests and demos."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .config import Config
from .embed import Embedder, SentenceTransformerEmbedder
from .fake_model import FakeEmbedder


def make_embedder(
    config: Config,
    device: str | None,
    on_progress: Callable[[int, int], None] | None = None,
    cache_root: Path | None = None,
) -> Embedder:
    """The configured model (loaded only when a text is missing from the cache); the
    weights' hash is remembered in `cache_root` (and nowhere else)."""
    if config.model == FakeEmbedder.NAME:
        return FakeEmbedder()
    return SentenceTransformerEmbedder(
        config.model, config.batch_size, device, on_progress, memo_dir=cache_root
    )
