"""Slices of a run: the concerns a reader asked for (`comparator show --verdict ignored …`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InputError
from .export import RunTables
from .rows import ConcernRow


@dataclass(frozen=True)
class Slice:
    """Values to keep per column; an empty tuple keeps everything. Values of one filter are
    alternatives (`--verdict ignored --verdict deflected`), filters combine with 'and'."""

    verdict: tuple[str, ...] = ()
    reason: tuple[str, ...] = ()
    position: tuple[str, ...] = ()
    doc: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.verdict or self.reason or self.position or self.doc or self.kind)

    def describe(self) -> str:
        parts = [
            f"{name}={'|'.join(values)}"
            for name, values in (
                ("verdict", self.verdict),
                ("reason", self.reason),
                ("position", self.position),
                ("doc", self.doc),
                ("kind", self.kind),
            )
            if values
        ]
        return ", ".join(parts)


def _doc_keys(row: ConcernRow) -> set[str]:
    """A request document is named by its id (the concern id's prefix) or its file name."""
    return {row.doc_id, row.request_doc}


def _reason_keys(row: ConcernRow) -> set[str]:
    """A reason is named in full ('deflected:shift') or by its code alone ('shift')."""
    return {row.reason.value, row.reason.split(":", 1)[-1]}


def _check(name: str, wanted: Sequence[str], known: set[str]) -> None:
    unknown = [w for w in wanted if w not in known]
    if unknown:
        choices = ", ".join(sorted(known)) or "none"
        raise InputError(f"--{name} {unknown[0]!r}: not in this run; it has {choices}")


def select(tables: RunTables, wanted: Slice) -> RunTables:
    """The concerns that pass every filter, with their matches; passages stay whole.

    Raises:
        InputError: a --doc, --reason or --kind value that no concern of the run has.
    """
    rows = tables.concerns
    _check("doc", wanted.doc, set().union(*(_doc_keys(r) for r in rows)))
    _check("reason", wanted.reason, set().union(*(_reason_keys(r) for r in rows)))
    _check("kind", wanted.kind, {r.kind for r in rows})

    def keep(r: ConcernRow) -> bool:
        return (
            (not wanted.verdict or r.verdict in wanted.verdict)
            and (not wanted.reason or bool(_reason_keys(r) & set(wanted.reason)))
            and (not wanted.position or r.stated in wanted.position)
            and (not wanted.doc or bool(_doc_keys(r) & set(wanted.doc)))
            and (not wanted.kind or r.kind in wanted.kind)
        )

    kept = [r for r in rows if keep(r)]
    ids = {r.concern_id for r in kept}
    return RunTables(kept, [m for m in tables.matches if m.concern_id in ids], tables.passages)
