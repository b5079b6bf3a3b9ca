"""The run manifest: what went in (hashes), what model and settings, what came out."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .documents import Corpus, Role
from .embed import ModelIdentity
from .safetext import clean

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


def package_versions() -> Mapping[str, str]:
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


@dataclass(frozen=True)
class ToolRecord:  # a field missing from an older manifest reads as empty
    name: str = ""
    version: str = ""
    source_sha256: str = ""
    git_commit: str | None = None


@dataclass(frozen=True)
class ModelRecord:
    name: str = ""
    package: str = ""
    version: str = ""
    weights_sha256: str = ""


@dataclass(frozen=True)
class InputRecord:
    """One document of the run, as it was read (role, dates, author, id) and its hash."""

    file: str
    id: str
    sha256: str
    role: str
    author: str
    addressee: str
    date: str
    title: str
    inferred: tuple[str, ...]
    in_reply_to: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["inferred"] = list(self.inferred)
        data.pop("in_reply_to")
        return data | ({"in_reply_to": list(self.in_reply_to)} if self.in_reply_to else {})


@dataclass(frozen=True)
class FindingRecord:
    kind: str
    line: int
    message: str


@dataclass(frozen=True)
class AuditRecord:
    """A request's outline checked against itself (`segment.audit`): what it numbers, how
    many concerns it gave, and the places that may hold what the tool missed."""

    file: str
    numbered_items: int
    concerns: int
    directive_outside: int
    findings: tuple[FindingRecord, ...] = ()

    def summary(self) -> str:
        from .segment.audit import summary

        return summary(self.numbered_items, self.concerns, self.directive_outside)

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"findings": [asdict(f) for f in self.findings]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditRecord:
        return cls(
            file=str(data["file"]),
            numbered_items=int(data["numbered_items"]),
            concerns=int(data["concerns"]),
            directive_outside=int(data["directive_outside"]),
            findings=tuple(
                FindingRecord(str(f["kind"]), int(f["line"]), str(f["message"]))
                for f in data.get("findings") or ()
            ),
        )


@dataclass(frozen=True)
class CorrectionsRecord:
    file: str  # as seen from the run folder
    sha256: str


@dataclass(frozen=True)
class RunManifest:
    """manifest.json: what went in (hashes), what model and settings, what came out."""

    run_id: str
    corpus: str  # the corpus folder, relative to `corpus_relative_to`
    config: Mapping[str, Any]
    inputs: tuple[InputRecord, ...]
    outputs: Mapping[str, str]  # file name → sha256
    created: str = ""
    tool: ToolRecord | None = None
    python: str = ""
    packages: Mapping[str, str] = field(default_factory=dict)
    model: ModelRecord | None = None
    corpus_name: str = ""
    corpus_relative_to: str = "working folder"
    selection: tuple[str, ...] | None = None  # files named one by one, not a folder
    roles_given: tuple[tuple[str, Role], ...] = ()
    corpus_manifest_sha256: str | None = None
    embedding_cache: Mapping[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    corrections: CorrectionsRecord | None = None
    audit: tuple[AuditRecord, ...] = ()  # each request's outline audit; () in older runs

    @property
    def titles(self) -> dict[str, str]:
        """File name → title, for the report's request labels."""
        return {i.file: i.title for i in self.inputs}

    @property
    def shown_corpus(self) -> str:
        """The corpus folder's name: the same wherever the run folder is (`verify` re-runs
        elsewhere), and no path of the user's."""
        return self.corpus_name or Path(self.corpus).name

    def to_json(self) -> str:
        """manifest.json's text."""
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """The manifest as JSON data (for notebooks: `load_run(...).manifest.as_dict()`)."""
        data: dict[str, Any] = {
            "run_id": self.run_id,
            "created": self.created,
            "tool": asdict(self.tool) if self.tool else None,
            "python": self.python,
            "packages": dict(self.packages),
            "model": asdict(self.model) if self.model else None,
            "config": dict(self.config),
            "corpus": self.corpus,
            "corpus_name": self.corpus_name,
            "corpus_relative_to": self.corpus_relative_to,
        }
        if self.selection is not None:
            data["selection"] = list(self.selection)
            data["roles_given"] = [list(r) for r in self.roles_given]
        data["corpus_manifest_sha256"] = self.corpus_manifest_sha256
        data["inputs"] = [i.to_json() for i in self.inputs]
        data["outputs"] = dict(self.outputs)
        data["embedding_cache"] = dict(self.embedding_cache)
        data["warnings"] = list(self.warnings)
        data["audit"] = [a.to_json() for a in self.audit]
        if self.corrections is not None:
            data["corrections"] = asdict(self.corrections)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunManifest:
        """The record of a parsed manifest.json (its shape checked by `read`)."""

        def record(kind: Any, value: Any) -> Any:
            names = {f.name for f in fields(kind)}
            return kind(**{k: v for k, v in value.items() if k in names}) if value else None

        inputs = tuple(
            InputRecord(
                file=i["file"],
                id=str(i.get("id") or ""),
                sha256=str(i.get("sha256") or ""),
                role=str(i.get("role") or ""),
                author=str(i.get("author") or ""),
                addressee=str(i.get("addressee") or ""),
                date=str(i.get("date") or ""),
                title=str(i.get("title") or ""),
                inferred=tuple(i.get("inferred", ())),
                in_reply_to=tuple(i.get("in_reply_to", ())),
            )
            for i in data["inputs"]
        )
        selection = data.get("selection")
        return cls(
            run_id=data["run_id"],
            corpus=data["corpus"],
            config=data["config"],
            inputs=inputs,
            outputs=data["outputs"],
            created=str(data.get("created", "")),
            tool=record(ToolRecord, data.get("tool")),
            python=str(data.get("python", "")),
            packages=data.get("packages") or {},
            model=record(ModelRecord, data.get("model")),
            corpus_name=str(data.get("corpus_name", "")),
            corpus_relative_to=str(data.get("corpus_relative_to", "working folder")),
            selection=tuple(selection) if selection is not None else None,
            roles_given=tuple((str(f), _role(r)) for f, r in data.get("roles_given") or ()),
            corpus_manifest_sha256=data.get("corpus_manifest_sha256"),
            embedding_cache=data.get("embedding_cache") or {},
            warnings=tuple(data.get("warnings") or ()),
            corrections=record(CorrectionsRecord, data.get("corrections")),
            audit=tuple(AuditRecord.from_json(a) for a in data.get("audit") or ()),
        )


def _role(value: object) -> Role:
    if value == "request" or value == "reply":
        return value
    raise ValueError(f"role {value!r} is neither request nor reply")


def build(
    rid: str,
    corpus: Corpus,
    config: Config,
    model: ModelIdentity,
    cache: Mapping[str, int],
    warnings: tuple[str, ...],
    run_folder: Path | None = None,
    corrections: CorrectionsRecord | None = None,
    audit: tuple[AuditRecord, ...] = (),
) -> RunManifest:
    """The manifest of a run about to be written; its `outputs` are hashed last (see
    `runs.render_files`)."""
    corpus_ref = relative_corpus(corpus.root, run_folder)
    return RunManifest(
        run_id=rid,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tool=ToolRecord(
            "comparator", __version__, code_fingerprint(), git_commit(Path(__file__).parent)
        ),
        python=platform.python_version(),
        packages=package_versions(),
        model=ModelRecord(model.name, model.package, model.version, model.weights_sha256),
        config=config.as_dict(),
        corpus=corpus_ref,
        corpus_name=corpus.root.resolve().name,
        corpus_relative_to="run folder" if run_folder is not None else "working folder",
        selection=corpus.selection,
        roles_given=tuple(corpus.roles_given) if corpus.selection is not None else (),
        corpus_manifest_sha256=corpus.manifest_sha256,
        inputs=tuple(
            InputRecord(
                file=d.name,
                id=d.doc_id,
                sha256=d.sha256,
                role=d.role,
                author=d.author,
                addressee=d.addressee,
                date=d.date,
                title=d.title,
                inferred=tuple(d.inferred),
                in_reply_to=tuple(d.in_reply_to),
            )
            for d in corpus.documents
        ),
        outputs={},
        embedding_cache=cache,
        warnings=tuple(_without_root(w, corpus.root, corpus_ref) for w in warnings),
        corrections=corrections,
        audit=audit,
    )


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


def corpus_path(saved: RunManifest, run_dir: Path) -> Path:
    """Where a saved run's corpus is now: relative to its run folder (older runs: to the
    working folder)."""
    return saved_path(saved.corpus, saved, run_dir)


def saved_path(ref: str, saved: RunManifest, run_dir: Path) -> Path:
    """A path the manifest records (the corpus, the corrections file) as it is now."""
    path = Path(ref)
    if saved.corpus_relative_to == "run folder" and not path.is_absolute():
        return run_dir / path
    return path


def hash_outputs(outputs: Mapping[str, bytes]) -> Mapping[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())}


# What `show`, `export`, `eval` and `--verify` read from a manifest, with its type.
REQUIRED = {"run_id": str, "corpus": str, "config": dict, "inputs": list, "outputs": dict}


def read(run_dir: Path) -> RunManifest:
    from .errors import InputError
    from .files import NotARegularFile, read_regular, unreadable

    path = run_dir / "manifest.json"
    try:
        data = _as_text(json.loads(read_regular(path).decode("utf-8")))
    except FileNotFoundError:
        raise InputError(
            f"{run_dir}: not a run folder (no manifest.json); make one with `comparator run`"
        ) from None
    except NotARegularFile as e:
        raise unreadable(path, e) from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror}); fix its permissions") from None
    except (ValueError, RecursionError) as e:
        raise InputError(f"{path}: damaged manifest ({e}); re-run the analysis") from None
    problem = _shape_problem(data)
    if problem:
        raise InputError(f"{path}: damaged manifest ({problem}); re-run the analysis")
    try:
        return RunManifest.from_json(data)
    except (TypeError, ValueError, AttributeError) as e:
        raise InputError(f"{path}: damaged manifest ({e}); re-run the analysis") from None


def _as_text(value: Any) -> Any:
    """JSON data with every string as document text (`safetext.clean`): a manifest edited by
    someone else sends no terminal escape, or other control character, to a view."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, dict):
        return {clean(str(k)): _as_text(v) for k, v in value.items()}
    return value


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
