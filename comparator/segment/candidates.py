"""Candidates for concerns, the rule that made each, and the trail of every pass.

Request segmentation runs as named passes over a list of candidates (`requests`): making
passes propose a candidate from a block of the outline and name the rule that made it;
later passes drop a candidate (naming the rule that dropped it), split it, or add what the
document says of it. The trail keeps every step, so `comparator segment --why` can show,
per document, what each pass made or dropped and why, and a concern's `rule` column says
which rule made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .records import ConcernKind, Rule


class Drop(StrEnum):
    """Why a candidate is not a concern."""

    LISTED_ELSEWHERE = "listed-elsewhere"  # a chapter lists the recommendations; this restates
    NOT_BOLD = "not-bold"  # the chapter sets its recommendations in bold; this is not
    LABELS_WIN = "labels-win"  # the report labels its recommendations; this is not one
    TITLE = "title"  # a title that asks nothing
    REPEAT = "repeat"  # the same key and text as an earlier concern
    FRAGMENT = "fragment"  # a piece of a sentence too short to ask anything


@dataclass(frozen=True)
class Candidate:
    """A text that may be a concern: where it is, what it asks and which rule made it."""

    text: str
    kind: ConcernKind
    rule: Rule
    start: int
    end: int
    section: str = ""
    number: str = ""
    label: str = ""
    key: str = ""
    context: str = ""
    addressee: str = ""
    emphasized: bool = False
    source: str = ""
    # the position the document itself records for this ask ("enjoy the support of X") and
    # the sentence that records it
    stated: tuple[str, str] = ("", "")
    group: int = -1  # the list (or chapter) it belongs to, for passes that read a list whole
    origin: int = -1  # the outline block it was made from


@dataclass(frozen=True)
class Step:
    """One entry of the trail: a pass made, dropped, split or annotated a candidate."""

    pass_name: str
    action: str  # made | dropped | split | stated | kept
    rule: str
    where: str  # label and first words of the candidate
    note: str = ""


@dataclass
class Trail:
    """Every step of every pass, in order."""

    steps: list[Step] = field(default_factory=list)

    def made(self, pass_name: str, c: Candidate, note: str = "") -> None:
        self.steps.append(Step(pass_name, "made", c.rule.value, where(c), note))

    def dropped(self, pass_name: str, c: Candidate, rule: Drop, note: str = "") -> None:
        self.steps.append(Step(pass_name, "dropped", rule.value, where(c), note))

    def add(self, pass_name: str, action: str, c: Candidate, rule: str, note: str = "") -> None:
        self.steps.append(Step(pass_name, action, rule, where(c), note))


def where(c: Candidate) -> str:
    words = " ".join(c.text.split()[:8])
    return f"{c.label} {words}".strip() if c.label else words
