"""Concerns of a request: named passes over a list of candidates, each recording its rule.

1. `places` (regions): each block's heading, recommendations chapter, back matter.
2. `lists` (lists): lead-ins and their items.
3. Making passes, in this order; a block goes to the first pass that takes it:
   `labels` ("Recommendation N" and its text), `questions` (a numbered or bulleted
   question), `titled items` (a numbered title's limbs in a recommendations chapter),
   `list items` (an item of a list of asks), `directive paragraphs` (a numbered paragraph's
   directive sentences and limbs, with the unnumbered paragraphs that hang from it),
   `chapter items` (the other asks of a recommendations chapter).
4. Dropping passes: `listed chapter` (a chapter that lists the recommendations states them
   all: asks elsewhere are its narrative's restatements), `bold` (a chapter that sets its
   recommendations in bold), `labels` (labelled recommendations replace the rest),
   `titles`, `repeats` (the same key and the same text twice).
5. `sources` (who made each recommendation; items that several States' recommendations
   share are split), `stated` (positions the document itself records, and the
   recommendations it names by paragraph), then ids in document order.

Never a loose "should" in narrative: an ask is a list item, a directive paragraph, a
labelled or titled recommendation, or a numbered question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..documents import Document
from .asks import imperative_start, is_interrogative
from .audit import Audit, audit_request
from .candidates import Candidate, Drop, Trail
from .directives import directive_family, family, titled_item
from .lists import AskList, find_lists
from .markers import LABEL
from .outline import Block, Outline, is_title
from .records import KIND_CODES, Concern, ConcernKind, ConcernPart, Rule
from .regions import RECOMMEND_CUE, SALUTATION, Chapter, Place, read_places
from .sources import attach_sources, ends_with_states
from .stated import state_positions

__all__ = ["SALUTATION", "RequestCut", "cut_request", "read_request", "split_parts"]

MAX_LABEL_BLOCKS = 12
SUB_ITEM = re.compile(r"(?:(?<=[:;])|(?<=[:;] ))\s*\(?([a-z])[.)]\s+(?=\w)")


@dataclass
class _Reading:
    """One request being read: its blocks, their places, and the candidates so far."""

    doc: Document
    blocks: list[Block]
    places: list[Place]
    trail: Trail
    taken: set[int]
    candidates: list[Candidate]

    def make(self, pass_name: str, found: Iterable[Candidate], blocks: Sequence[int]) -> None:
        """Take `blocks` for the candidates made from them (the first block is their origin)."""
        for c in found:
            c = replace(c, origin=blocks[0]) if c.origin < 0 else c
            self.candidates.append(c)
            self.trail.made(pass_name, c)
        self.taken.update(blocks)

    def chapter(self, c: Candidate) -> Chapter | None:
        return self.places[c.origin].chapter if c.origin >= 0 else None


@dataclass(frozen=True)
class RequestCut:
    """A request's concerns, the trail of the passes that made them, and its audit."""

    concerns: list[Concern]
    trail: Trail
    audit: Audit


def read_request(doc: Document, outline: Outline) -> RequestCut:
    """Every concern of a request, in document order, with ids per kind; what each pass
    did; and the outline's audit of itself."""
    blocks = list(outline.blocks)
    places = read_places(blocks)
    reading = _Reading(doc, blocks, places, Trail(), set(), [])
    lists = find_lists(blocks, places)
    concerns = _cut(reading, lists)
    audit = audit_request(doc.text, doc.name, blocks, places, lists, concerns, reading.taken)
    return RequestCut(concerns, reading.trail, audit)


def cut_request(doc: Document, outline: Outline) -> list[Concern]:
    """Every concern of a request, in document order, with ids per kind."""
    return read_request(doc, outline).concerns


def _cut(reading: _Reading, lists: list[AskList]) -> list[Concern]:
    doc, blocks, places = reading.doc, reading.blocks, reading.places
    labelled = _labels(reading)
    _questions(reading, lists)
    _titled_items(reading, lists)
    _list_items(reading, lists)
    _directive_paragraphs(reading)
    _chapter_items(reading)
    kept = _drop_outside_listed_chapter(reading, reading.candidates)
    kept = _drop_plain_where_bold(reading, kept)
    kept = _labels_win(kept, labelled, reading.trail)
    kept = _drop_titles(kept, reading.trail)
    kept = _drop_repeats(reading, kept)
    kept = attach_sources(kept, doc.text, reading.trail)
    kept = state_positions(doc.text, blocks, places, lists, kept, reading.trail)
    return _renumber(doc, kept)


# --- making passes ----------------------------------------------------------------------


def _labels(r: _Reading) -> list[Candidate]:
    """'Recommendation 4' and the paragraphs after it, up to the next label or heading."""
    made: list[Candidate] = []
    for i, block in enumerate(r.blocks):
        if i in r.taken or r.places[i].back_matter:
            continue
        if block.kind == "label" and LABEL.match(block.text) and not block.keys[1:]:
            run = _label_run(r.blocks, i)
            r.taken.update(range(i, i + len(run)))
            body = " ".join([run[0].body, *(b.text for b in run[1:])]).strip()
            if not _states_an_ask(body, len(run)):
                continue  # a bare label ('see Recommendation 3') with no text of its own
            made.append(
                replace(
                    _from_block(run[0], body, Rule.LABEL, r.places[i].section, end=run[-1].end),
                    origin=i,
                )
            )
    return made


def _label_run(blocks: list[Block], start: int) -> list[Block]:
    run = [blocks[start]]
    for block in blocks[start + 1 : start + MAX_LABEL_BLOCKS]:
        if block.kind == "label" or block.kind == "number" or (block.heading and len(run) > 1):
            break
        run.append(block)
    return run


def _questions(r: _Reading, lists: list[AskList]) -> None:
    addressee = {b: lst.lead_in.addressee for lst in lists for item in lst.items for b in item}
    for i, block in enumerate(r.blocks):
        if i in r.taken or not _open_block(r, i):
            continue
        if block.kind in ("number", "bullet", "limb") and is_interrogative(block.text):
            place = r.places[i]
            made = _from_block(block, block.body, Rule.QUESTION, place.section, "question")
            r.make("questions", [replace(made, addressee=addressee.get(i, ""))], [i])


def _open_block(r: _Reading, i: int) -> bool:
    place = r.places[i]
    return not (place.heading or place.back_matter or place.salutation)


def _titled_items(r: _Reading, lists: list[AskList]) -> None:
    """A numbered title over its limbs, in a recommendations chapter or as an item of a list
    of asks ('I recommend:' then '2. Recognising and remembering what happened (a) …')."""
    items = {item[0] for lst in lists for item in lst.items}
    for i in range(len(r.blocks)):
        if i in r.taken or not _open_block(r, i):
            continue
        if r.places[i].chapter is None and i not in items:
            continue
        found = titled_item(r.blocks, i, r.places[i].section)
        if found is not None:
            made, members = found
            r.make("titled items", made, [i, *members])


def _list_items(r: _Reading, lists: list[AskList]) -> None:
    for n, lst in enumerate(lists):
        for item in lst.items:
            if item[0] in r.taken:
                continue
            first = r.blocks[item[0]]
            rule = Rule.NUMBERED_ITEM if first.kind == "number" else Rule.LEAD_IN_LIST
            text = " ".join(
                [first.body if first.marker else first.text, *(r.blocks[k].text for k in item[1:])]
            )
            made = _from_block(
                first,
                text,
                rule,
                r.places[item[0]].section,
                lst.lead_in.kind,
                end=r.blocks[item[-1]].end,
            )
            made = replace(made, addressee=lst.lead_in.addressee, group=n)
            r.make("list items", [made], item)
        r.taken.update(lst.skipped)
        r.taken.add(lst.lead)


def _directive_paragraphs(r: _Reading) -> None:
    for i, block in enumerate(r.blocks):
        if i in r.taken or block.kind != "number" or not _open_block(r, i):
            continue
        chapter = r.places[i].chapter
        if chapter is not None and chapter.itemised:
            continue  # a chapter of numbered recommendations: each paragraph is one
        fam = family(r.blocks, i, r.taken)
        found = directive_family(r.doc.text, r.blocks, fam, r.places[i].section)
        if found is not None:
            r.make("directive paragraphs", found, fam.members)


def _chapter_items(r: _Reading) -> None:
    for i, block in enumerate(r.blocks):
        chapter = r.places[i].chapter
        if i in r.taken or chapter is None or not _open_block(r, i):
            continue
        if _chapter_asks(block, chapter):
            made = _from_block(block, block.body, Rule.CHAPTER_ITEM, r.places[i].section)
            r.make("chapter items", [replace(made, group=CHAPTER_GROUP + chapter.start)], [i])


CHAPTER_GROUP = 1_000_000


def _chapter_asks(block: Block, chapter: Chapter) -> bool:
    """In a recommendations chapter: a numbered paragraph where every numbered paragraph
    recommends; a bullet that asks; an imperative paragraph; never a sub-heading."""
    text = block.text
    if block.kind == "number":
        return chapter.itemised
    if block.kind == "bullet":
        return bool(RECOMMEND_CUE.search(text)) or imperative_start(block.body)
    if block.marker is not None:
        return True
    if text[-1:] not in ".;:" or len(text.split()) < 8:
        return False  # a sub-heading inside the chapter, not an unbulleted recommendation
    return imperative_start(text) and len(text.split()) >= 4


def _from_block(
    block: Block,
    text: str,
    rule: Rule,
    section: str,
    kind: ConcernKind = "recommendation",
    end: int | None = None,
) -> Candidate:
    number = block.marker.value if block.marker and block.marker.kind == "number" else ""
    return Candidate(
        text=text.strip(),
        kind=kind,
        rule=rule,
        start=block.start,
        end=block.end if end is None else end,
        section=section,
        number=number,
        label=block.label,
        key=block.key,
        emphasized=block.emphasized,
    )


# --- dropping passes --------------------------------------------------------------------


def _drop_outside_listed_chapter(r: _Reading, found: list[Candidate]) -> list[Candidate]:
    """A chapter that lists the recommendations (failing that, one that sums up conclusions
    and recommendations) states them all: asks elsewhere are restatements and discussion."""
    chapters = {ch.start: ch for c in found if (ch := r.chapter(c)) is not None}
    listed = {s for s, ch in chapters.items() if ch.itemised} or {
        s for s, ch in chapters.items() if ch.summary
    }
    if not listed:
        return found
    kept = []
    for c in found:
        ch = r.chapter(c)
        if ch is not None and ch.start in listed:
            kept.append(c)
        else:
            r.trail.dropped("listed chapter", c, Drop.LISTED_ELSEWHERE)
    return kept


PARAGRAPH_RULES = (Rule.DIRECTIVE_PARAGRAPH, Rule.LIMB, Rule.CHAPTER_ITEM)


def _drop_plain_where_bold(r: _Reading, found: list[Candidate]) -> list[Candidate]:
    """Where a recommendations chapter sets some of its asks in bold, the bold ones are the
    recommendations and the rest of that chapter's are conclusions. Items of a list are
    recommendations by their place in it, in bold or not."""
    weighed = [c.rule in PARAGRAPH_RULES for c in found]
    bold = {
        ch.start
        for c, w in zip(found, weighed, strict=True)
        if w and c.emphasized and (ch := r.chapter(c)) is not None
    }
    kept = []
    for c, w in zip(found, weighed, strict=True):
        ch = r.chapter(c)
        if w and ch is not None and ch.start in bold and not c.emphasized:
            r.trail.dropped("bold", c, Drop.NOT_BOLD)
        else:
            kept.append(c)
    return kept


def _labels_win(found: list[Candidate], labelled: list[Candidate], trail: Trail) -> list[Candidate]:
    """Labelled recommendations (the last, fullest statement of each number) replace every
    other candidate: summary lists that repeat them, questions asked in the narrative."""
    real = {c.key or c.number: c for c in labelled}
    if not real or not _numbered_from_one(real):
        for c in labelled:
            trail.dropped("labels", c, Drop.LABELS_WIN, "labels that skip numbers are citations")
        return found
    for c in found:
        trail.dropped("labels", c, Drop.LABELS_WIN)
    kept = sorted(real.values(), key=lambda c: c.start)
    for c in kept:
        trail.made("labels", c)
    return kept


def _numbered_from_one(labelled: dict[str, Candidate]) -> bool:
    """A report's own recommendations are labelled 1, 2, 3… without gaps; labels that skip
    ('Recommendation 1', '6', '17' quoted from other bodies' reports) are citations."""
    numbers = sorted({int(m.group()) for k in labelled for m in [re.match(r"\d+", k)] if m})
    return bool(numbers) and numbers == list(range(1, len(numbers) + 1))


def _states_an_ask(body: str, blocks: int) -> bool:
    """A bare label ('Recommendation 5', 'see Recommendation 3') with no text of its own is
    never a concern."""
    return len(body.split()) >= 4 and (bool(RECOMMEND_CUE.search(body)) or blocks > 1)


def _drop_titles(found: list[Candidate], trail: Trail) -> list[Candidate]:
    """A title ('Learning from the Inquiry') that asks nothing itself is never a concern; an
    item that names who made it ('… for children. (Mexico)') is no title."""
    kept = []
    for c in found:
        if is_title(c.text) and not (RECOMMEND_CUE.search(c.text) or ends_with_states(c.text)):
            trail.dropped("titles", c, Drop.TITLE)
        else:
            kept.append(c)
    return kept


def _drop_repeats(r: _Reading, found: list[Candidate]) -> list[Candidate]:
    """A report restates its recommendations (a summary chapter, an appendix, inline in the
    narrative): each counts once, as the recommendations chapter's statement where there is
    one, else as its first. A repeat has the same whole text as another concern; similar
    texts are distinct asks, and so are the same words twice in one list (two items)."""
    order = sorted(range(len(found)), key=lambda n: (r.chapter(found[n]) is None, n))
    seen: dict[str, Candidate] = {}
    dropped: set[int] = set()
    for n in order:
        c = found[n]
        mark = _whole(c.text)
        first = seen.get(mark)
        if first is not None and len(c.text.split()) >= 4 and not _distinct_items(r, c, first):
            r.trail.dropped("repeats", c, Drop.REPEAT, f"as {first.label or _first_words(first)}")
            dropped.add(n)
            continue
        seen.setdefault(mark, c)
    return [c for n, c in enumerate(found) if n not in dropped]


def _distinct_items(r: _Reading, c: Candidate, first: Candidate) -> bool:
    """The same words twice as two items of one list, or under two numbers of one chapter
    (117.42 accepted, 118.9 to be examined), are two items of the report, not a
    restatement."""
    if c.group >= 0 and c.group == first.group:
        return True
    chapter = r.chapter(c)
    return bool(c.key and first.key and c.key != first.key) and (
        chapter is not None and chapter == r.chapter(first)
    )


def _first_words(c: Candidate) -> str:
    return " ".join(c.text.split()[:6])


def _whole(text: str) -> str:
    """The text as its letters and digits: spacing, punctuation and case aside ('G rant'
    and 'Grant' are one word that a PDF's letter spacing cut)."""
    return "".join(re.findall(r"\w+", text.lower()))


# --- concerns ---------------------------------------------------------------------------


def _renumber(doc: Document, found: Sequence[Candidate]) -> list[Concern]:
    """Ids follow the order of the concerns in the document, per kind."""
    counters: dict[str, int] = {}
    out = []
    for c in sorted(found, key=lambda c: c.start):
        code = KIND_CODES[c.kind]
        counters[code] = counters.get(code, 0) + 1
        out.append(
            Concern(
                concern_id=f"{doc.doc_id}-{code}{counters[code]:02d}",
                doc=doc.name,
                kind=c.kind,
                text=c.text,
                section=c.section,
                number=c.number,
                addressee=c.addressee,
                start=c.start,
                end=c.end,
                parts=split_parts(c.text),
                label=c.label,
                key=c.key,
                context=c.context,
                source=c.source,
                rule=c.rule,
                stated_position=c.stated,
            )
        )
    return out


def split_parts(text: str) -> tuple[ConcernPart, ...]:
    """Lettered sub-items inline in a concern ('…observing that: a. migration… b. …')."""
    marks = list(SUB_ITEM.finditer(text))
    if not marks or marks[0].group(1) != "a":
        return ()
    parts = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        end = nxt.start() if nxt else len(text)
        parts.append(ConcernPart(m.group(1), text[m.end() : end].strip()))
    return tuple(parts)
