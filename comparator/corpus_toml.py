"""corpus.toml: the metadata a user states for each document, checked line by line.

Only [[document]] tables with known keys; every mistake is named with its file and line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .dates import ISO_DATE, valid_iso
from .documents import ROLES, Role
from .errors import ManifestError
from .files import read_regular, unreadable
from .safetext import normal_form, visible_controls

MANIFEST_NAME = "corpus.toml"


def read_manifest_bytes(path: Path) -> bytes:
    try:
        return read_regular(path)
    except OSError as e:
        raise unreadable(path, e) from None


@dataclass(frozen=True)
class DocumentEntry:
    """One [[document]] table: what the user states about a file (None: not stated, so
    inferred from the text)."""

    file: str
    id: str | None = None
    role: Role | None = None
    author: str | None = None
    addressee: str | None = None
    date: str | None = None
    title: str | None = None
    language: str | None = None
    in_reply_to: tuple[str, ...] = ()

    def stated(self, name: str) -> bool:
        return getattr(self, name) is not None


MANIFEST_KEYS = frozenset(f.name for f in fields(DocumentEntry))


def read_manifest(path: Path, data: bytes, files: list[Path]) -> dict[str, DocumentEntry]:
    """The entries of a corpus.toml, by file name, each checked (keys, file, role, date, id).

    Raises:
        ManifestError: naming the file and line of the first mistake, and the fix.
    """
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ManifestError(f"{path}: not UTF-8 (byte {e.start}); re-save it as UTF-8") from None
    try:
        data_ = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(f"{path}: not valid TOML ({e}); fix the syntax") from None
    except RecursionError:
        raise ManifestError(
            f"{path}: nested too deeply to be a manifest; a value is a string or a list of strings"
        ) from None
    _check_top_level(path, raw, data_)
    names = {p.name for p in files}
    entries: dict[str, DocumentEntry] = {}
    owners: dict[str, str] = {}
    for i, table in enumerate(data_.get("document", [])):
        _check_entry(path, raw, i, table, names)
        clean: dict[str, Any] = {
            k: tuple(_text(x) for x in v) if k == "in_reply_to" else _text(v, k != "file")
            for k, v in table.items()
        }
        entry = DocumentEntry(**clean)
        _check_unique(path, raw, i, entry, entries, owners)
        entries[entry.file] = entry
        if entry.id is not None:
            owners[entry.id] = entry.file
    return entries


def _text(value: object, normal: bool = True) -> str:
    """A value as the documents' text is (composed Unicode, no control characters); a file
    name as it is on disk."""
    text = str(value)
    return visible_controls(normal_form(text) if normal else text)


def _check_top_level(path: Path, raw: str, data: dict[str, object]) -> None:
    """Only [[document]] tables: a misspelt table or a stray key is named, not ignored."""
    for key, value in data.items():
        line = _line_of_top_level(raw, key)
        if key != "document":
            kind = "table" if isinstance(value, dict | list) else "key"
            raise ManifestError(
                f"{path}:{line}: unknown {kind} '{key}'; a manifest holds only [[document]] tables"
            )
        if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
            raise ManifestError(
                f"{path}:{line}: 'document' must be a list of tables; write each entry "
                'as [[document]] followed by file = "..."'
            )


def _check_unique(
    path: Path,
    raw: str,
    i: int,
    entry: DocumentEntry,
    entries: Mapping[str, DocumentEntry],
    owners: Mapping[str, str],
) -> None:
    if entry.file in entries:
        raise ManifestError(
            f"{path}:{_line_of(raw, i, 'file')}: '{entry.file}' has two entries; "
            "merge them into one"
        )
    if entry.id is None:
        return
    if not entry.id.strip():
        raise ManifestError(f"{path}:{_line_of(raw, i, 'id')}: id must not be empty; remove it")
    if entry.id in owners:
        raise ManifestError(
            f"{path}:{_line_of(raw, i, 'id')}: id '{entry.id}' is already used by "
            f"{owners[entry.id]}; give each document its own id"
        )


def _line_of_top_level(raw: str, key: str) -> int:
    """Line (1-based) where a top-level key or table is defined."""
    pattern = re.compile(rf"^\s*(?:\[\[?\s*{re.escape(key)}\s*\]\]?|{re.escape(key)}\s*=)")
    for n, line in enumerate(raw.splitlines(), start=1):
        if pattern.match(line):
            return n
    return 1


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
    replies_to = entry.get("in_reply_to", [])
    if not isinstance(replies_to, list) or not all(isinstance(x, str) for x in replies_to):
        raise fail("in_reply_to", 'in_reply_to must be a list of request ids, e.g. ["002"]')
    if "role" in entry and entry["role"] not in ROLES:
        raise fail("role", f'role must be "request" or "reply", not {entry.get("role")!r}')
    date = str(entry.get("date", ""))
    if date and not ISO_DATE.match(date):
        raise fail("date", f"date {date!r} is not ISO 8601; write YYYY-MM-DD (or YYYY-MM, YYYY)")
    if date and not valid_iso(date):
        raise fail("date", f"date {date!r} is not a day of the calendar; fix the month or day")


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
