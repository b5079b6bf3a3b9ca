"""Run folders: built in a hidden staging folder and renamed into place when complete.

An interrupted or failed run leaves only a hidden ``.tmp-*`` folder (removed by the next
run), never a folder that looks complete; an existing run is never replaced silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import atomic, export, manifest
from .cache import EmbeddingCache
from .config import Config
from .corpus import Corpus, load_corpus, load_files, require_both_roles
from .corrections import Corrections, read_corrections, unknown_corrections
from .corrections import apply as apply_corrections
from .embed import Embedder, FakeEmbedder, SentenceTransformerEmbedder
from .errors import ComparatorError, OutputError
from .pipeline import Analysis, analyse
from .report import plain, render_report

RUN_FILES = (
    "concerns.csv",
    "matches.csv",
    "passages.csv",
    "report.txt",
    "report.html",
    "manifest.json",
)


@dataclass(frozen=True)
class RunOutcome:
    path: Path
    reused: bool
    analysis: Analysis | None
    correction_warnings: tuple[str, ...] = ()


def check_writable(folder: Path) -> None:
    """Fail before any model loads when the output folder cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as e:
        raise OutputError(
            f"{folder}: cannot write here ({e.strerror}); choose another --out "
            "folder or fix its permissions"
        ) from None


def make_embedder(
    config: Config, device: str | None, on_progress: Callable[[int, int], None] | None = None
) -> Embedder:
    """The configured model; `comparator-fake` is a hashed bag of words for tests and demos."""
    if config.model == FakeEmbedder.NAME:
        return FakeEmbedder()
    return SentenceTransformerEmbedder(config.model, config.batch_size, device, on_progress)


def execute(
    corpus: Corpus,
    config: Config,
    embedder: Embedder,
    out_root: Path,
    cache_root: Path | None,
    force: bool = False,
    corrections: Corrections | None = None,
) -> RunOutcome:
    """Analyse the corpus and write its run folder, unless an identical run exists; a
    coder's corrections are applied on top (and are part of what makes a run identical)."""
    require_both_roles(corpus, quoted_concerns=1 if corpus.by_role("reply") else 0)
    check_writable(out_root)
    rid = manifest.run_id(
        corpus, config, embedder.identity, corrections.sha256 if corrections else ""
    )
    target = out_root / rid
    if (target / "manifest.json").exists() and not force:
        ids = [r["concern_id"] for r in export.read_csv(target / "concerns.csv")]
        return RunOutcome(target, True, None, tuple(unknown_corrections(corrections, ids)))
    _remove_stale_staging(out_root)
    cache = EmbeddingCache(cache_root, embedder.identity) if cache_root else None
    analysis = analyse(corpus, config, embedder, cache)
    files, warned = render_files(analysis, rid, corrections)
    _install(out_root, target, files)
    return RunOutcome(target, False, analysis, warned)


def render_files(
    analysis: Analysis, rid: str, fixes: Corrections | None = None
) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """Every file of the run folder, as bytes, and the warnings about corrections; the
    manifest comes last (it hashes the rest)."""
    from .html_report import render_html

    t = apply_corrections(export.tables(analysis), fixes)
    warned = tuple(unknown_corrections(fixes, [r["concern_id"] for r in t.concerns]))
    files = {
        "concerns.csv": export.to_csv(t.concerns, export.concern_columns(t.concerns)).encode(),
        "matches.csv": export.to_csv(t.matches, export.MATCH_COLUMNS).encode(),
        "passages.csv": export.to_csv(t.passages, export.PASSAGE_COLUMNS).encode(),
    }
    stats = {"hits": analysis.cache.hits, "misses": analysis.cache.misses}
    record = manifest.build(
        rid,
        analysis.corpus,
        analysis.config,
        analysis.model,
        files,
        stats,
        analysis.warnings + warned,
    )
    if fixes is not None:
        record["corrections"] = {"file": str(fixes.path), "sha256": fixes.sha256}
    files["report.txt"] = plain(lambda c: render_report(c, t, record, wide=False)).encode()
    files["report.html"] = render_html(t, record).encode()
    record["outputs"] = manifest.hash_outputs(files)
    files["manifest.json"] = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()
    return files, warned


def _install(out_root: Path, target: Path, files: dict[str, bytes]) -> None:
    staging = out_root / f".tmp-{target.name}-{os.getpid()}"
    try:
        for name, data in files.items():
            atomic.write_bytes(staging / name, data)
        old = out_root / f".old-{target.name}-{os.getpid()}"
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            f"{out_root}: could not write the run folder ({e.strerror}); free "
            "disk space or choose another --out. Earlier runs are untouched"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _remove_stale_staging(out_root: Path) -> None:
    for leftover in out_root.glob(".tmp-run-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def verify(
    run_dir: Path, embedder_for: Callable[[Config], Embedder], cache_root: Path | None
) -> list[str]:
    """Re-run a saved run from its manifest; return the differences (empty when identical)."""
    saved = manifest.read(run_dir)
    config = Config().with_overrides(saved["config"], source=str(run_dir / "manifest.json"))
    corpus = _reload(saved, cache_root / "extracted" if cache_root else None)
    fixes = (
        read_corrections(Path(saved["corrections"]["file"])) if saved.get("corrections") else None
    )
    embedder = embedder_for(config)
    with tempfile.TemporaryDirectory() as tmp:
        outcome = execute(corpus, config, embedder, Path(tmp), cache_root, True, fixes)
        fresh = manifest.read(outcome.path)
        differences = _compare(saved, fresh, run_dir, outcome.path)
    return differences


def _reload(saved: dict[str, Any], extract_cache: Path | None) -> Corpus:
    """The corpus a manifest names: its folder, or the files given one by one."""
    root = Path(saved["corpus"])
    if saved.get("selection") is None:
        return load_corpus(root, extract_cache=extract_cache)
    roles = {root / name: role for name, role in saved.get("roles_given", [])}
    return load_files(
        [root / name for name in saved["selection"]], roles, extract_cache=extract_cache
    )


def _compare(saved: dict[str, Any], fresh: dict[str, Any], old: Path, new: Path) -> list[str]:
    out = []
    for key, label in (("inputs", "input files"), ("model", "model"), ("config", "settings")):
        if saved.get(key) != fresh.get(key):
            out.append(f"{label} differ from those recorded in the manifest")
    for name in RUN_FILES[:-1]:
        on_disk = _sha256_of(old / name)
        if on_disk != fresh["outputs"].get(name) or saved["outputs"].get(name) != on_disk:
            out.append(f"{name} differs: {_first_difference(old / name, new / name)}")
    return out


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _first_difference(a: Path, b: Path) -> str:
    with contextlib.suppress(OSError):
        la = a.read_text(encoding="utf-8").splitlines()
        lb = b.read_text(encoding="utf-8").splitlines()
        for i, (x, y) in enumerate(zip(la, lb, strict=False), start=1):
            if x != y:
                return f"first at line {i}"
        return f"{len(la)} vs {len(lb)} lines"
    return "cannot be read"


def load_saved(run_dir: Path) -> tuple[export.RunTables, dict[str, Any]]:
    """A saved run's tables and manifest, checked against the manifest's hashes."""
    saved = manifest.read(run_dir)
    tables = export.read_tables(run_dir)
    for name in RUN_FILES[:-1]:
        if _sha256_of(run_dir / name) != saved["outputs"].get(name):
            raise ComparatorError(
                f"{run_dir / name}: changed since the run was made (hash "
                "differs from manifest.json); re-run the analysis"
            )
    return tables, saved
