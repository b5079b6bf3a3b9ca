"""Scale end to end: a generated archive of N documents through every stage of a run.

Each size runs in a child process of its own, so its peak RSS (``ru_maxrss``) is that
size's alone. The sizes run with the fake embedder at the real model's width (384), so the
vectors weigh what they would; the real model is measured once on a sample of the same
texts and its time at each size is extrapolated from that rate. Figures only: speed is
never asserted.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ComparatorError
from .fake_model import FakeEmbedder

STAGES = ("ingest", "segment", "link", "concepts", "embed", "match", "score", "write")
DEFAULT_SIZES = (10, 100, 1_000)
REAL_SAMPLE = 400  # texts encoded with the real model, twice each way: ~1 min on 2 CPU cores
FAKE_DIM = 384  # all-MiniLM-L6-v2's width, so the fake vectors weigh what real ones do


@dataclass(frozen=True)
class StageFigure:
    """One stage at one size: wall time, peak RSS so far, and its limit measured alongside."""

    docs: int
    stage: str
    seconds: float
    peak_rss_mib: float
    cpu_seconds: float | None = None  # this process's CPU time: steadier on a shared machine
    limit: str = ""  # what the stage is compared with, e.g. "plain read 0.01 s"
    ratio: float | None = None  # stage time / limit time
    growth: float | None = None  # CPU (else wall) time per document against the previous size's

    @property
    def cost(self) -> float:
        """CPU time where measured (steady under contention), else wall time."""
        return self.cpu_seconds if self.cpu_seconds is not None else self.seconds


@dataclass(frozen=True)
class SizeRun:
    docs: int
    concerns: int
    passages: int
    texts: int
    stages: tuple[StageFigure, ...]
    peak_rss_mib: float


@dataclass(frozen=True)
class RealRate:
    """The real model on a sample: texts per second, raw encode's, and what loading it costs."""

    texts: int
    rate: float
    raw_rate: float
    model_rss_mib: float
    device: str


@dataclass
class _Clock:
    figures: list[dict[str, Any]] = field(default_factory=list)

    def stage(self, name: str, func: Callable[[], Any], **extra: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        out = func()
        self.figures.append(
            {
                "stage": name,
                "seconds": time.perf_counter() - start,
                "cpu": time.process_time() - cpu,
                "rss": peak_rss_mib(),
                **extra,
            }
        )
        return out


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def _best(func: Callable[[], Any], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


# Stages inside `pipeline.analyse`, timed by wrapping the functions it calls (so the bench
# follows the pipeline as it changes); "concepts" is the rest of analyse (key concepts and
# their weights, which run between segmentation and embedding).
WRAPPED = (
    ("link", "comparator.segment", "link_exchanges"),
    ("segment", "comparator.pipeline", "segment_corpus"),
    ("embed", "comparator.pipeline", "embed_segmentation"),
    ("match", "comparator.pipeline", "match_concerns"),
    ("score", "comparator.pipeline", "judge_all"),
)


@dataclass
class _Spans:
    """Time and peak RSS of each wrapped function, summed over its calls."""

    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    rss_in: dict[str, float] = field(default_factory=dict)  # peak when the stage began
    args: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def wrap(self, stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            self.rss_in.setdefault(stage, peak_rss_mib())
            start, cpu = time.perf_counter(), time.process_time()
            out = func(*args, **kwargs)
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start
            self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - cpu
            self.rss[stage] = peak_rss_mib()
            self.args.setdefault(stage, args)
            return out

        return timed_call

    def install(self) -> None:
        import importlib

        for stage, module_name, name in WRAPPED:
            module = importlib.import_module(module_name)
            if hasattr(module, name):  # a renamed helper folds into "concepts"
                setattr(module, name, self.wrap(stage, getattr(module, name)))


class _CountingFake(FakeEmbedder):
    """The fake embedder, counting the texts it is asked for (each distinct text once)."""

    texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return super().encode(texts)


def run_size(corpus_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Every stage of `comparator run` on one corpus, timed, with the limits beside them."""
    from . import atomic, pipeline, runs
    from .config import Config
    from .corpus import load_corpus

    config, embedder, clock, spans = Config(), _CountingFake(FAKE_DIM), _Clock(), _Spans()
    spans.install()
    files = sorted(corpus_dir.glob("*.txt"))
    read = _best(lambda: [p.read_bytes().decode("utf-8") for p in files], 3)
    corpus = clock.stage("ingest", lambda: load_corpus(corpus_dir), limit=("plain read", read))
    analysis = clock.stage("analyse", lambda: pipeline.analyse(corpus, config, embedder, None))

    def write() -> None:
        for name, data in runs.render_files(analysis, "run-scale")[0].items():
            atomic.write_bytes(out_dir / name, data)

    clock.stage("write", write)
    stages = [clock.figures[0], *_split(clock.figures[1], spans, read), clock.figures[2]]
    concerns, passages, vectors = spans.args.get("match", ((), (), None))[:3]
    seg = analysis.segmentation
    return {
        "docs": len(corpus.documents),
        "concerns": len(seg.concerns),
        "passages": len(seg.passages),
        "texts": embedder.texts,
        "stages": stages,
        "limits": match_limits(concerns, passages, vectors, config.top_k) if vectors else {},
        "peak_rss": peak_rss_mib(),
    }


def _split(analyse: dict[str, Any], spans: _Spans, read: float) -> list[dict[str, Any]]:
    """analyse's time as its stages; segmentation's own time excludes linking."""
    seconds, cpu = dict(spans.seconds), dict(spans.cpu)
    for d in (seconds, cpu):
        if "segment" in d and "link" in d:
            d["segment"] -= d["link"]
    seconds["concepts"] = analyse["seconds"] - sum(seconds.values())
    cpu["concepts"] = analyse["cpu"] - sum(cpu.values())
    rss = {**spans.rss, "concepts": spans.rss_in.get("embed", analyse["rss"])}
    out = []
    for stage in ("segment", "link", "concepts", "embed", "match", "score"):
        if stage in seconds:
            figure: dict[str, Any] = {"stage": stage, "seconds": seconds[stage], "cpu": cpu[stage]}
            figure["rss"] = rss.get(stage, analyse["rss"])
            if stage == "segment":
                figure["limit"] = ("plain read", read)
            out.append(figure)
    return out


def match_limits(
    concerns: Any, passages: Any, vectors: Any, top_k: int, chunk_rows: int = 256
) -> dict[str, Any]:
    """The match stage's parts against their floors on the same shapes and inputs: top-k
    against the bare matrix product chunk for chunk, BM25 against raw bm25s on tokens."""
    import bm25s

    from .bm25 import LexicalIndex
    from .lexical import stems
    from .match import top_k_cosine

    q, p = vectors.concerns, vectors.passages
    if not len(q) or not len(p):
        return {}

    def gemm() -> None:
        for start in range(0, len(q), chunk_rows):
            _ = q[start : start + chunk_rows] @ p.T

    texts = [x.text for x in passages]
    queries = [c.text for c in concerns]
    tokens = [stems(t) or ["_"] for t in texts]
    raw = bm25s.BM25()
    raw_build = _best(lambda: raw.index(tokens, show_progress=False))
    ours_build = _best(lambda: LexicalIndex(texts))
    index = LexicalIndex(texts)
    vocab = set(raw.vocab_dict)
    q_tokens = [[t for t in stems(x) if t in vocab] for x in queries]
    for tokens_ in q_tokens[:1]:  # first calls pay one-off set-up: warm both
        raw.get_scores(tokens_ or ["_"])
        index.scores(queries[0])
    return {
        "topk": _best(lambda: top_k_cosine(q, p, top_k + 1, chunk_rows)),
        "gemm": _best(gemm),
        "bm25_build": ours_build,
        "bm25_build_raw": raw_build,
        "bm25_query": _best(lambda: _each(index.scores, queries)),
        "bm25_query_raw": _best(lambda: _each(raw.get_scores, [t for t in q_tokens if t])),
        "queries": len(queries),
    }


def _each(func: Callable[[Any], Any], items: Sequence[Any]) -> None:
    """Call func on every item, keeping no result (a list of 48k score rows is 6 GB)."""
    for item in items:
        func(item)


def run_real(corpus_dir: Path, sample: int, model: str, device: str | None) -> dict[str, Any]:
    """The real model on a fixed sample of one corpus's texts: ours and raw encode's rate."""
    from .concepts import key_concepts
    from .config import Config
    from .corpus import load_corpus
    from .embed import SentenceTransformerEmbedder
    from .segment import segment_corpus

    seg = segment_corpus(load_corpus(corpus_dir))
    texts = (
        [c.text for c in seg.concerns]
        + [p.text for p in seg.passages]
        + [s for p in seg.passages for s in p.sentences]
        + sorted({k.phrase for c in seg.concerns for k in key_concepts(c.text)})
    )
    texts = random.Random(15).sample(texts, min(sample, len(texts)))
    config = Config()
    embedder = SentenceTransformerEmbedder(model, config.batch_size, device)
    before = _current_rss_mib()
    model_: Any = embedder._load()
    model_.encode(texts[:32], batch_size=config.batch_size)  # warm-up
    ours, raw = float("inf"), float("inf")
    for _ in range(2):  # alternated, best of two: the machine is shared
        ours = min(ours, _best(lambda: embedder.encode(texts)))
        raw = min(
            raw,
            _best(
                lambda: model_.encode(
                    texts, batch_size=config.batch_size, normalize_embeddings=True
                )
            ),
        )
    return {
        "texts": len(texts),
        "rate": len(texts) / ours,
        "raw_rate": len(texts) / raw,
        "model_rss": peak_rss_mib() - before,
        "device": embedder.device,
    }


def _current_rss_mib() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return peak_rss_mib()
    return pages * resource.getpagesize() / 2**20


def _child(args: list[str]) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter, so its peak RSS is its own."""
    done = subprocess.run(
        [sys.executable, "-m", "comparator.bench_scale", *args], capture_output=True, text=True
    )
    if done.returncode:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ComparatorError(f"scale bench child {' '.join(args[:2])} failed: {tail}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _generator() -> Any:
    """The corpus generator, loaded by path from the source checkout's benchmarks/ folder
    (a dependency installs a top-level package of that name too)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "scale_corpus.py"
    spec = importlib.util.spec_from_file_location("comparator_scale_corpus", path)
    if spec is None or spec.loader is None or not path.exists():
        raise ComparatorError(
            f"{path}: the scale bench needs the corpus generator from the source checkout; "
            "run it from a clone of the repository"
        )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def parse_sizes(text: str) -> tuple[int, ...]:
    """'10,100,1000' → (10, 100, 1000); each size at least 2 documents (one exchange)."""
    try:
        sizes = tuple(sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()}))
    except ValueError:
        raise ComparatorError(f"--sizes {text!r}: give document counts, e.g. 10,100,1000") from None
    if not sizes or sizes[0] < 2:
        raise ComparatorError(f"--sizes {text!r}: each size must be at least 2 documents")
    return sizes


def scale(
    sizes: Sequence[int], model: str, device: str | None, sample: int = REAL_SAMPLE
) -> tuple[list[SizeRun], RealRate | None]:
    """Generate each size, run it in a child process, and measure the real model once."""
    gen = _generator()
    runs_: list[SizeRun] = []
    real: RealRate | None = None
    with tempfile.TemporaryDirectory(prefix="comparator-scale-") as tmp:
        for n in sizes:
            corpus = Path(tmp) / f"corpus-{n}"
            gen.write_corpus(corpus, n)
            raw = _child(["size", str(corpus), str(Path(tmp) / f"out-{n}")])
            runs_.append(_size_run(raw, runs_[-1] if runs_ else None))
            if (
                real is None
                and model != FakeEmbedder.NAME
                and sample
                and (n >= 100 or n == sizes[-1])
            ):
                args = ["real", str(corpus), str(sample), model, device or ""]
                r = _child(args)
                real = RealRate(r["texts"], r["rate"], r["raw_rate"], r["model_rss"], r["device"])
    return runs_, real


def _size_run(raw: dict[str, Any], previous: SizeRun | None) -> SizeRun:
    n = raw["docs"]
    before = {f.stage: f.cost / previous.docs for f in previous.stages} if previous else {}
    figures = []
    for s in [*raw["stages"], *_limit_rows(raw["limits"], raw["stages"])]:
        limit, secs = s.get("limit") or ("", 0.0)
        now = s.get("cpu", s["seconds"])
        grown = now / n / before[s["stage"]] if before.get(s["stage"]) else None
        ratio = s["seconds"] / secs if secs else None
        label = f"{limit} {secs * 1e3:,.1f} ms" if limit else ""
        figures.append(
            StageFigure(n, s["stage"], s["seconds"], s["rss"], s.get("cpu"), label, ratio, grown)
        )
    return SizeRun(
        n, raw["concerns"], raw["passages"], raw["texts"], tuple(figures), raw["peak_rss"]
    )


def _limit_rows(limits: dict[str, Any], stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The match stage's parts, each as a row of its own beside its floor."""
    if not limits:
        return []
    rss = next(s["rss"] for s in stages if s["stage"] == "match")
    return [
        {"stage": "  top-k", "seconds": limits["topk"], "rss": rss,
         "limit": ("bare GEMM", limits["gemm"])},
        {"stage": "  BM25 index", "seconds": limits["bm25_build"], "rss": rss,
         "limit": ("raw bm25s on tokens", limits["bm25_build_raw"])},
        {"stage": "  BM25 query", "seconds": limits["bm25_query"], "rss": rss,
         "limit": ("raw bm25s on tokens", limits["bm25_query_raw"])},
    ]  # fmt: skip


COLUMNS = (
    "docs", "stage", "seconds", "cpu s", "ms/doc", "growth/doc", "peak RSS MiB", "ratio", "limit",
)  # fmt: skip


def format_table(runs_: list[SizeRun], real: RealRate | None) -> list[str]:
    """The scale table as plain lines, ready to paste into a note."""
    rows = [COLUMNS]
    for r in runs_:
        for f in r.stages:
            rows.append(
                (
                    f"{r.docs:,}",
                    f.stage,
                    f"{f.seconds:.3f}",
                    f"{f.cpu_seconds:.3f}" if f.cpu_seconds is not None else "",
                    f"{f.seconds / r.docs * 1e3:.2f}",
                    f"{f.growth:.2f}" if f.growth is not None else "",
                    f"{f.peak_rss_mib:,.0f}",
                    f"{f.ratio:.1f}x" if f.ratio is not None else "",
                    f.limit,
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for r in runs_:
        lines.append(
            f"{r.docs:,} docs: {r.concerns:,} concerns, {r.passages:,} passages, "
            f"{r.texts:,} texts embedded; peak RSS {r.peak_rss_mib:,.0f} MiB"
        )
    if real:
        lines.append(
            f"real model on a sample of {real.texts} texts ({real.device}): {real.rate:.1f} "
            f"texts/s; raw SentenceTransformer.encode {real.raw_rate:.1f} texts/s (ratio "
            f"{real.rate / real.raw_rate:.2f}); loading it and encoding adds "
            f"{real.model_rss_mib:.0f} MiB RSS"
        )
    lines += [f"real embed at {docs:,} docs: {line}" for docs, line in real_embed_rows(runs_, real)]
    return lines


def real_embed_rows(runs_: list[SizeRun], real: RealRate | None) -> Iterator[tuple[int, str]]:
    """What the real model would take at each size, from the rate measured on the sample."""
    for r in runs_:
        if real is None:
            yield r.docs, f"{r.texts:,} texts (real model not measured: fake embedder)"
        else:
            secs = r.texts / real.rate
            rss = r.peak_rss_mib + real.model_rss_mib
            yield (
                r.docs,
                (
                    f"{r.texts:,} texts ≈ {secs:,.0f} s at {real.rate:.0f} texts/s "
                    f"({real.device}); peak RSS ≈ {rss:,.0f} MiB with the model loaded"
                ),
            )


def _main(argv: list[str]) -> None:
    if argv[0] == "size":
        out = _run_quiet(lambda: run_size(Path(argv[1]), Path(argv[2])))
    else:
        out = _run_quiet(lambda: run_real(Path(argv[1]), int(argv[2]), argv[3], argv[4] or None))
    print(json.dumps(out))


def _run_quiet(func: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return func()


if __name__ == "__main__":
    _main(sys.argv[1:])
