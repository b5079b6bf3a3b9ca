"""Run folders: built in a hidden staging folder and swapped into place when complete.

An interrupted or failed run leaves only a hidden ``.tmp-*`` folder (removed by the next
run), never a folder that looks complete; an existing run is never replaced silently, and
`--force` swaps the new run in for the old in one step, so the earlier run is there until
the new one is. Where the system cannot swap, the old run is moved aside to ``.old-*``
first, and put back by the next `run` or `show` if the process died in between.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from . import atomic, export, manifest
from .cache import EmbeddingCache
from .config import Config
from .corpus import load_corpus, load_files, require_both_roles
from .corrections import Corrections, read_corrections, unknown_corrections
from .corrections import apply as apply_corrections
from .documents import Corpus
from .embed import Embedder
from .errors import ComparatorError, OutputError
from .files import NotARegularFile, read_regular, unreadable
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


def check_cache_folder(cache_root: Path | None) -> None:
    """Fail before any model loads when --cache names something that is not a folder."""
    if cache_root is not None and cache_root.exists() and not cache_root.is_dir():
        raise OutputError(
            f"{cache_root}: is a file, not a folder; pass a folder (or a new name) to --cache"
        )


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
    check_cache_folder(cache_root)
    rid = manifest.run_id(
        corpus, config, embedder.identity, corrections.sha256 if corrections else ""
    )
    target = out_root / rid
    restore_interrupted(target)
    _remove_stale_staging(out_root)
    if (target / "manifest.json").exists() and not force:
        ids = [r.concern_id for r in export.read_concerns(target / "concerns.csv")]
        return RunOutcome(target, True, None, tuple(unknown_corrections(corrections, ids)))
    cache = EmbeddingCache(cache_root, embedder.identity) if cache_root else None
    analysis = analyse(corpus, config, embedder, cache)
    if cache is not None and cache.stats.notes:
        analysis = replace(analysis, warnings=(*analysis.warnings, *cache.stats.notes))
    files, warned = render_files(analysis, rid, corrections, target)
    _install(out_root, target, files)
    return RunOutcome(target, False, analysis, warned)


def audit_records(analysis: Analysis) -> tuple[manifest.AuditRecord, ...]:
    """Each request's outline audit, as the manifest records it."""
    return tuple(
        manifest.AuditRecord(
            a.doc,
            a.numbered_items,
            a.concerns,
            a.directive_outside,
            tuple(manifest.FindingRecord(f.kind, f.line, f.message) for f in a.findings),
        )
        for a in analysis.segmentation.audits
    )


def render_files(
    analysis: Analysis, rid: str, fixes: Corrections | None = None, run_folder: Path | None = None
) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """Every file of the run folder, as bytes, and the warnings about corrections; the
    manifest comes last (it hashes the rest)."""
    from .html_report import render_html

    t = apply_corrections(export.tables(analysis), fixes)
    warned = tuple(unknown_corrections(fixes, [r.concern_id for r in t.concerns]))
    files = {
        "concerns.csv": export.to_csv(t.concerns, export.concern_columns(t.concerns)).encode(),
        "matches.csv": export.to_csv(t.matches, export.MATCH_COLUMNS).encode(),
        "passages.csv": export.to_csv(t.passages, export.PASSAGE_COLUMNS).encode(),
    }
    stats = {"hits": analysis.cache.hits, "misses": analysis.cache.misses}
    fixed = None
    if fixes is not None:  # the file as seen from the run folder: no absolute path either
        where = manifest.relative_corpus(fixes.path, run_folder)
        fixed = manifest.CorrectionsRecord(where, fixes.sha256)
    record = manifest.build(
        rid,
        analysis.corpus,
        analysis.config,
        analysis.model,
        stats,
        analysis.warnings + warned,
        run_folder,
        fixed,
        audit_records(analysis),
    )
    files["report.txt"] = plain(lambda c: render_report(c, t, record, wide=False)).encode()
    files["report.html"] = render_html(t, record).encode()
    record = replace(record, outputs=manifest.hash_outputs(files))
    files["manifest.json"] = record.to_json().encode()
    return files, warned


def _install(out_root: Path, target: Path, files: dict[str, bytes]) -> None:
    staging = out_root / f".tmp-{target.name}-{os.getpid()}"
    try:
        for name, data in files.items():
            atomic.write_bytes(staging / name, data)
        _swap_in(staging, target)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            f"{out_root}: could not write the run folder ({e.strerror}); free "
            "disk space or choose another --out. Earlier runs are untouched"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, target: Path) -> None:
    """Put the complete staging folder at `target`; the earlier run is never missing."""
    if target.exists():
        try:
            atomic.exchange(staging, target)
        except OSError as e:
            if e.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):
                raise
            _replace_by_renames(staging, target)
            return
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the earlier run
        return
    try:
        os.rename(staging, target)
    except OSError as e:
        # another process installed the same run (same inputs, same id) meanwhile
        if e.errno in (errno.ENOTEMPTY, errno.EEXIST) and (target / "manifest.json").exists():
            shutil.rmtree(staging, ignore_errors=True)
            return
        raise


def _replace_by_renames(staging: Path, target: Path) -> None:
    """Where folders cannot be swapped: the old run aside, the new one in, the old removed.
    A process killed between the two renames leaves ``.old-*``, which `restore_interrupted`
    puts back."""
    old = target.parent / f".old-{target.name}-{os.getpid()}"
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def restore_interrupted(target: Path) -> None:
    """Put back an earlier run that a killed `--force` had moved aside."""
    if target.exists():
        return
    with contextlib.suppress(OSError):
        for old in sorted(target.parent.glob(f".old-{target.name}-*")):
            pid = old.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not atomic.pid_alive(int(pid)):
                old.rename(target)
                return


def _remove_stale_staging(out_root: Path) -> None:
    """Remove the staging and set-aside folders of runs whose process is gone."""
    for leftover in [*out_root.glob(".tmp-run-*"), *out_root.glob(".old-run-*")]:
        pid = leftover.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or atomic.pid_alive(int(pid)):
            continue
        if leftover.name.startswith(".old-"):
            restore_interrupted(out_root / leftover.name[5:].rsplit("-", 1)[0])
        shutil.rmtree(leftover, ignore_errors=True)


def verify(
    run_dir: Path, embedder_for: Callable[[Config], Embedder], cache_root: Path | None
) -> list[str]:
    """Re-run a saved run from its manifest; return the differences (empty when identical)."""
    saved = manifest.read(run_dir)
    config = Config().with_overrides(dict(saved.config), source=str(run_dir / "manifest.json"))
    corpus = _reload(saved, run_dir, cache_root / "extracted" if cache_root else None)
    fixes = (
        read_corrections(manifest.saved_path(saved.corrections.file, saved, run_dir))
        if saved.corrections
        else None
    )
    embedder = embedder_for(config)
    scratch = _scratch_folder(run_dir.parent)
    try:
        outcome = execute(corpus, config, embedder, scratch, cache_root, True, fixes)
        fresh = manifest.read(outcome.path)
        return _compare(saved, fresh, run_dir, outcome.path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _scratch_folder(out_root: Path) -> Path:
    """Where `--verify` re-runs: beside the run it checks (a hidden staging folder the next
    run removes if this process dies), else a private temp folder with a random name."""
    scratch = out_root / f".tmp-run-verify-{os.getpid()}"
    try:
        scratch.mkdir()
    except OSError:
        return Path(tempfile.mkdtemp(prefix="comparator-verify-"))
    return scratch


def _reload(saved: manifest.RunManifest, run_dir: Path, extract_cache: Path | None) -> Corpus:
    """The corpus a manifest names: its folder, or the files given one by one."""
    root = manifest.corpus_path(saved, run_dir)
    if saved.selection is None:
        return load_corpus(root, extract_cache=extract_cache)
    roles = {root / name: role for name, role in saved.roles_given}
    return load_files([root / name for name in saved.selection], roles, extract_cache=extract_cache)


def _compare(
    saved: manifest.RunManifest, fresh: manifest.RunManifest, old: Path, new: Path
) -> list[str]:
    out = []
    for key, label in (("inputs", "input files"), ("model", "model"), ("config", "settings")):
        if getattr(saved, key) != getattr(fresh, key):
            out.append(f"{label} differ from those recorded in the manifest")
    for name in RUN_FILES[:-1]:
        on_disk = _sha256_of(old / name)
        if on_disk != fresh.outputs.get(name) or saved.outputs.get(name) != on_disk:
            out.append(f"{name} differs: {_first_difference(old / name, new / name)}")
    return out


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except NotARegularFile as e:
        raise unreadable(path, e) from None
    except OSError:
        return None


def _first_difference(a: Path, b: Path) -> str:
    with contextlib.suppress(OSError):
        la = read_regular(a).decode("utf-8", "replace").splitlines()
        lb = read_regular(b).decode("utf-8", "replace").splitlines()
        for i, (x, y) in enumerate(zip(la, lb, strict=False), start=1):
            if x != y:
                return f"first at line {i}"
        return f"{len(la)} vs {len(lb)} lines"
    return "cannot be read"


def load_saved(run_dir: Path) -> tuple[export.RunTables, manifest.RunManifest]:
    """A saved run's tables and manifest, checked against the manifest's hashes."""
    restore_interrupted(run_dir)
    saved = manifest.read(run_dir)
    for name in RUN_FILES[:-1]:  # before the tables are read: an edit is named as such
        if _sha256_of(run_dir / name) != saved.outputs.get(name):
            raise ComparatorError(
                f"{run_dir / name}: changed since the run was made (hash "
                "differs from manifest.json); re-run the analysis"
            )
    return export.read_tables(run_dir), saved
