"""Lists of asks: a lead-in that announces them and the items that follow it.

A lead-in is a paragraph that asks for a list ("We urge the Ministry to:", "The
recommendations listed below enjoy the support of X", "115. The following recommendations
will be examined by X:"), or a numbered paragraph whose sub-numbered items follow it
("115." then "115.1", "115.2"…). Its items run while their numbering goes on in sequence
(115.1, 115.2, … with a small gap allowed, a misprinted prefix tolerated) and their marker
keeps its shape; a paragraph that continues an unfinished item (a page break in the
middle of it) is part of that item, wherever the break fell and however the next line is
indented or capitalised. Nothing here depends on a document's wording beyond the request
verbs of a lead-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .asks import imperative_start, is_directive, split_sentences
from .normalize import TERMINAL
from .outline import Block
from .records import ConcernKind
from .regions import Place

REQUEST_CUE = re.compile(
    r"\b(?:urges?|urging|recommends?|recommendations?|calls? (?:on|upon)|requests?|asks?|"
    r"demands?|invites?)\b",
    re.IGNORECASE,
)
# "it was recommended that Luxembourg:" — reported, but a lead-in all the same when a list
# follows its colon
REPORTED_CUE = re.compile(r"\brecommended\b", re.IGNORECASE)
ADDRESSEE = re.compile(
    r"\b(?:urges?|calls? (?:on|upon)|asks?|requests?|invites?)\s+(?!that\b|you\b)(?P<who>.{3,120}?)"
    r"\s+to\b",
    re.IGNORECASE,
)
# "…three aspects which demand action:" — the things demand it, nobody asks: not a lead-in
ASPECTS_DEMAND = re.compile(
    r"\b(?:which|that)\s+(?:urgently\s+)?(?:demand|require|call for|request)s?\b", re.I
)
# "the following recommendations", "listed below", "as follows": the sentence points at a list
LIST_POINTER = re.compile(
    r"\b(?:the following|(?:listed|set out|contained|reproduced|given) below|as follows)\b",
    re.IGNORECASE,
)
MAX_GAP = 5  # a list's numbering may skip this many numbers (an item lost to the layout)
MIN_UNMARKED_WORDS = 4
# paragraphs that may stand between two items of a list (notes at the foot of a page, a
# remark) before the list is taken to have ended
MAX_INTERLEAVED = 20


@dataclass(frozen=True)
class LeadIn:
    """What a lead-in says of its list: the kind of ask, who is asked, and whether unmarked
    paragraphs may be its items (only after a colon)."""

    kind: ConcernKind
    addressee: str
    unmarked_ok: bool


@dataclass(frozen=True)
class AskList:
    """A lead-in and its items; each item is its block and the blocks that continue it."""

    lead: int
    lead_in: LeadIn
    items: tuple[tuple[int, ...], ...]
    skipped: tuple[int, ...] = ()  # paragraphs between items that belong to none

    @property
    def members(self) -> set[int]:
        return {b for item in self.items for b in item} | set(self.skipped)


def lead_in(text: str, section: str) -> LeadIn | None:
    """Does this paragraph announce a list of asks?"""
    sentences = split_sentences(text) or (text,)
    last = sentences[-1]
    announces = text.endswith(":") or re.search(r"\bthe following\b[^.:]{0,60}[.:]?$", text, re.I)
    asked = bool(REQUEST_CUE.search(last)) or (
        text.endswith(":") and bool(REPORTED_CUE.search(last))
    )
    pointed = any(REQUEST_CUE.search(s) and LIST_POINTER.search(s) for s in sentences)
    if not ((asked and announces) or pointed) or ASPECTS_DEMAND.search(last):
        return None
    return _lead(text, section)


def _lead(text: str, section: str) -> LeadIn:
    low = (text + " " + section).lower()
    kind: ConcernKind = (
        "principle"
        if "principle" in text.lower()
        else "recommendation"
        if "recommend" in low
        else "demand"
    )
    who = ADDRESSEE.search(text)
    return LeadIn(kind, who.group("who").strip() if who else "", text.endswith(":"))


def find_lists(blocks: list[Block], places: list[Place]) -> list[AskList]:
    """Every list of asks in a document, in order; a block is an item of one list at most."""
    lists: list[AskList] = []
    i = 0
    while i < len(blocks):
        place = places[i]
        lead = None
        if not (place.heading or place.back_matter or place.salutation):
            lead = lead_in(blocks[i].text, place.section) or _numbered_lead(blocks, places, i)
        if lead is None:
            i += 1
            continue
        found = _items(blocks, places, i, lead)
        if not found.items:
            i += 1
            continue
        lists.append(found)
        i = max(found.members) + 1
    return lists


def _numbered_lead(blocks: list[Block], places: list[Place], i: int) -> LeadIn | None:
    """'115. …' followed by '115.1': sub-numbered items under the paragraph they extend are
    its list, where the paragraph names asks or sits in a recommendations chapter."""
    block = blocks[i]
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if block.kind != "number" or nxt is None or nxt.kind != "number":
        return None
    head = block.marker.value if block.marker else ""
    if not nxt.marker or not nxt.marker.value.startswith(f"{head}."):
        return None
    if REQUEST_CUE.search(block.text) or places[i].chapter is not None:
        return _lead(block.text, places[i].section)
    return None


def _shape(block: Block) -> str:
    m = block.marker
    if m is None:
        return ""
    return f"number:{m.value.count('.')}" if m.kind == "number" else m.kind


def _numbers(value: str) -> tuple[int, ...] | None:
    parts = value.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def follows(last: str, value: str) -> bool:
    """Does item number `value` go on from `last`? 115.4 after 115.3 (a few numbers may be
    skipped); 129.13 after 129.12 even when printed '128.13' (a misprinted prefix)."""
    a, b = _numbers(last), _numbers(value)
    if a is None or b is None:
        return True
    if len(a) != len(b):
        return False
    if a[:-1] == b[:-1]:
        return 0 < b[-1] - a[-1] <= MAX_GAP
    return b[-1] == a[-1] + 1


def is_open(text: str) -> bool:
    """An item that stops mid-sentence: the next paragraph is the rest of it."""
    tail = text.rstrip().rstrip("*")
    return bool(tail) and tail[-1] not in TERMINAL + ")”\"'’"


MARKED = ("number", "bullet", "limb")


def _items(blocks: list[Block], places: list[Place], lead: int, info: LeadIn) -> AskList:
    items: list[list[int]] = []
    skipped: list[int] = []
    shape = ""
    last = ""
    marked: bool | None = None
    j = lead + 1
    while j < len(blocks):
        b, place = blocks[j], places[j]
        if place.salutation or place.back_matter:
            break
        if place.heading and not _sub_heading(b, blocks, j):
            if not (marked and b.marker is None and _list_goes_on(blocks, j, shape, last)):
                break
            skipped.append(j)  # 'Follow-up to UPR' between 136.235 and 136.236: a sub-title
        if place.heading:
            j += 1  # '1. Access to justice' over its bullets: a heading inside the list
            continue
        if b.marker is None and lead_in(b.text, place.section) is not None:
            if marked and _list_goes_on(blocks, j, shape, last, past_headings=False):
                skipped.append(j)  # a note between two items ("1 The recommendations as read…:")
                j += 1
                continue
            break  # another lead-in: a list of its own
        if b.kind in MARKED:
            if marked is None and _next_paragraph(blocks[lead], b):
                break  # '60. …' then '61. …': the document's next paragraph, not an item
            if marked and _opens_a_list(blocks, j, place.section):
                break  # '82. The following recommendations…:' then '1. …': a list of its own
            if (
                marked
                and _shape(b) == shape
                and not _in_sequence(b, last)
                and _misprint(blocks, j, shape, last)
            ):
                items.append([j])  # '118.09' between 118.108 and 118.110: a misprinted number
                last = _successor(last)
                j += 1
                continue
            if marked is None or (marked and _shape(b) == shape and _in_sequence(b, last)):
                items.append([j])
                marked, shape = True, shape or _shape(b)
                last = b.marker.value if b.marker and b.kind == "number" else last
            elif (
                items
                and marked
                and (b.kind in ("limb", "roman") or items_end_with_colon(blocks, items))
            ):
                items[-1].append(j)  # a sub-item of the item before
            elif items and marked and b.kind != shape.split(":")[0] and b.kind != "number":
                skipped.append(j)  # a marker of another shape inside the list: not an item
            else:
                break
        elif b.kind == "roman" and items:
            items[-1].append(j)
        elif items and (is_open(" ".join(blocks[k].text for k in items[-1])) or _lower(b)):
            items[-1].append(j)  # the rest of an item a page break cut
        elif (
            marked is False
            and not _unmarked_item(b)
            and _directs(b)
            and _unmarked_item_next(blocks, j)
        ):
            items[-1].append(j)  # "Instead, agents should …": the item's next sentence
        elif marked is not True and info.unmarked_ok and _unmarked_item(b):
            items.append([j])
            marked = False
        elif marked and _list_goes_on(blocks, j, shape, last):
            if _directs(b) or b.after_break:
                # "…public services." | page break | "Civil-society access is critical…": the
                # item's next sentences, after a page break
                # or "In order to achieve this, the State should …", set apart
                items[-1].append(j)
            else:
                skipped.append(j)  # a note between two items of the list: no item of it
        elif not items and _first_item_follows(blocks, lead, j):
            skipped.append(j)  # a note between the lead-in and its first item
        else:
            break
        j += 1
    return AskList(lead, info, tuple(tuple(i) for i in items), tuple(skipped))


def _opens_a_list(blocks: list[Block], j: int, section: str) -> bool:
    """A numbered lead-in whose own items follow it: '82. The following recommendations…'
    then '1.' or '82.1'."""
    b = blocks[j]
    nxt = next((x for x in blocks[j + 1 : j + 1 + MAX_INTERLEAVED] if x.kind in MARKED), None)
    if b.kind != "number" or nxt is None or nxt.kind != "number" or not nxt.marker:
        return False
    head = b.marker.value if b.marker else ""
    starts = nxt.marker.value in ("1", f"{head}.1")
    return starts and (lead_in(b.text, section) is not None or nxt.marker.value == f"{head}.1")


def _misprint(blocks: list[Block], j: int, shape: str, last: str) -> bool:
    """Does the list go on after block `j` as if `j` had the expected number?"""
    nxt = next((x for x in blocks[j + 1 : j + 1 + MAX_INTERLEAVED] if x.kind in MARKED), None)
    if nxt is None or _shape(nxt) != shape or nxt.marker is None or not last:
        return False
    return follows(_successor(last), nxt.marker.value)


def _successor(number: str) -> str:
    head, _, tail = number.rpartition(".")
    if not tail.isdigit():
        return number
    return f"{head}.{int(tail) + 1}" if head else str(int(tail) + 1)


def _next_paragraph(lead: Block, b: Block) -> bool:
    """A block numbered in the lead-in's own sequence is the paragraph after it."""
    if lead.kind != "number" or b.kind != "number" or not lead.marker or not b.marker:
        return False
    return _shape(lead) == _shape(b) and follows(lead.marker.value, b.marker.value)


def _first_item_follows(blocks: list[Block], lead: int, j: int) -> bool:
    """Is the next marked block after `j` the first item of the lead-in's list: numbered
    under the lead-in's own number ('70.' then '70.1'), or after a lead-in's colon?"""
    marker = blocks[lead].marker
    head = marker.value if marker else ""
    for b in blocks[j + 1 : j + 1 + MAX_INTERLEAVED]:
        if b.heading:
            return False
        if b.kind in MARKED:
            extends = (
                bool(head)
                and b.kind == "number"
                and b.marker is not None
                and (b.marker.value.startswith(f"{head}."))
            )
            return extends or blocks[lead].text.rstrip().endswith(":")
    return False


def _unmarked_item_next(blocks: list[Block], j: int) -> bool:
    """Is the block after `j` another item of a list of unmarked items?"""
    nxt = blocks[j + 1] if j + 1 < len(blocks) else None
    return nxt is not None and nxt.marker is None and _unmarked_item(nxt)


def _directs(b: Block) -> bool:
    """A paragraph between two items that directs ('It should also …', 'The State party
    should …') goes on with the item before it; a note ('The recommendation as read …')
    does not."""
    return any(is_directive(s, after_directive=True) for s in split_sentences(b.text))


def _lower(b: Block) -> bool:
    """A paragraph that opens in lower case, or that only a line break parts from the item
    before it, goes on with that item."""
    if re.match(r"(?:https?://|www\.)", b.text):
        return False  # a link that goes on with a note, not a sentence of the item
    return b.text[:1].islower() or b.attached


def _sub_heading(b: Block, blocks: list[Block], j: int) -> bool:
    """A numbered heading over bullets stays inside the list it heads."""
    nxt = blocks[j + 1] if j + 1 < len(blocks) else None
    return b.kind == "number" and nxt is not None and nxt.kind == "bullet"


def items_end_with_colon(blocks: list[Block], items: list[list[int]]) -> bool:
    return blocks[items[-1][-1]].text.rstrip().endswith(":")


def _in_sequence(b: Block, last: str) -> bool:
    if b.kind != "number" or not last or b.marker is None:
        return True
    return follows(last, b.marker.value)


def _unmarked_item(b: Block) -> bool:
    return imperative_start(b.text) and len(b.text.split()) >= MIN_UNMARKED_WORDS


def _list_goes_on(
    blocks: list[Block], j: int, shape: str, last: str, past_headings: bool = True
) -> bool:
    """Is the next marked block after `j` the list's next item (looking past numbered
    headings over bullets, unless `past_headings` is False)?"""
    for k in range(j + 1, min(len(blocks), j + 1 + MAX_INTERLEAVED)):
        b = blocks[k]
        if b.kind in MARKED and not (past_headings and _sub_heading(b, blocks, k)):
            return _shape(b) == shape and _in_sequence(b, last)
    return False
