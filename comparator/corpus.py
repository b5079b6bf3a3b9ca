"""Loading a corpus: a folder's (or the named files') documents, each with its id, role,
date, author and title, from corpus.toml where stated and inferred from the text where not."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .corpus_toml import MANIFEST_NAME, DocumentEntry, read_manifest, read_manifest_bytes
from .dates import infer_date
from .documents import ROLES, Corpus, Document, Role
from .errors import InputError, ManifestError
from .files import kind_of, read_regular, unreadable
from .ingest import DEFAULT_MAX_BYTES, read_text, supported
from .roles import INFERENCE, RoleEvidence, decide_roles, role_evidence
from .safetext import has_controls, shown_name, undecodable, visible_controls

# files of a corpus folder that are never documents, and never warned about: the manifest,
# a README, and data files (a coder's corrections.csv, a gold.csv beside the documents)
NOT_DOCUMENTS = {MANIFEST_NAME, "README.md"}
DATA_SUFFIXES = {".toml", ".json", ".csv", ".yaml", ".yml"}


def load_corpus(
    root: Path, max_bytes: int = DEFAULT_MAX_BYTES, extract_cache: Path | None = None
) -> Corpus:
    """Load every supported file of a corpus folder (or one file) with its metadata.

    Files of other types that corpus.toml does not name are skipped, with one warning.

    Raises:
        InputError: the folder is missing or empty, has no requests or no replies, a file
            cannot be read, links out of the folder or has control characters in its name.
        ManifestError: corpus.toml has a mistake (reported with its line).
    """
    if not root.exists():
        what = "file" if root.suffix else "corpus folder"
        raise InputError(
            f"{shown_name(str(root))}: no such {what}; pass a folder of letters and replies, "
            "or files"
        )
    if undecodable(str(root.resolve())):
        raise InputError(f"{shown_name(str(root))}: path is not valid UTF-8; rename the folder")
    if root.is_file() or kind_of(root) != "a folder":
        return load_files([root], {}, max_bytes, extract_cache)
    files = _folder_files(root)
    manifest_path = root / MANIFEST_NAME
    raw = read_manifest_bytes(manifest_path) if manifest_path.exists() else None
    entries = read_manifest(manifest_path, raw, files) if raw is not None else {}
    candidates = [
        p
        for p in files
        if p.name != MANIFEST_NAME
        and (p.name not in NOT_DOCUMENTS or p.name in entries)
        and not p.name.startswith(".")
        and (p.suffix.lower() not in DATA_SUFFIXES or p.name in entries)
    ]
    chosen = [p for p in candidates if supported(p) or p.name in entries]
    skipped = [p.name for p in candidates if p not in chosen]
    warnings = (
        (
            f"{root}: skipped {len(skipped)} file(s) of unsupported type: {', '.join(skipped)} "
            f"(name a file in {MANIFEST_NAME} to read it as text)",
        )
        if skipped
        else ()
    )
    ids = document_ids(chosen, _given_ids(entries))

    def entry_of(p: Path) -> DocumentEntry:
        return entries.get(p.name, DocumentEntry(p.name))

    scored = [
        _document(
            p, entries.get(p.name, DocumentEntry(p.name)), ids[p.name], max_bytes, extract_cache
        )
        for p in chosen
    ]
    if not scored:
        raise InputError(
            f"{root}: no documents found; add letters and replies (.txt, .md, .pdf, .docx, .html)"
        )
    manifest_hash = _sha256(raw) if raw is not None else None
    documents = _checked_threads(decide_roles(scored), manifest_path)
    return Corpus(root, documents, manifest_hash, warnings + _readme_notes(files, entries))


def load_files(
    paths: Sequence[Path],
    roles: Mapping[Path, Role],
    max_bytes: int = DEFAULT_MAX_BYTES,
    extract_cache: Path | None = None,
) -> Corpus:
    """Documents given one by one (`comparator run A.pdf B.pdf --reply C.pdf`), read like a
    folder of just those files; a corpus.toml beside them (all in one folder) still applies.

    Args:
        paths: the files, in the order given; roles' keys must be among them.
        roles: roles stated on the command line; they win over corpus.toml and inference.
    """
    files = _unique_files([*paths, *(p for p in roles if p not in paths)])
    root = Path(os.path.commonpath([str(p.resolve().parent) for p in files]))
    folders = {p.resolve().parent for p in files}
    manifest_path = root / MANIFEST_NAME
    entries: dict[str, DocumentEntry] = {}
    manifest_hash = None
    if len(folders) == 1 and manifest_path.exists():
        raw = read_manifest_bytes(manifest_path)
        entries = read_manifest(
            manifest_path, raw, sorted(p for p in root.iterdir() if p.is_file())
        )
        manifest_hash = _sha256(raw)
    given = {p.resolve(): role for p, role in roles.items()}
    ordered = sorted(files, key=lambda f: f.resolve())
    ids = document_ids(ordered, _given_ids(entries))
    scored = []
    for p in ordered:
        entry = entries.get(p.name, DocumentEntry(p.name))
        if p.resolve() in given:  # the command line's role wins
            entry = replace(entry, role=given[p.resolve()])
        scored.append(_document(p, entry, ids[p.name], max_bytes, extract_cache))
    relative = tuple(p.resolve().relative_to(root).as_posix() for p in files)
    stated = tuple(sorted((p.resolve().relative_to(root).as_posix(), r) for p, r in given.items()))
    documents = _checked_threads(decide_roles(scored), manifest_path)
    return Corpus(root, documents, manifest_hash, (), tuple(sorted(relative)), stated)


def load_inputs(
    paths: Sequence[Path],
    requests: Sequence[Path] = (),
    replies: Sequence[Path] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    extract_cache: Path | None = None,
    default: Path = Path("seeds"),
) -> Corpus:
    """What the command line names: one folder (default: `default`), or files with roles."""
    roles: dict[Path, Role] = {p: "request" for p in requests}
    roles.update({p: "reply" for p in replies})
    both = set(requests) & set(replies)
    if both:
        raise InputError(f"{sorted(both)[0]}: given as both --request and --reply; pick one")
    if not paths and not roles:
        return load_corpus(default, max_bytes, extract_cache)
    if len(paths) == 1 and not roles and paths[0].is_dir():
        return load_corpus(paths[0], max_bytes, extract_cache)
    if len(paths) == 1 and not roles and not paths[0].exists():
        return load_corpus(paths[0], max_bytes, extract_cache)  # its message names a folder
    return load_files(paths, roles, max_bytes, extract_cache)


def _checked_threads(documents: tuple[Document, ...], manifest: Path) -> tuple[Document, ...]:
    """`in_reply_to` belongs on a reply and names requests of the corpus by id."""
    requests = [d.doc_id for d in documents if d.role == "request"]
    for d in documents:
        if d.in_reply_to and d.role != "reply":
            raise ManifestError(
                f"{manifest}: {d.name} is a {d.role}, but has in_reply_to; only a reply "
                "names the requests it answers"
            )
        unknown = [i for i in d.in_reply_to if i not in requests]
        if unknown:
            raise ManifestError(
                f"{manifest}: {d.name}: in_reply_to names {unknown[0]!r}, which is not the id "
                f"of a request here; requests: {', '.join(requests) or 'none'}"
            )
    return documents


def _unique_files(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    names: dict[str, Path] = {}
    for p in paths:
        if not p.exists():
            raise InputError(f"{shown_name(str(p))}: no such file; check the path")
        check_name(p)
        if p.is_dir():
            raise InputError(f"{p}: a folder among files; pass one corpus folder, or files only")
        if p.name in names and names[p.name].resolve() != p.resolve():
            raise InputError(
                f"{p}: another file given is also named {p.name} ({names[p.name]}); "
                "rename one of them"
            )
        if p.name not in names:
            names[p.name] = p
            out.append(p)
    return out


README_NAMES = {"README.md"}


def _folder_files(root: Path) -> list[Path]:
    """The folder's files, sorted; a link must stay inside the folder, and a name must be
    printable (it is shown in every report)."""
    inside = root.resolve()
    files = []
    for p in sorted(root.iterdir()):
        check_name(p)
        if p.name.startswith("."):
            continue  # never a document
        if p.is_symlink():
            target = p.resolve()
            if not target.is_relative_to(inside):
                raise InputError(
                    f"{p}: a link to {visible_controls(str(target))}, outside the corpus "
                    "folder; copy the file into the folder instead, or remove the link"
                )
        try:
            kind = kind_of(p)
        except OSError as e:  # a link to nothing
            raise unreadable(p, e) from None
        if kind is None:
            files.append(p)
        elif kind != "a folder":
            raise InputError(f"{p}: is {kind}, not a regular file; remove it from the folder")
    return files


def check_name(path: Path) -> None:
    """A file's name is shown in every report and written to the manifest: it must be
    printable and UTF-8."""
    name = path.name
    if has_controls(name) or undecodable(name):
        problem = "has a control character" if has_controls(name) else "is not valid UTF-8"
        raise InputError(f"{shown_name(str(path))}: file name {problem}; rename the file")


def _readme_notes(files: Sequence[Path], entries: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(
        f"{p}: left out as the corpus's read-me; list it in {MANIFEST_NAME} to analyse it"
        for p in files
        if p.name in README_NAMES and p.name not in entries
    )


def _given_ids(entries: Mapping[str, DocumentEntry]) -> dict[str, str]:
    return {name: e.id for name, e in entries.items() if e.id is not None}


def document_ids(files: Sequence[Path], given: Mapping[str, str]) -> dict[str, str]:
    """Each file's document id, short and unique by construction: the corpus.toml `id`
    first (duplicates are refused there), then a leading number of the file name ('002_…'
    → '002') that no other file has, then the lowest free three-digit number (four digits
    and more past 999)."""
    ids = {p.name: given[p.name] for p in files if p.name in given}
    taken = set(ids.values())
    derived = {p.name: default_doc_id(p) for p in files if p.name not in ids}
    counts = Counter(derived.values())
    for name, base in derived.items():
        if base and counts[base] == 1 and base not in taken:
            ids[name] = base
            taken.add(base)
    free = (f"{n:03d}" for n in itertools.count() if f"{n:03d}" not in taken)
    for p in files:
        if p.name not in ids:
            ids[p.name] = next(free)
    return ids


def exchange_of(documents: tuple[Document, ...]) -> dict[str, str]:
    """Document name → its exchange: the requests and replies joined by `in_reply_to`
    (a reply to several requests joins them), named by their first request's id; documents
    outside any declared exchange share the empty one."""
    by_id = {d.doc_id: d.name for d in documents}
    parent = {d.name: d.name for d in documents}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for d in documents:
        for target in d.in_reply_to:
            if target in by_id:
                parent[root(by_id[target])] = root(d.name)
    members: dict[str, list[Document]] = {}
    for d in documents:
        members.setdefault(root(d.name), []).append(d)
    out: dict[str, str] = {}
    for group in members.values():
        requests = sorted(d.doc_id for d in group if d.role == "request")
        name = requests[0] if len(group) > 1 and requests else ""
        out.update((d.name, name) for d in group)
    return out


def require_both_roles(corpus: Corpus, quoted_concerns: int = 0) -> None:
    """An analysis needs a reply, and a request unless the replies quote what they answer."""
    for role in ROLES:
        if not corpus.by_role(role) and not (role == "request" and quoted_concerns):
            raise InputError(
                f"{corpus.root}: corpus has no {role} documents; add one, or set role = "
                f'"{role}" for a file in {MANIFEST_NAME}'
            )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _document(
    path: Path,
    entry: DocumentEntry,
    doc_id: str,
    max_bytes: int,
    extract_cache: Path | None,
) -> tuple[Document, RoleEvidence]:
    """The document with what corpus.toml states, and the rest inferred from its text."""
    text, warnings = read_text(path, max_bytes, extract_cache)
    try:
        sha256 = _sha256(read_regular(path))
    except OSError as e:
        raise unreadable(path, e) from None
    evidence = role_evidence(text, entry.title or "")
    inferred = tuple(
        k for k in ("role", "date", "author", "addressee", "title") if not entry.stated(k)
    )
    guess = _infer_fields(path, text)

    def given(value: str | None, otherwise: str) -> str:
        return otherwise if value is None else value

    document = Document(
        path=path,
        doc_id=doc_id,
        in_reply_to=entry.in_reply_to,
        role=entry.role or evidence.role,
        author=given(entry.author, guess.author),
        addressee=given(entry.addressee, ""),
        date=given(entry.date, guess.date),
        title=given(entry.title, guess.title),
        language=given(entry.language, "en"),
        text=text,
        sha256=sha256,
        inferred=inferred,
        warnings=tuple(warnings),
    )
    return document, evidence


def default_doc_id(path: Path) -> str:
    """A leading number of the file name ('002_…' → '002'), else '' (a number is given
    later, see `_with_ids`)."""
    m = re.match(r"(\d{1,6})[_\-. ]", path.name)
    return m.group(1) if m else ""


@dataclass(frozen=True)
class _Guess:
    """What the head of a text says of its date, author and title ('' where nothing)."""

    date: str
    author: str
    title: str


def _infer_fields(path: Path, text: str) -> _Guess:
    head = text[: INFERENCE.head_chars]
    mission = re.search(
        r"permanent mission\s+of\s+(?:the\s+)?([A-Za-z .]+?)(?:\s+to\b|$)",
        re.sub(r"\s+", " ", head),
        re.IGNORECASE,
    )
    author = f"Permanent Mission of {mission.group(1).strip().title()}" if mission else ""
    subject = re.search(r"^\W*SUBJECT:\s*(.+?)\W*$", head, re.MULTILINE)
    return _Guess(infer_date(head) or "", author, subject.group(1) if subject else path.stem)
