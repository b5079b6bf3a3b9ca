"""Documents and their metadata: the corpus manifest, or metadata inferred from the text."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import InputError, ManifestError
from .ingest import DEFAULT_MAX_BYTES, read_text, supported

Role = Literal["request", "reply"]
ROLES: tuple[Role, ...] = ("request", "reply")
MANIFEST_NAME = "corpus.toml"
MANIFEST_KEYS = {"file", "id", "role", "author", "addressee", "date", "title", "language"}

MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
DATE_PATTERNS = (
    re.compile(r"\b(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)\b"),
)
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
REPLY_CUES = re.compile(
    r"permanent mission|thank you for your (?:letter|communication)|in (?:response|reply) to|"
    r"please find (?:the|our) .{0,40}response|^subject:.*response",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Document:
    """One corpus file with its metadata and where each field came from."""

    path: Path
    doc_id: str
    role: Role
    author: str
    addressee: str
    date: str
    title: str
    language: str
    text: str
    sha256: str
    inferred: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Corpus:
    root: Path
    documents: tuple[Document, ...]
    manifest_sha256: str | None

    def by_role(self, role: Role) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.role == role)


def load_corpus(
    root: Path, max_bytes: int = DEFAULT_MAX_BYTES, extract_cache: Path | None = None
) -> Corpus:
    """Load every supported file of a corpus folder (or one file) with its metadata.

    Raises:
        InputError: the folder is missing or empty, or has no requests or no replies.
        ManifestError: corpus.toml has a mistake (reported with its line).
    """
    if not root.exists():
        raise InputError(f"{root}: no such corpus folder; pass a folder of letters and replies")
    files = [root] if root.is_file() else sorted(p for p in root.iterdir() if p.is_file())
    manifest_path = root / MANIFEST_NAME if root.is_dir() else None
    entries = (
        _read_manifest(manifest_path, files) if manifest_path and manifest_path.exists() else {}
    )
    docs = [
        _document(p, entries.get(p.name), max_bytes, extract_cache)
        for p in files
        if p.name != MANIFEST_NAME
        and not p.name.startswith(".")
        and p.name != "README.md"
        and (supported(p) or p.name in entries or _looks_like_document(p))
    ]
    if not docs:
        raise InputError(
            f"{root}: no documents found; add letters and replies (.txt, .md, .pdf, .docx, .html)"
        )
    manifest_hash = (
        _sha256(manifest_path.read_bytes()) if manifest_path and manifest_path.exists() else None
    )
    return Corpus(root, tuple(docs), manifest_hash)


def require_both_roles(corpus: Corpus, quoted_concerns: int = 0) -> None:
    """An analysis needs a reply, and a request unless the replies quote what they answer."""
    for role in ROLES:
        if not corpus.by_role(role) and not (role == "request" and quoted_concerns):
            raise InputError(
                f"{corpus.root}: corpus has no {role} documents; add one, or set role = "
                f'"{role}" for a file in {MANIFEST_NAME}'
            )


def _looks_like_document(path: Path) -> bool:
    return path.suffix.lower() not in {".toml", ".json", ".csv", ".yaml", ".yml"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _document(
    path: Path, entry: dict[str, str] | None, max_bytes: int, extract_cache: Path | None
) -> Document:
    text, warnings = read_text(path, max_bytes, extract_cache)
    entry = entry or {}
    guessed = infer_metadata(path, text)
    inferred = tuple(k for k in ("role", "date", "author", "addressee", "title") if k not in entry)
    meta = {**guessed, **entry}
    return Document(
        path=path,
        doc_id=meta.get("id") or default_doc_id(path),
        role=meta["role"],  # type: ignore[arg-type]
        author=meta.get("author", ""),
        addressee=meta.get("addressee", ""),
        date=meta.get("date", ""),
        title=meta.get("title", ""),
        language=meta.get("language", "en"),
        text=text,
        sha256=_sha256(path.read_bytes()),
        inferred=inferred,
        warnings=tuple(warnings),
    )


def default_doc_id(path: Path) -> str:
    """A short, stable id: a leading number ('002_…' → '002'), else a slug of the name."""
    m = re.match(r"(\d{1,6})[_\-. ]", path.name)
    if m:
        return m.group(1)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path.stem).strip("-")
    return slug[:32] or "doc"


def infer_metadata(path: Path, text: str) -> dict[str, str]:
    """Best guesses at role, date, author and title from the text itself."""
    head = text[:3000]
    meta: dict[str, str] = {"role": "reply" if REPLY_CUES.search(head) else "request"}
    date = next(
        (d for line in head.splitlines() if len(line.strip()) < 40 for d in [find_date(line)] if d),
        None,
    )
    if date:
        meta["date"] = date
    mission = re.search(
        r"permanent mission\s+of\s+(?:the\s+)?([A-Za-z .]+?)(?:\s+to\b|$)",
        re.sub(r"\s+", " ", head),
        re.IGNORECASE,
    )
    if mission:
        meta["author"] = f"Permanent Mission of {mission.group(1).strip().title()}"
    subject = re.search(r"^\W*SUBJECT:\s*(.+?)\W*$", head, re.MULTILINE)
    meta["title"] = subject.group(1) if subject else path.stem
    return meta


def find_date(text: str) -> str | None:
    """The first written date ('January 24, 2018', '25 March 2021') as ISO 8601."""
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = m.group("month").lower()
            if month in MONTHS:
                return f"{m.group('year')}-{MONTHS.index(month) + 1:02d}-{int(m.group('day')):02d}"
    return None


def _read_manifest(path: Path, files: list[Path]) -> dict[str, dict[str, str]]:
    raw = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(f"{path}: not valid TOML ({e}); fix the syntax") from None
    names = {p.name for p in files}
    entries: dict[str, dict[str, str]] = {}
    for i, entry in enumerate(data.get("document", [])):
        _check_entry(path, raw, i, entry, names)
        entries[entry["file"]] = {k: str(v) for k, v in entry.items()}
    return entries


def _check_entry(path: Path, raw: str, i: int, entry: dict[str, object], names: set[str]) -> None:
    def fail(key: str, msg: str) -> ManifestError:
        return ManifestError(f"{path}:{_line_of(raw, i, key)}: {msg}")

    unknown = set(entry) - MANIFEST_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise fail(key, f"unknown key '{key}'; allowed: {', '.join(sorted(MANIFEST_KEYS))}")
    file = entry.get("file")
    if not isinstance(file, str):
        raise fail("file", 'entry has no file = "..."; name the document it describes')
    if file not in names:
        raise fail(
            "file", f"'{file}' is not in the corpus folder; fix the name or remove the entry"
        )
    if "role" in entry and entry["role"] not in ROLES:
        raise fail("role", f'role must be "request" or "reply", not {entry.get("role")!r}')
    date = str(entry.get("date", ""))
    if date and not _valid_iso(date):
        raise fail("date", f"date {date!r} is not ISO 8601; write YYYY-MM-DD (or YYYY-MM, YYYY)")


def _valid_iso(date: str) -> bool:
    if not ISO_DATE.match(date):
        return False
    parts = [int(p) for p in date.split("-")]
    return (len(parts) < 2 or 1 <= parts[1] <= 12) and (len(parts) < 3 or 1 <= parts[2] <= 31)


def _line_of(raw: str, index: int, key: str) -> int:
    """Line number (1-based) of `key` in the index-th [[document]] table of the manifest."""
    lines = raw.splitlines()
    tables = [n for n, line in enumerate(lines) if line.strip() == "[[document]]"]
    if index >= len(tables):
        return 1
    start = tables[index]
    end = tables[index + 1] if index + 1 < len(tables) else len(lines)
    for n in range(start, end):
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[n]):
            return n + 1
    return start + 1
