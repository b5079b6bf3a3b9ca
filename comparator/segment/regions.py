"""Where each block of a request sits: under which heading, inside a "Recommendations"
chapter or not, in back matter (annexes, glossaries) or not.

The first pass of request segmentation: the passes that make candidates read a block's
place instead of keeping state of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import TERMINAL
from .outline import Block

BACK_MATTER = re.compile(
    r"^(?:appendix|annex|glossary|references|bibliography|index|list of|"
    r"acknowledg|abbreviations|endnotes|notes|composition of the delegation)\b",
    re.IGNORECASE,
)
SALUTATION = re.compile(r"^(?:dear|sincerely|yours|best regards|kind regards|cc:)\b", re.I)
RECOMMEND_CUE = re.compile(r"\b(?:recommends?|urges?|calls? (?:on|upon)|should|must|shall)\b", re.I)
# a chapter whose heading names more than recommendations mixes them with other matter
MIXED_CHAPTER = re.compile(r"\b(?:conclusions?|concerns?|findings?|observations?)\b", re.I)
ITEMISED_SHARE = 0.8


@dataclass(frozen=True)
class Chapter:
    """A chapter whose heading names recommendations ("Summary of recommendations").

    `itemised`: its heading names nothing else and its numbered paragraphs recommend, so
    each numbered paragraph is one; `summary`: a "conclusions and recommendations"
    chapter, the report's own list."""

    start: int
    level: str
    itemised: bool
    summary: bool


@dataclass(frozen=True)
class Place:
    section: str = ""
    chapter: Chapter | None = None
    back_matter: bool = False
    heading: bool = False  # a heading (or a numbered heading over bullets): never an ask
    salutation: bool = False


def read_places(blocks: list[Block]) -> list[Place]:
    """Each block's place, reading the headings in order."""
    places: list[Place] = []
    section = ""
    chapter: Chapter | None = None
    back = False
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if SALUTATION.match(block.text):
            section = ""  # what came before 'Dear …' was the address block, not a heading
            places.append(Place(section, chapter, back, salutation=True))
            continue
        if is_numbered_heading(block, following):
            section = block.text
            places.append(Place(section, chapter, back, heading=True))
            continue
        if block.heading or (
            recommendations_heading(block.text) and block.kind not in ("number", "bullet")
        ):
            section = block.text
            if chapter is not None and signature(block) == chapter.level:
                chapter = None  # the next chapter of the same level
            if "recommend" in _letters(block.text):
                chapter = Chapter(i, signature(block), _itemised(blocks, i), _sums_up(block))
                back = False
            elif BACK_MATTER.match(block.body):
                chapter, back = None, True
            places.append(Place(section, chapter, back, heading=True))
            continue
        places.append(Place(section, chapter, back))
    return places


def _letters(text: str) -> str:
    """A heading's words without the spaces a PDF's letter spacing put inside them
    ('SUMMARY OF C ONCLUSIONS')."""
    return re.sub(r"\s+", "", text).lower()


def _sums_up(block: Block) -> bool:
    """'Conclusions and recommendations': a chapter that sums up the report."""
    return "conclusion" in _letters(block.text)


def signature(block: Block) -> str:
    """A heading's level, as its layout shows it: 'A.' letters, '2.' numbers in capitals…"""
    caps = block.body.isupper()
    return f"{block.kind or 'plain'}:{'caps' if caps else 'case'}"


def is_numbered_heading(block: Block, following: Block | None) -> bool:
    """'1. Access to justice' over bullets: a numbered heading, not a numbered paragraph."""
    if block.kind != "number" or block.body.rstrip()[-1:] in TERMINAL:
        return False
    if len(block.body.split()) > 15:
        return False
    return following is not None and following.kind == "bullet"


def recommendations_heading(text: str) -> bool:
    """'Summary of conclusions and recommendations': sentence-case headings count too."""
    return (
        len(text.split()) <= 8
        and text[-1:] not in TERMINAL + ","
        and "recommendation" in _letters(text)
    )


def _itemised(blocks: list[Block], start: int) -> bool:
    """Does the chapter opened at `start` list numbered recommendations only (its heading
    names nothing else, and its numbered paragraphs recommend), rather than mixing concerns,
    conclusions or findings with recommendations?"""
    if MIXED_CHAPTER.search(blocks[start].text) or _sums_up(blocks[start]):
        return False
    numbered: list[Block] = []
    for b in blocks[start + 1 :]:
        if b.heading and signature(b) == signature(blocks[start]):
            break
        if b.kind == "number" and not b.heading:
            numbered.append(b)
    asking = sum(bool(RECOMMEND_CUE.search(b.text)) for b in numbered)
    return len(numbered) >= 2 and asking >= ITEMISED_SHARE * len(numbered)
