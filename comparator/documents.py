"""The records of a corpus: each document with its metadata, and the corpus they make."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Role = Literal["request", "reply"]
ROLES: tuple[Role, ...] = ("request", "reply")


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
