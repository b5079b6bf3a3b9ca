"""The embedding cache: hits skip the model, damaged shards are recomputed, never served."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np

from comparator.cache import EmbeddingCache, embed_texts
from comparator.fake_model import FakeEmbedder

from .conftest import MINI, ROOT


def test_second_call_is_served_from_the_cache(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    first = embed_texts(["a b", "c d", "a b"], fake, EmbeddingCache(tmp_path, fake.identity))
    assert fake.calls == 1
    again = embed_texts(["c d", "a b"], fake, EmbeddingCache(tmp_path, fake.identity))
    assert fake.calls == 1
    np.testing.assert_array_equal(again, first[[1, 0]])


def test_a_damaged_shard_is_removed_and_recomputed(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    embed_texts(["asylum access"], fake, EmbeddingCache(tmp_path, fake.identity))
    (shard,) = (tmp_path / fake.identity.key).glob("*.npz")
    data = bytearray(shard.read_bytes())
    data[-20] ^= 0xFF
    shard.write_bytes(bytes(data))
    cache = EmbeddingCache(tmp_path, fake.identity)
    vec = embed_texts(["asylum access"], fake, cache)
    assert fake.calls == 2
    assert cache.stats.corrupt_shards == [shard.name]
    assert any("do not match its hash" in note for note in cache.stats.notes)
    # the damaged bytes are gone: the shard there now is the rebuilt one, true to its name
    assert hashlib.sha256(shard.read_bytes()).hexdigest() == shard.stem
    assert not shard.with_suffix(".corrupt").exists()
    np.testing.assert_allclose(np.linalg.norm(vec), 1.0, rtol=1e-5)


def test_a_cached_run_does_not_import_torch_or_the_chunker(tmp_path: Path) -> None:
    """The second run finds every embedding and every concept stored: neither torch nor the
    noun-phrase chunker (TextBlob, NLTK) is imported; the first run did import the chunker."""
    code = (
        "import sys\n"
        "from comparator.cli import cli\n"
        "try:\n"
        f"    cli(['run', {str(MINI)!r}, '--model', 'comparator-fake', '--out', "
        f"{str(tmp_path / 'r')!r}, '--cache', {str(tmp_path / 'c')!r}, '--force'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)\n"
        "print('NLTK' if 'nltk' in sys.modules else 'NO-NLTK', file=sys.stderr)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        ).stderr
        for _ in range(2)
    ]
    assert "NLTK" in runs[0].split()
    assert "NO-TORCH" in runs[1] and "NO-NLTK" in runs[1]
