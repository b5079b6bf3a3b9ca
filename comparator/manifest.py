"""The run manifest: what went in (hashes), what model and settings, what came out."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
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


def run_id(corpus: Corpus, config: Config, model: ModelIdentity) -> str:
    """Derived from content only: same inputs, model and settings → same id."""
    digest = hashlib.sha256()
    for d in corpus.documents:
        answers = f"\0{d.answers}" if d.answers else ""
        digest.update(f"{d.name}\0{d.sha256}\0{d.role}\0{d.date}\0{d.doc_id}{answers}\n".encode())
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
) -> dict[str, Any]:
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
        "corpus": str(corpus.root),
        "corpus_manifest_sha256": corpus.manifest_sha256,
        "inputs": [
            {
                "file": d.name,
                "sha256": d.sha256,
                "role": d.role,
                "author": d.author,
                "addressee": d.addressee,
                "date": d.date,
                "title": d.title,
                "inferred": list(d.inferred),
                **({"answers": d.answers} if d.answers else {}),
            }
            for d in corpus.documents
        ],
        "outputs": hash_outputs(outputs),
        "embedding_cache": cache,
        "warnings": list(warnings),
    }


def hash_outputs(outputs: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())}


def read(run_dir: Path) -> dict[str, Any]:
    from .errors import InputError

    path = run_dir / "manifest.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(
            f"{run_dir}: not a run folder (no manifest.json); make one with `comparator run`"
        ) from None
    except ValueError as e:
        raise InputError(f"{path}: damaged manifest ({e}); re-run the analysis") from None
