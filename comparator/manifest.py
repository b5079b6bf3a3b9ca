"""The run manifest: what went in (hashes), what model and settings, what came out."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .corpus import Corpus
from .embed import ModelIdentity

KEY_PACKAGES = (
    "numpy",
    "pandas",
    "rich",
    "click",
    "pysbd",
    "bm25s",
    "PyStemmer",
    "sentence-transformers",
    "transformers",
    "torch",
    "tokenizers",
)


def run_id(corpus: Corpus, config: Config, model: ModelIdentity, corrections: str = "") -> str:
    """Derived from content only: same inputs, model, settings (and corrections file, by
    its sha256) → same id."""
    digest = hashlib.sha256()
    for d in corpus.documents:
        digest.update(f"{d.name}\0{d.sha256}\0{d.role}\0{d.date}\0{d.doc_id}\n".encode())
        if d.in_reply_to:
            digest.update(f"in_reply_to\0{','.join(d.in_reply_to)}\n".encode())
    if corrections:
        digest.update(f"corrections\0{corrections}\n".encode())
    digest.update(json.dumps(config.as_dict(), sort_keys=True).encode())
    digest.update(f"{model.name}\0{model.version}\0{model.weights_sha256}".encode())
    digest.update(__version__.encode())
    digest.update(code_fingerprint().encode())
    return f"run-{digest.hexdigest()[:12]}"


def code_fingerprint(root: Path = Path(__file__).parent) -> str:
    """sha256 of the package's own source: changed code never reuses an old run folder."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):  # subpackages too: segment/ decides the cut
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    out = {}
    for name in KEY_PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(where: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def build(
    rid: str,
    corpus: Corpus,
    config: Config,
    model: ModelIdentity,
    outputs: dict[str, bytes],
    cache: dict[str, int],
    warnings: tuple[str, ...],
    run_folder: Path | None = None,
) -> dict[str, Any]:
    corpus_ref = relative_corpus(corpus.root, run_folder)
    return {
        "run_id": rid,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {
            "name": "comparator",
            "version": __version__,
            "source_sha256": code_fingerprint(),
            "git_commit": git_commit(Path(__file__).parent),
        },
        "python": platform.python_version(),
        "packages": package_versions(),
        "model": {
            "name": model.name,
            "package": model.package,
            "version": model.version,
            "weights_sha256": model.weights_sha256,
        },
        "config": config.as_dict(),
        "corpus": corpus_ref,
        "corpus_name": corpus.root.resolve().name,
        "corpus_relative_to": "run folder" if run_folder is not None else "working folder",
        **(
            {"selection": list(corpus.selection), "roles_given": list(corpus.roles_given)}
            if corpus.selection is not None
            else {}
        ),
        "corpus_manifest_sha256": corpus.manifest_sha256,
        "inputs": [
            {
                "file": d.name,
                "id": d.doc_id,
                "sha256": d.sha256,
                "role": d.role,
                "author": d.author,
                "addressee": d.addressee,
                "date": d.date,
                "title": d.title,
                "inferred": list(d.inferred),
                **({"in_reply_to": list(d.in_reply_to)} if d.in_reply_to else {}),
            }
            for d in corpus.documents
        ],
        "outputs": hash_outputs(outputs),
        "embedding_cache": cache,
        "warnings": [_without_root(w, corpus.root, corpus_ref) for w in warnings],
    }


def relative_corpus(root: Path, run_folder: Path | None) -> str:
    """The corpus as seen from the run folder ('../../seeds'): no absolute path is kept,
    and `--verify` finds the corpus from any working folder."""
    if run_folder is None:
        return root.name if root.is_absolute() else str(root)
    try:
        return Path(os.path.relpath(root.resolve(), run_folder.resolve())).as_posix()
    except ValueError:  # another drive (Windows): only the name can be kept
        return root.name


def _without_root(warning: str, root: Path, ref: str) -> str:
    """Warnings name files as the user typed the corpus; an absolute prefix is replaced."""
    if not root.is_absolute():
        return warning
    return warning.replace(str(root), ref)


def corpus_path(saved: dict[str, Any], run_dir: Path) -> Path:
    """Where a saved run's corpus is now: relative to its run folder (older runs: to the
    working folder)."""
    return saved_path(saved["corpus"], saved, run_dir)


def saved_path(ref: str, saved: dict[str, Any], run_dir: Path) -> Path:
    """A path the manifest records (the corpus, the corrections file) as it is now."""
    path = Path(ref)
    if saved.get("corpus_relative_to") == "run folder" and not path.is_absolute():
        return run_dir / path
    return path


def hash_outputs(outputs: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())}


# What `show`, `export`, `eval` and `--verify` read from a manifest, with its type.
REQUIRED = {"run_id": str, "corpus": str, "config": dict, "inputs": list, "outputs": dict}


def read(run_dir: Path) -> dict[str, Any]:
    from .errors import InputError

    path = run_dir / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{run_dir}: not a run folder (no manifest.json); make one with `comparator run`"
        ) from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror}); fix its permissions") from None
    except ValueError as e:
        raise InputError(f"{path}: damaged manifest ({e}); re-run the analysis") from None
    problem = _shape_problem(data)
    if problem:
        raise InputError(f"{path}: damaged manifest ({problem}); re-run the analysis")
    return dict(data)


def _shape_problem(data: object) -> str:
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    for key, kind in REQUIRED.items():
        if key not in data:
            return f"no '{key}'"
        if not isinstance(data[key], kind):
            return f"'{key}' is not a JSON {'object' if kind is dict else kind.__name__}"
    if not all(isinstance(v, str) for v in data["outputs"].values()):
        return "'outputs' holds a value that is not a hash"
    if not all(isinstance(i, dict) and isinstance(i.get("file"), str) for i in data["inputs"]):
        return "an entry of 'inputs' names no file"
    return ""
