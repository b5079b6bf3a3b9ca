"""The records segmentation produces: concerns (asks) of requests and passages of replies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .audit import Audit
    from .candidates import Trail

ConcernKind = Literal["question", "demand", "recommendation", "principle", "theme"]
KIND_CODES: dict[str, str] = {
    "question": "Q",
    "demand": "D",
    "recommendation": "R",
    "principle": "P",
    "theme": "T",
}


class Rule(StrEnum):
    """Why a text became a concern: the rule of request segmentation that made it."""

    NUMBERED_ITEM = (
        "numbered-item"  # an item of a numbered list of asks (115.1; 1. under a lead-in)
    )
    LEAD_IN_LIST = "lead-in-list"  # a bulleted or unmarked item under a lead-in ("we urge … to:")
    DIRECTIVE_PARAGRAPH = "directive-paragraph"  # a directive sentence of a numbered paragraph
    LIMB = "limb"  # a lettered limb of a directive paragraph
    CHAPTER_ITEM = "chapter-item"  # an item or paragraph of a "Recommendations" chapter
    TITLED_ITEM = "titled-item"  # a numbered title's limb or paragraph in such a chapter
    LABEL = "label"  # the text under a "Recommendation N" label
    QUESTION = "question"  # a numbered or bulleted question
    QUOTED_QUESTION = "quoted-question"  # an ask a reply quotes before answering it
    REFERENCED = "referenced-paragraph"  # a recommendation the document names by paragraph


# How a concern found its answer in the replies.
LinkKind = Literal["key", "quote", "retrieval", "none"]


@dataclass(frozen=True)
class ConcernPart:
    """A lettered sub-item (a), (b)… of a concern, addressable as ``<concern id>.<label>``."""

    label: str
    text: str


@dataclass(frozen=True)
class Concern:
    """One ask of a request, with its label as printed and its normalised key.

    `label`: the document's own label ("24 (a)", "115.18", "Recommendation 4"), so a user
    finds the ask in the source; `key`: its normalised form ("24(a)", "115.18", "4");
    `context`: the chapeau a limb hangs from ("The State party should, in particular:");
    `source`: who made the recommendation (UPR: the recommending States).
    """

    concern_id: str
    doc: str
    kind: ConcernKind
    text: str
    section: str
    number: str
    addressee: str
    start: int
    end: int
    quoted: bool = False
    parts: tuple[ConcernPart, ...] = ()
    paired_passages: tuple[str, ...] = ()
    label: str = ""
    key: str = ""
    context: str = ""
    source: str = ""
    link: LinkKind = "none"
    link_note: str = ""
    # answers of other asks this one refers to ("See recommendation 24", "information on
    # paragraphs 20 and 32"): paired with it, but written for them
    lent_passages: tuple[str, ...] = ()
    # a position stated in a list ("accepts the recommendations 1-5"): (position, sentence)
    listed_position: tuple[str, str] = ("", "")
    # the rule that made it a concern (numbered-item, limb, label…); None for a quoted ask
    # that linking reads off a reply
    rule: Rule | None = None
    # the position the request itself records for it (a UPR report's "…enjoy the support of
    # X"), and the sentence that records it: ("", "") when it records none
    stated_position: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class ReplyPassage:
    passage_id: str
    doc: str
    text: str
    sentences: tuple[str, ...]
    start: int
    end: int
    section: str = ""
    answers: str = ""
    keys: tuple[str, ...] = ()  # request keys this passage is written to answer ("Rec. 18")
    labelled: bool = False  # the passage opens with its key's label ("Rec. 18 We consider…")


@dataclass(frozen=True)
class Segmentation:
    concerns: tuple[Concern, ...]
    passages: tuple[ReplyPassage, ...]
    warnings: tuple[str, ...] = ()
    # each request's outline audit, and the trail of its passes (by document name)
    audits: tuple[Audit, ...] = ()
    trails: tuple[tuple[str, Trail], ...] = ()


def concern_lookup(concerns: Iterable[Concern]) -> dict[str, Concern]:
    return {c.concern_id: c for c in concerns}
