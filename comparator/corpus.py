"""Documents and their metadata: the corpus manifest, or metadata inferred from the text."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import os
import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .errors import InputError, ManifestError
from .ingest import DEFAULT_MAX_BYTES, read_text, supported, unreadable
from .safetext import has_controls, visible_controls

Role = Literal["request", "reply"]
ROLES: tuple[Role, ...] = ("request", "reply")
MANIFEST_NAME = "corpus.toml"
MANIFEST_KEYS = {
    "file", "id", "role", "author", "addressee", "date", "title", "language", "in_reply_to",
}  # fmt: skip
# files of a corpus folder that are never documents, and never warned about: the manifest,
# a README, and data files (a coder's corrections.csv, a gold.csv beside the documents)
NOT_DOCUMENTS = {MANIFEST_NAME, "README.md"}
DATA_SUFFIXES = {".toml", ".json", ".csv", ".yaml", ".yml"}

MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
DATE_PATTERNS = (
    re.compile(r"\b(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)\b"),
)
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
MONTH_YEAR = re.compile(r"\b(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)\b")
# UN documents: "[Date received: 14 July 2017]" is when the author sent the text, and
# "Distr.: General 11 August 2017" when the UN issued it, weeks later.
DATE_RECEIVED = re.compile(r"\[\s*date\s+received\s*:\s*(?P<date>[^\]]{4,40})\]", re.IGNORECASE)
DISTRIBUTION_DATE = re.compile(r"\bdistr\.?\s*:\s*[a-z]+\s+(?P<date>.{4,40})", re.IGNORECASE)
# A line that says when the document came out ("Published 21 March 2024", "Ordered to be
# printed 11 July 2011 and published 19 July 2011"); the publication date wins on the line.
PUBLICATION_LINE = re.compile(
    r"\b(?:published|updated|presented|ordered\b.{0,60}\bprinted)\b", re.IGNORECASE
)
PUBLISHED = re.compile(r"\bpublished\b", re.IGNORECASE)
DATE_LINE_MAX_CHARS = 40  # a line this short that holds a date is a date line, not prose
APOS = "['’‘`]"


@dataclass(frozen=True)
class InferenceSettings:
    """How much of a text is read for its metadata, and how much each kind of role cue counts.

    Set on the real pairs at hand (6 UK inquiry/committee reports with their government
    responses, one lone response, 2 UN treaty-body and UPR pairs) and the 5 seed letters, all
    of which these values get right. A strong reply cue outweighs two strong request cues
    because a reply names what it answers ("Government Response to the Committee's Fifth
    Report of Session 2017–19", "follow-up to the concluding observations"), so request words
    turn up in replies far more often than reply words in requests.
    """

    head_chars: int = 3000  # role cues and dates are sought on the title page and page 1-2
    strong_reply: int = 6
    strong_request: int = 3
    weak: int = 1


INFERENCE = InferenceSettings()


@dataclass(frozen=True)
class RoleCue:
    """A phrase that says what kind of document a text is."""

    role: Role
    strong: bool
    label: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None  # the cue does not count if this is in the head too
    only_with: re.Pattern[str] | None = None  # the cue counts only if this is in the head too

    @property
    def weight(self) -> int:
        if not self.strong:
            return INFERENCE.weak
        return INFERENCE.strong_reply if self.role == "reply" else INFERENCE.strong_request

    def found_in(self, head: str) -> bool:
        return (
            self.pattern.search(head) is not None
            and not (self.unless and self.unless.search(head))
            and (self.only_with is None or self.only_with.search(head) is not None)
        )


def _cue(
    role: Role,
    strong: bool,
    label: str,
    pattern: str,
    flags: int = re.IGNORECASE,
    unless: str | None = None,
    only_with: str | None = None,
) -> RoleCue:
    def compile_(p: str | None) -> re.Pattern[str] | None:
        return re.compile(p, re.IGNORECASE | re.DOTALL) if p else None

    return RoleCue(
        role, strong, label, re.compile(pattern, flags), compile_(unless), compile_(only_with)
    )


UPR_REPORT = r"report\s+of\s+the\s+working\s+group\s+on\s+the\s+universal\s+periodic\s+review"
VIEWS_ON_CONCLUSIONS = r"views\s+on\s+conclusions\s+and/or\s+recommendations"
MISSION_LETTERHEAD = (
    r"\A\W*(?:the\s+)?permanent\s+mission\b|permanent\s+mission\s+of\b.{0,200}?presents\s+its"
    r"\s+compliments"
)
YOUR_LETTER = r"(?:letter|communication|note|e-?mail|request|enquiry|inquiry)"
ABOUT_YOUR_LETTER = (
    r"\b(?:in\s+(?:response|reply)\s+to|further\s+to|with\s+reference\s+to|refer\s+to"
    rf"|acknowledge\s+receipt\s+of)\s+your\s+(?:\w+\s+)?{YOUR_LETTER}"
)
REPLIES_TO_ISSUES = r"\brepl(?:y|ies)\s+of\b.{0,80}?\bto\s+the\s+list\s+of\s+issues"
REPLY_HEADING = r"information\s+received|views\s+on|response|repl(?:y|ies)\s+(?:of|to|from)"
ROLE_CUES: tuple[RoleCue, ...] = (
    _cue("reply", True, '"Information received from … on follow-up"',
         r"information\s+received\s+from\b.{0,150}?\bfollow-up", re.I | re.S),
    _cue("reply", True, '"[Date received: …]"', r"\[\s*date\s+received\s*:"),
    _cue("reply", True, '"Views on conclusions and/or recommendations"', VIEWS_ON_CONCLUSIONS),
    _cue("reply", True, "Addendum to a UPR working-group report",
         UPR_REPORT + r"\b.{0,300}?\baddendum\b", re.I | re.S),
    _cue("reply", True, '"Replies of … to the list of issues"', REPLIES_TO_ISSUES, re.I | re.S),
    _cue("reply", True, '"Government response to …" / "Response to the … report"',
         rf"(?i:\bgovernment(?:{APOS}s)?\s+response\s+to\b)|^[ \t*]*Response\s+to\s+the\b"
         r"(?s:.{0,150}?)\b(?i:report|review|inquiry|investigation|recommendations|"
         r"observations|letter|communication)", re.M),
    _cue("reply", False, '"the Government\'s response/reply"',
         rf"\bgovernment(?:{APOS}s)?\s+(?:response|reply)\b"),
    _cue("reply", False, '"response/reply of the Government"',
         r"\b(?:response|reply|replies|comments)\s+(?:of|by|from)\s+the\s+government\b"),
    _cue("reply", True, "letter from a Permanent Mission", MISSION_LETTERHEAD, re.I | re.S),
    _cue("reply", False, '"Permanent Mission"', r"\bpermanent\s+mission\b",
         unless=MISSION_LETTERHEAD),
    _cue("reply", True, '"Thank you for your letter"',
         rf"\bthank\s+you\s+for\s+your\s+{YOUR_LETTER}"),
    _cue("reply", True, '"in reply to your letter"', ABOUT_YOUR_LETTER),
    _cue("reply", True, '"Please find … response"',
         r"\bplease\s+find\b.{0,60}?\b(?:response|reply|answer)\b", re.I | re.S),
    _cue("reply", True, '"Subject: … response"', r"^\W*subject:.*\b(?:response|reply)\b",
         re.I | re.M),
    _cue("reply", False, '"in response to"', r"\bin\s+(?:response|reply)\s+to\b",
         unless=ABOUT_YOUR_LETTER),
    _cue("reply", False, 'UN symbol ending in "/Add.N"', r"\b[A-Z]{1,8}(?:/[A-Z0-9.]+)+/Add\.\d+",
         re.M, only_with=REPLY_HEADING),
    _cue("request", True, '"Concluding observations"', r"\bconcluding\s+observations\b"),
    _cue("request", True, "UPR working-group report", UPR_REPORT,
         unless=rf"\baddendum\b|{VIEWS_ON_CONCLUSIONS}"),
    _cue("request", True, '"List of issues"', r"^\W*list\s+of\s+issues\b", re.I | re.M,
         unless=REPLIES_TO_ISSUES),
    _cue("request", True, "letter from a UN special procedure",
         r"\bmandates?\s+of\s+the\s+(?:special\s+rapporteur|working\s+group|independent\s+expert)"
         r"|\bin\s+(?:my|our)\s+capacit(?:y|ies)\s+as\b"),
    _cue("request", True, '"Report of Session" (parliamentary committee report)',
         r"\breport\s+of\s+session\b", unless=r"\bspecial\s+report\s+of\s+session\b"),
    _cue("request", True, "inquiry report",
         r"\bpursuant\s+to\s+section\s+\d+\s+of\s+the\s+inquiries\s+act\b|\binquiry\s+report\b"),
    _cue("request", True, '"Independent report"', r"\bindependent\s+report\b"),
    _cue("request", True, "shadow, alternative or stakeholder report",
         r"\b(?:shadow|alternative|parallel|stakeholder|civil[-\s]society|NGO)\s+"
         r"(?:report|submission)\b|\bopen\s+letter\b"),
    _cue("request", True, "civil-society letter",
         r"\bwe,?\s+the\s+undersigned\b|\bwe\s+(?:urge|call\s+(?:up)?on)\b"
         r"|\b(?:are|am)\s+writing\s+to\s+(?:urge|express|raise|ask|request)\b"),
    _cue("request", False, '"HL Paper N" / "HC N" (House paper)',
         r"\bHL\s+Paper\s+\d+|\bHC\s+\d+\b", 0),
    _cue("request", False, '"A report by"', r"\ba\s+report\s+by\b"),
    _cue("request", False, '"final report" / "independent review"',
         r"\bfinal\s+report\b|\bindependent\s+review\b"),
    _cue("request", False, "letter to a head of government or minister",
         r"^\W*dear\s+(?:mr\.?\s+|madam\s+|madame\s+)?(?:vice\s+)?(?:president|prime\s+minister"
         r"|minister|secretary|governor|chancellor|ambassador|excellency)", re.I | re.M),
    _cue("request", False, '"civil society"', r"\bcivil[-\s]society\b"),
    _cue("request", False, '"issue brief" / "briefing paper"',
         r"\b(?:issue|policy)\s+brief\b|\bbriefing\s+(?:paper|note)\b"),
    _cue("request", False, 'a call to act ("… should", "violates")',
         r"\b(?:administration|government|state\s+party|authorities|department|congress)\s+"
         r"(?:should|must)\b|\bviolat(?:e|es|ed|ing|ion|ions)\b"),
)  # fmt: skip


@dataclass(frozen=True)
class RoleEvidence:
    """What the head of one document says about its role: cue weights for each side."""

    request: int = 0
    reply: int = 0
    cues: tuple[RoleCue, ...] = ()

    @property
    def role(self) -> Role:
        return "reply" if self.reply > self.request else "request"

    def lean(self, role: Role) -> int:
        """How far the evidence leans towards `role` (negative: away from it)."""
        return self.reply - self.request if role == "reply" else self.request - self.reply

    @property
    def confident(self) -> bool:
        """A strong cue for the role and, for a request, no strong reply cue against it.

        A strong request cue does not shake a reply, which names the report it answers.
        """
        strong = {c.role for c in self.cues if c.strong}
        return self.role in strong and (self.role == "reply" or "reply" not in strong)

    def describe(self, role: Role) -> str:
        labels = [c.label for c in self.cues if c.role == role]
        return ", ".join(labels) if labels else f"no {role} cue"


def role_evidence(text: str, title: str = "") -> RoleEvidence:
    """Score the role cues found in the head of a document and in its title, if one is given."""
    head = f"{text[: INFERENCE.head_chars]}\n{title}"
    cues = tuple(c for c in ROLE_CUES if c.found_in(head))
    return RoleEvidence(
        request=sum(c.weight for c in cues if c.role == "request"),
        reply=sum(c.weight for c in cues if c.role == "reply"),
        cues=cues,
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
    in_reply_to: tuple[str, ...] = ()  # a reply answers only these requests (doc ids)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Corpus:
    """The documents of a run. `selection` names the files (relative to `root`) when the
    corpus was given as files rather than a folder, and `roles_given` the roles stated on
    the command line; both are recorded in the manifest so that `--verify` can reload it."""

    root: Path
    documents: tuple[Document, ...]
    manifest_sha256: str | None
    warnings: tuple[str, ...] = field(default=(), compare=False)
    selection: tuple[str, ...] | None = None
    roles_given: tuple[tuple[str, Role], ...] = ()

    def by_role(self, role: Role) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.role == role)


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
        raise InputError(f"{root}: no such {what}; pass a folder of letters and replies, or files")
    if root.is_file():
        return load_files([root], {}, max_bytes, extract_cache)
    files = _folder_files(root)
    manifest_path = root / MANIFEST_NAME
    raw = _read_manifest_bytes(manifest_path) if manifest_path.exists() else None
    entries = _read_manifest(manifest_path, raw, files) if raw is not None else {}
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
    scored = [
        _document(p, entries.get(p.name), ids[p.name], max_bytes, extract_cache) for p in chosen
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
    entries: dict[str, dict[str, Any]] = {}
    manifest_hash = None
    if len(folders) == 1 and manifest_path.exists():
        raw = _read_manifest_bytes(manifest_path)
        entries = _read_manifest(
            manifest_path, raw, sorted(p for p in root.iterdir() if p.is_file())
        )
        manifest_hash = _sha256(raw)
    given = {p.resolve(): role for p, role in roles.items()}
    ordered = sorted(files, key=lambda f: f.resolve())
    ids = document_ids(ordered, _given_ids(entries))
    scored = []
    for p in ordered:
        entry = dict(entries.get(p.name, {}))
        if p.resolve() in given:
            entry["role"] = given[p.resolve()]
        scored.append(_document(p, entry or None, ids[p.name], max_bytes, extract_cache))
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
            raise InputError(f"{p}: no such file; check the path")
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
        if has_controls(p.name):
            shown = visible_controls(p.name.replace("\n", "␤").replace("\r", "␍"))
            raise InputError(f"{root / shown}: file name has a control character; rename the file")
        if p.is_symlink():
            target = p.resolve()
            if not target.is_relative_to(inside):
                raise InputError(
                    f"{p}: a link to {visible_controls(str(target))}, outside the corpus "
                    "folder; copy the file into the folder instead, or remove the link"
                )
        if p.is_file():
            files.append(p)
    return files


def _readme_notes(files: Sequence[Path], entries: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(
        f"{p}: left out as the corpus's read-me; list it in {MANIFEST_NAME} to analyse it"
        for p in files
        if p.name in README_NAMES and p.name not in entries
    )


def _given_ids(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    return {name: str(e["id"]) for name, e in entries.items() if "id" in e}


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
    entry: dict[str, Any] | None,
    doc_id: str,
    max_bytes: int,
    extract_cache: Path | None,
) -> tuple[Document, RoleEvidence]:
    text, warnings = read_text(path, max_bytes, extract_cache)
    try:
        sha256 = _sha256(path.read_bytes())
    except OSError as e:
        raise unreadable(path, e) from None
    entry = entry or {}
    evidence = role_evidence(text, entry.get("title", ""))
    inferred = tuple(k for k in ("role", "date", "author", "addressee", "title") if k not in entry)
    meta = {"role": evidence.role, **_infer_fields(path, text), **entry}
    document = Document(
        path=path,
        doc_id=doc_id,
        in_reply_to=tuple(meta.get("in_reply_to", ())),
        role=meta["role"],
        author=meta.get("author", ""),
        addressee=meta.get("addressee", ""),
        date=meta.get("date", ""),
        title=meta.get("title", ""),
        language=meta.get("language", "en"),
        text=text,
        sha256=sha256,
        inferred=inferred,
        warnings=tuple(warnings),
    )
    return document, evidence


def decide_roles(scored: list[tuple[Document, RoleEvidence]]) -> tuple[Document, ...]:
    """Settle inferred roles for the corpus as a whole, warning where the evidence is thin.

    A corpus needs both roles, so when every document looks like a request (or every one like
    a reply), the inferred one with the strongest evidence for the other role takes it.
    """
    odd_one = _odd_one_out(scored)
    decided = []
    for i, (doc, evidence) in enumerate(scored):
        if "role" not in doc.inferred:
            decided.append(doc)
        elif i == odd_one:
            decided.append(_swap_role(doc, evidence))
        elif not evidence.confident:
            decided.append(
                replace(doc, warnings=(*doc.warnings, _weak_role_warning(doc, evidence)))
            )
        else:
            decided.append(doc)
    return tuple(decided)


def _odd_one_out(scored: list[tuple[Document, RoleEvidence]]) -> int | None:
    """Index of the document to give the missing role, if every document has the same one."""
    roles = {doc.role for doc, _ in scored}
    candidates = [i for i, (doc, _) in enumerate(scored) if "role" in doc.inferred]
    if len(scored) < 2 or len(roles) > 1 or not candidates:
        return None
    # On equal evidence a reply is the latest document and a request the earliest.
    if roles == {"request"}:
        return max(candidates, key=lambda i: (scored[i][1].lean("reply"), scored[i][0].date))
    return min(
        candidates, key=lambda i: (-scored[i][1].lean("request"), scored[i][0].date or "9999")
    )


def _other(role: Role) -> Role:
    return "request" if role == "reply" else "reply"


def _swap_role(doc: Document, evidence: RoleEvidence) -> Document:
    role, other = doc.role, _other(doc.role)
    reason = (
        f"it has the most {other} evidence ({evidence.describe(other)})"
        if any(c.role == other for c in evidence.cues)
        else f"it has the least {role} evidence ({evidence.describe(role)})"
    )
    warning = (
        f"{doc.name}: taken as the {other}, since every document looked like a {role} and "
        f'{reason}; if that is wrong, set role = "{role}" for {doc.name} in {MANIFEST_NAME} '
        f'and role = "{other}" for the {other}'
    )
    return replace(doc, role=other, warnings=(*doc.warnings, warning))


def _weak_role_warning(doc: Document, evidence: RoleEvidence) -> str:
    other = _other(doc.role)
    return (
        f"{doc.name}: taken as a {doc.role} on weak evidence ({evidence.describe(doc.role)}; "
        f"{evidence.describe(other)}); if it is a {other}, set role = "
        f'"{other}" for {doc.name} in {MANIFEST_NAME}'
    )


def default_doc_id(path: Path) -> str:
    """A leading number of the file name ('002_…' → '002'), else '' (a number is given
    later, see `_with_ids`)."""
    m = re.match(r"(\d{1,6})[_\-. ]", path.name)
    return m.group(1) if m else ""


def infer_metadata(path: Path, text: str, title: str = "") -> dict[str, str]:
    """Best guesses at role, date, author and title from the text itself."""
    return {"role": role_evidence(text, title).role, **_infer_fields(path, text)}


def _infer_fields(path: Path, text: str) -> dict[str, str]:
    head = text[: INFERENCE.head_chars]
    meta: dict[str, str] = {}
    date = infer_date(head)
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


def infer_date(text: str) -> str | None:
    """The document's own date as ISO 8601, from the head of its text.

    In order: a UN "[Date received: …]" (when the author sent it), a UN "Distr.: General …"
    (when it was issued), the first date on a date line or publication line, and last a
    month alone on such a line ("January 2026" → "2026-01").
    """
    head = text[: INFERENCE.head_chars]
    for m in (DATE_RECEIVED.search(head), DISTRIBUTION_DATE.search(head)):
        date = find_date(m.group("date")) if m else None
        if date:
            return date
    lines = [line.strip() for line in head.splitlines()]
    short = [ln for ln in lines if len(ln) < DATE_LINE_MAX_CHARS or PUBLICATION_LINE.search(ln)]
    date = next((d for ln in short for d in [_date_on_line(ln)] if d), None)
    if date:
        return date
    month_lines = [ln for ln in short if PUBLICATION_LINE.search(ln) or MONTH_YEAR.fullmatch(ln)]
    return next((m for ln in month_lines for m in [find_month(ln)] if m), None)


def _date_on_line(line: str) -> str | None:
    """The line's date; on "printed 11 July 2011 and published 19 July 2011", the second."""
    published = PUBLISHED.search(line)
    return (find_date(line[published.end() :]) if published else None) or find_date(line)


def find_date(text: str) -> str | None:
    """The first written date ('January 24, 2018', '25 March 2021') as ISO 8601."""
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = m.group("month").lower()
            if month in MONTHS:
                iso = f"{m.group('year')}-{MONTHS.index(month) + 1:02d}-{int(m.group('day')):02d}"
                if _valid_iso(iso):
                    return iso
    return None


def find_month(text: str) -> str | None:
    """The first written month ('January 2026') as ISO 8601 ('2026-01')."""
    for m in MONTH_YEAR.finditer(text):
        month = m.group("month").lower()
        if month in MONTHS:
            return f"{m.group('year')}-{MONTHS.index(month) + 1:02d}"
    return None


def _read_manifest_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise unreadable(path, e) from None


def _read_manifest(path: Path, data: bytes, files: list[Path]) -> dict[str, dict[str, Any]]:
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ManifestError(f"{path}: not UTF-8 (byte {e.start}); re-save it as UTF-8") from None
    try:
        data_ = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(f"{path}: not valid TOML ({e}); fix the syntax") from None
    _check_top_level(path, raw, data_)
    names = {p.name for p in files}
    entries: dict[str, dict[str, Any]] = {}
    owners: dict[str, str] = {}
    for i, entry in enumerate(data_.get("document", [])):
        _check_entry(path, raw, i, entry, names)
        clean: dict[str, Any] = {
            k: tuple(visible_controls(str(x)) for x in v)
            if k == "in_reply_to"
            else visible_controls(str(v))
            for k, v in entry.items()
        }
        _check_unique(path, raw, i, clean, entries, owners)
        entries[clean["file"]] = clean
        if "id" in clean:
            owners[clean["id"]] = clean["file"]
    return entries


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
    entry: dict[str, str],
    entries: dict[str, dict[str, str]],
    owners: dict[str, str],
) -> None:
    if entry["file"] in entries:
        raise ManifestError(
            f"{path}:{_line_of(raw, i, 'file')}: '{entry['file']}' has two entries; "
            "merge them into one"
        )
    if "id" not in entry:
        return
    if not entry["id"].strip():
        raise ManifestError(f"{path}:{_line_of(raw, i, 'id')}: id must not be empty; remove it")
    if entry["id"] in owners:
        raise ManifestError(
            f"{path}:{_line_of(raw, i, 'id')}: id '{entry['id']}' is already used by "
            f"{owners[entry['id']]}; give each document its own id"
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
    if date and not _valid_iso(date):
        raise fail("date", f"date {date!r} is not a day of the calendar; fix the month or day")


def _valid_iso(date: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real day (no 2023-02-31)."""
    if not ISO_DATE.match(date):
        return False
    year, month, day = (*(int(p) for p in date.split("-")), 1, 1)[:3]
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


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
