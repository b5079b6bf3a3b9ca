"""Embedding: a small Embedder protocol, a model's identity, and the packaged sentence-transformers
model.

torch and sentence-transformers are imported only when a text is missing from the cache,
so ``--help``, cached re-runs and the logic tests never pay their 8–12 s import.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ModelError
from .files import kind_of, read_regular_text

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.onnx")


@dataclass(frozen=True)
class ModelIdentity:
    """What makes two embeddings comparable: the model's package, version and weights."""

    name: str
    package: str
    version: str
    weights_sha256: str
    path: str
    dim: int = 0  # vector length, when the model folder says (0: not known before loading)

    @property
    def key(self) -> str:
        """Cache folder name: changes whenever the weights change, or the way texts are
        encoded (`ENCODING`: vectors made another way are never mixed in)."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", self.name)
        return f"{safe}-{self.weights_sha256[:16]}-{ENCODING}"


# How vectors are made: each text encoded alone (see SentenceTransformerEmbedder.encode).
ENCODING = "alone"


class Embedder(Protocol):
    identity: ModelIdentity

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


DEVICE_NAME = re.compile(r"(cpu|cuda|mps|xpu)(:\d+)?")


def available_devices() -> list[str]:
    """The torch devices this machine offers (imports torch)."""
    try:
        import torch
    except ImportError:
        return ["cpu"]
    found = ["cpu"]
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    return found


def check_device(device: str, load: bool = False) -> None:
    """Fail with the device's name and what is available: early on a name torch does not
    know, and (`load`, just before the model loads) on a device this machine lacks.

    Raises:
        ConfigError: the device is not a torch device, or not present here.
    """
    from .errors import ConfigError

    m = DEVICE_NAME.fullmatch(device)
    if m is None:
        raise ConfigError(
            f"--device {device!r}: not a torch device name (cpu, cuda, cuda:N, mps); "
            f"available here: {', '.join(available_devices())}"
        )
    if not load or m.group(1) == "cpu":
        return
    available = available_devices()
    wanted = device if m.group(2) or m.group(1) != "cuda" else "cuda:0"
    if wanted not in available:
        raise ConfigError(
            f"--device {device!r}: not available on this machine (no such GPU, or torch "
            f"built without it); available here: {', '.join(available)}"
        )


# the libraries the model runs on: when one of these is missing, the install is incomplete
MODEL_LIBRARIES = frozenset({"sentence_transformers", "torch", "transformers", "tokenizers"})
OUT_OF_MEMORY = (
    "out of memory while loading the model; close other programs or raise this process's "
    "memory limit, then retry"
)


def import_failure(e: BaseException) -> str:
    """Why sentence-transformers did not import: a library missing (the install is
    incomplete), or present but not loadable: short of memory, a shared library that cannot
    be mapped, a broken install. Only the first is "not installed"."""
    name = e.name if isinstance(e, ModuleNotFoundError) else None
    if name and name.split(".")[0] in MODEL_LIBRARIES:
        return f"{name} is not installed; run `make setup` or pip install -e ."
    if isinstance(e, MemoryError):
        return f"sentence-transformers: {OUT_OF_MEMORY}"
    reason = " ".join(str(e).split())[:200] or type(e).__name__
    return (
        f"sentence-transformers is installed but could not be loaded ({reason}); if memory "
        "is short, close other programs or raise the memory limit and retry; otherwise "
        "reinstall with pip install -e ."
    )


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from an installed package or a folder."""

    def __init__(
        self,
        spec: str,
        batch_size: int = 32,
        device: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        memo_dir: Path | None = None,
    ) -> None:
        self.identity = resolve_model(spec, memo_dir)
        self.batch_size = batch_size
        self.device = device or "cpu"
        check_device(self.device)
        self.progress = progress
        self._model: object | None = None

    def _load(self) -> object:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except (ImportError, OSError, MemoryError) as e:
                raise ModelError(import_failure(e)) from None
            check_device(self.device, load=True)
            try:
                self._model = SentenceTransformer(self.identity.path, device=self.device)
            except MemoryError:
                raise ModelError(f"{self.identity.path}: {OUT_OF_MEMORY}") from None
            except Exception as e:  # the library raises many kinds; the user needs one line
                raise ModelError(
                    f"{self.identity.path}: model failed to load ({e}); reinstall "
                    f"{self.identity.package}"
                ) from None
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode in a canonical order (length, then text), each text alone: padded batches
        give a text bits that depend on its batch partners (different matrix shapes round
        differently), so a vector from a cache filled by another run could differ from a
        cold run's in the last bits, and a rounded similarity with it. Alone, a text's
        vector depends on the text only; on 2 CPU cores it is no slower (no padding)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), texts[i]))
        out: np.ndarray | None = None
        done = 0
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            vecs = model.encode(  # type: ignore[attr-defined]
                [texts[i] for i in idx],
                batch_size=1,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
            if out is None:
                out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
            done += len(idx)
            if self.progress:
                self.progress(done, len(texts))
        assert out is not None
        return out


def resolve_model(spec: str, memo_dir: Path | None = None) -> ModelIdentity:
    """Find a model folder from a package name or a path, without importing torch.

    Raises:
        ModelError: the package is not installed, or holds no sentence-transformers model.
    """
    path = Path(spec)
    if path.is_dir():
        folder, package, version = path.resolve(), "", ""
    else:
        module = spec.replace("-", "_")
        found = importlib.util.find_spec(module) if re.fullmatch(r"[\w.]+", module) else None
        if found is None or not found.submodule_search_locations:
            raise ModelError(
                f"model '{spec}' is not installed; pip install {spec} "
                "(or pass --model with a folder holding a sentence-transformers model)"
            )
        root = Path(next(iter(found.submodule_search_locations)))
        folder = next((p.parent for p in sorted(root.rglob("modules.json"))), root)
        package = spec
        try:
            version = importlib.metadata.version(spec)
        except importlib.metadata.PackageNotFoundError:
            version = ""
    if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
        raise ModelError(f"{folder}: no sentence-transformers model here (modules.json missing)")
    return ModelIdentity(
        spec, package, version, weights_hash(folder, memo_dir), str(folder), _dimension(folder)
    )


def _dimension(folder: Path) -> int:
    """The embedding length a sentence-transformers folder declares (pooling config)."""
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        pooling = json.loads(read_regular_text(folder / "1_Pooling" / "config.json"))
        return int(pooling.get("word_embedding_dimension", 0))
    return 0


MEMO_NAME = "weights-sha256.json"


def weights_hash(folder: Path, memo_dir: Path | None = None) -> str:
    """sha256 of the weights file, remembered per (path, size, mtime) in the embedding
    cache folder to keep warm runs fast. Nothing is kept in a shared temp folder, where
    another user could plant a forged hash or a link."""
    weights = next((folder / w for w in WEIGHT_FILES if (folder / w).exists()), None)
    if weights is None:
        return hashlib.sha256(str(folder).encode()).hexdigest()
    if kind_of(weights) is not None:
        raise ModelError(f"{weights}: is {kind_of(weights)}, not a weights file; fix the model")
    st = weights.stat()
    memo_key = f"{weights}:{st.st_size}:{st.st_mtime_ns}"
    memo = memo_dir / MEMO_NAME if memo_dir is not None else None
    known = _read_memo(memo)
    if not re.fullmatch(r"[0-9a-f]{64}", str(known.get(memo_key, ""))):
        known[memo_key] = _sha256_file(weights)
        if memo is not None:
            from . import atomic

            with contextlib.suppress(OSError):
                atomic.write_text(memo, json.dumps(known, sort_keys=True))
    return str(known[memo_key])


def _read_memo(memo: Path | None) -> dict[str, object]:
    if memo is None or memo.is_symlink():
        return {}
    try:
        known = json.loads(read_regular_text(memo))
    except (OSError, ValueError, RecursionError):
        return {}
    return known if isinstance(known, dict) else {}


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
