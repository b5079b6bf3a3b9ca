"""Benchmarks that print figures, each against a baseline measured in the same run.

Never a timed test: speed depends on the machine, so these only report.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .config import Config
from .corpus import load_corpus
from .match import top_k_cosine
from .segment import segment_corpus

SCALES: dict[str, dict[str, Any]] = {
    "tiny": {"matching": [(100, 1_000), (200, 2_000)], "lexical": [1_000, 2_000], "repeat": 1},
    "quick": {
        "matching": [(1_000, 10_000), (10_000, 10_000), (1_000, 100_000)],
        "lexical": [10_000, 100_000],
        "repeat": 2,
    },
    "full": {
        "matching": [
            (1_000, 10_000),
            (10_000, 10_000),
            (100_000, 10_000),
            (1_000, 100_000),
            (10_000, 100_000),
        ],
        "lexical": [10_000, 100_000],
        "repeat": 3,
    },
}
SECTIONS = ("throughput", "retrieval", "cold-warm", "matching", "lexical", "concepts", "scale")


@dataclass(frozen=True)
class Figure:
    section: str
    name: str
    value: str
    baseline: str
    ratio: str


def timed(func: Callable[[], object], repeat: int = 1) -> tuple[float, int]:
    """Best wall time over `repeat` runs and the peak traced allocation (bytes)."""
    best = float("inf")
    peak = 0
    for _ in range(repeat):
        tracemalloc.start()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return best, peak


def seed_texts(corpus_dir: Path) -> list[str]:
    seg = segment_corpus(load_corpus(corpus_dir))
    return (
        [c.text for c in seg.concerns]
        + [p.text for p in seg.passages]
        + [s for p in seg.passages for s in p.sentences]
    )


def throughput(
    corpus_dir: Path, config: Config, device: str | None, repeat: int
) -> Iterator[Figure]:
    """The pipeline's encode (canonical order, batches) against raw SentenceTransformer.encode."""
    from .embed import SentenceTransformerEmbedder

    texts = seed_texts(corpus_dir)
    embedder = SentenceTransformerEmbedder(config.model, config.batch_size, device)
    model: Any = embedder._load()
    model.encode(texts[:32], batch_size=config.batch_size)  # warm-up
    raw_t, _ = timed(
        lambda: model.encode(texts, batch_size=config.batch_size, normalize_embeddings=True), repeat
    )
    ours_t, _ = timed(lambda: embedder.encode(texts), repeat)
    raw, ours = len(texts) / raw_t, len(texts) / ours_t
    yield Figure(
        "throughput",
        f"pipeline encode, {len(texts)} seed texts",
        f"{ours:.1f} texts/s",
        f"raw encode {raw:.1f} texts/s",
        f"{ours / raw:.2f}",
    )


def retrieval(corpus_dir: Path, config: Config, device: str | None) -> Iterator[Figure]:
    """Top-1 answer block for each quoted question: dense only, BM25 only, fused."""
    from .bm25 import LexicalIndex
    from .cache import embed_texts
    from .embed import SentenceTransformerEmbedder
    from .match import fused_scores

    seg = segment_corpus(load_corpus(corpus_dir))
    quoted = [c for c in seg.concerns if c.paired_passages]
    embedder = SentenceTransformerEmbedder(config.model, config.batch_size, device)
    q = embed_texts([c.text for c in quoted], embedder, None)
    p = embed_texts([x.text for x in seg.passages], embedder, None)
    index = LexicalIndex([x.text for x in seg.passages])
    dense = q @ p.T
    lexical = np.stack([index.scores(c.text) for c in quoted])
    fused, scaled = fused_scores(dense, lexical, config.dense_weight)
    owner = [x.answers for x in seg.passages]

    def hits(scores: np.ndarray) -> int:
        total = 0
        for row, concern in zip(scores, quoted, strict=True):
            blocks = {
                b: max(float(row[i]) for i, o in enumerate(owner) if o == b)
                for b in set(owner)
                if b
            }
            total += max(sorted(blocks), key=lambda b: blocks[b]) == concern.concern_id
        return total

    base = hits(dense)
    for name, scores in (
        ("BM25 only", scaled),
        (f"fused (dense weight {config.dense_weight})", fused),
    ):
        got = hits(scores)
        yield Figure(
            "retrieval",
            f"{name}: right answer block first",
            f"{got}/{len(quoted)}",
            f"dense only {base}/{len(quoted)}",
            f"{got / max(base, 1):.2f}",
        )


def cold_warm(corpus_dir: Path, model: str) -> Iterator[Figure]:
    """Whole-process wall time of `comparator run` with an empty, then a full, cache."""
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "import sys, time\nt = time.perf_counter()\nfrom comparator.cli import cli\n"
            "try:\n    cli(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code\n"
            "print('torch imported:', 'torch' in sys.modules, file=sys.stderr)\n"
        )
        args = [
            sys.executable,
            "-c",
            code,
            "run",
            str(corpus_dir),
            "--model",
            model,
            "--out",
            f"{tmp}/r",
            "--cache",
            f"{tmp}/c",
            "--force",
        ]
        results = []
        for _ in range(2):
            start = time.perf_counter()
            done = subprocess.run(args, capture_output=True, text=True, check=True)
            results.append((time.perf_counter() - start, "torch imported: True" in done.stderr))
    (cold, cold_torch), (warm, warm_torch) = results
    yield Figure(
        "cold-warm",
        "warm run (all embeddings cached)",
        f"{warm:.2f} s",
        f"cold run {cold:.2f} s",
        f"{warm / cold:.2f}",
    )
    yield Figure(
        "cold-warm",
        "torch imported in warm run",
        "yes" if warm_torch else "no",
        f"cold run: {'yes' if cold_torch else 'no'}",
        "",
    )


def unit_vectors(rows: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((rows, dim), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def matching(sizes: list[tuple[int, int]], repeat: int, dim: int = 384) -> Iterator[Figure]:
    """Chunked top-k: time per million pairs should stay flat (linear), memory bounded."""
    base_rate = None
    for n_q, n_p in sizes:
        q, p = unit_vectors(n_q, dim, 1), unit_vectors(n_p, dim, 2)
        secs, peak = timed(functools.partial(top_k_cosine, q, p, 5, chunk_rows=256), repeat)
        rate = secs / (n_q * n_p / 1e6)
        base_rate = base_rate or rate
        full = n_q * n_p * 4 / 2**20
        yield Figure(
            "matching",
            f"top-5 of {n_q:,} concerns x {n_p:,} passages",
            f"{secs:.2f} s, peak {peak / 2**20:.0f} MiB",
            f"unchunked matrix would be {full:,.0f} MiB",
            f"{rate / base_rate:.2f} (s per pair vs smallest)",
        )


def synthetic_passages(n: int, seed: int = 7, words: int = 40) -> list[str]:
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}x" for i in range(20_000)]
    ranks = np.minimum(rng.zipf(1.3, size=(n, words)), len(vocab)) - 1
    return [" ".join(vocab[r] for r in row) for row in ranks]


def _score_all(index: Any, queries: list[str]) -> list[np.ndarray]:
    return [index.scores(q) for q in queries]


def lexical(sizes: list[int], repeat: int) -> Iterator[Figure]:
    """BM25 index build and scoring of every passage for 100 queries, as the corpus grows."""
    from .bm25 import LexicalIndex

    queries = synthetic_passages(100, seed=11, words=12)
    base = None
    for n in sizes:
        docs = synthetic_passages(n)
        build, peak = timed(functools.partial(LexicalIndex, docs), 1)
        index = LexicalIndex(docs)
        score, _ = timed(functools.partial(_score_all, index, queries), repeat)
        per = score / len(queries) * 1e3
        base = base or (build / n, per / n)
        yield Figure(
            "lexical",
            f"BM25 over {n:,} synthetic passages",
            f"index {build:.2f} s (peak {peak / 2**20:.0f} MiB), {per:.1f} ms/query",
            f"per-passage cost vs {sizes[0]:,}",
            f"build {build / n / base[0]:.2f}, query {per / n / base[1]:.2f}",
        )


def _fresh_import(module: str) -> float:
    """Seconds a fresh interpreter takes to import `module`."""
    code = f"import time\nt = time.perf_counter()\nimport {module}\nprint(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def concept_extraction(corpus_dir: Path, repeat: int) -> Iterator[Figure]:
    """Noun-phrase concepts of every seed concern: against TextBlob's raw parse of the same
    texts, and a warm run's read of the stored concepts against extracting them."""
    from textblob.en import parse

    from .concepts import ConceptStore, key_concepts
    from .segment import imperative_start

    texts = [c.text for c in segment_corpus(load_corpus(corpus_dir)).concerns]
    imp = [imperative_start(t) for t in texts]
    key_concepts(texts[0])  # lexicon loaded
    ours, _ = timed(lambda: [key_concepts(t, i) for t, i in zip(texts, imp, strict=True)], repeat)
    raw, _ = timed(lambda: [parse(t, chunks=True, relations=False) for t in texts], repeat)
    yield Figure(
        "concepts",
        f"concept extraction, {len(texts)} seed concerns",
        f"{ours:.2f} s",
        f"raw TextBlob parse {raw:.2f} s",
        f"{ours / raw:.2f}",
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = ConceptStore(Path(tmp))
        for t, i in zip(texts, imp, strict=True):
            store.of(t, i)
        store.save()

        def read() -> None:
            stored = ConceptStore(Path(tmp))
            for t, i in zip(texts, imp, strict=True):
                stored.of(t, i)

        warm, _ = timed(read, repeat)
    yield Figure(
        "concepts",
        "stored concepts (warm run)",
        f"{warm:.3f} s",
        f"extraction {ours:.2f} s",
        f"{warm / ours:.3f}",
    )
    load, base = _fresh_import("textblob.en"), _fresh_import("numpy")
    yield Figure(
        "concepts",
        "chunker import, fresh interpreter (cold run only)",
        f"{load:.2f} s",
        f"import numpy {base:.2f} s",
        f"{load / base:.1f}",
    )


def run(
    sections: tuple[str, ...], scale: str, corpus_dir: Path, config: Config, device: str | None
) -> Iterator[Figure]:
    plan = SCALES[scale]
    if "throughput" in sections:
        yield from throughput(corpus_dir, config, device, plan["repeat"])
    if "retrieval" in sections:
        yield from retrieval(corpus_dir, config, device)
    if "cold-warm" in sections:
        yield from cold_warm(corpus_dir, config.model)
    if "matching" in sections:
        yield from matching(plan["matching"], plan["repeat"])
    if "lexical" in sections:
        yield from lexical(plan["lexical"], plan["repeat"])
    if "concepts" in sections:
        yield from concept_extraction(corpus_dir, plan["repeat"])
