"""Positions a request records itself, and the recommendations it names by paragraph.

Some reports carry the State's positions: a UPR Working Group report's lead-in says the
recommendations listed below "enjoy the support of X", "did not enjoy the support of X" or
"will be examined by X" (no position yet); "X considers that recommendations Nos. 8, 9 …
are already implemented" positions items of its list; "Other recommendations noted in the
report in paragraphs 45, 55 … did not enjoy the support of X" positions recommendations
the report states in its account of the dialogue, which then become concerns of their own
(`referenced-paragraph`), with the State that made each. Stances are read by `position`
(the same phrases as a reply's), keys by `markers` (the same key lists).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..position import pending, stance_of
from .asks import split_sentences
from .candidates import Candidate, Trail
from .lists import AskList
from .markers import key_lists
from .outline import Block, locate
from .records import Rule
from .regions import Place

INLINE_LIMB = re.compile(r"(?:^|(?<=[\s:;,]))\(([a-z])\)\s+")
RECOMMENDING = re.compile(r"\brecommend", re.IGNORECASE)
# who speaks in a paragraph of the dialogue: "The Netherlands recommended…", "Portugal noted…"
SPEAKER = re.compile(
    r"^(?:[Tt]he\s+)?(?P<who>[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|of|and|the|\([^)]*\)))*)"
    r"\s+(?=[a-z])"
)


def state_positions(
    raw: str,
    blocks: list[Block],
    places: list[Place],
    lists: list[AskList],
    found: list[Candidate],
    trail: Trail,
) -> list[Candidate]:
    """Each candidate with the position its document records for it, and the
    recommendations the document names by paragraph as concerns of their own."""
    out = _lead_in_positions(blocks, lists, found, trail)
    items = {b for lst in lists for item in lst.items for b in item}
    for i, block in enumerate(blocks):
        if places[i].chapter is None or i in items or places[i].heading:
            continue  # positions by number sit in a recommendations chapter, never in an item
        for sentence in split_sentences(block.text):
            out = _named_positions(raw, blocks, lists, i, sentence, out, trail)
    return out


def _said(sentence: str) -> tuple[str, str] | None:
    """(position, sentence) where a sentence states one; None where it states none or defers
    it."""
    if pending(sentence):
        return None
    position = stance_of(sentence)
    return (position.value, sentence) if position is not None else None


def _lead_in_positions(
    blocks: list[Block], lists: list[AskList], found: list[Candidate], trail: Trail
) -> list[Candidate]:
    said: dict[int, tuple[str, str]] = {}
    for n, lst in enumerate(lists):
        for sentence in split_sentences(blocks[lst.lead].text):
            stance = _said(sentence)
            if stance and (RECOMMENDING.search(sentence) or _points(sentence)):
                said[n] = stance
                break
    out = []
    for c in found:
        if c.group in said:
            c = replace(c, stated=said[c.group])
            trail.add("stated", "stated", c, c.stated[0], f"lead-in: {c.stated[1][:80]}")
        out.append(c)
    return out


def _points(sentence: str) -> bool:
    return bool(re.search(r"\b(?:following|below|above)\b", sentence, re.I))


def _named_positions(
    raw: str,
    blocks: list[Block],
    lists: list[AskList],
    at: int,
    sentence: str,
    found: list[Candidate],
    trail: Trail,
) -> list[Candidate]:
    if not RECOMMENDING.search(sentence):
        return found
    keys = key_lists(sentence, numbers=True)
    stance = _said(sentence)
    if not keys or (stance is None and not pending(sentence)):
        return found
    out = list(found)
    for key in keys:
        hits = _concerns_with_key(out, key, at, blocks)
        if hits:
            if stance:
                for n in hits:
                    out[n] = replace(out[n], stated=stance)
                    trail.add("stated", "stated", out[n], stance[0], f"named: {sentence[:80]}")
            continue
        lead = next((lst for lst in lists if blocks[lst.lead].key == key), None)
        if lead is not None:
            continue  # '…the recommendations in paragraph 115': its list, positioned above
        made = _referenced(raw, blocks, key, at, stance)
        for c in made:
            trail.made("stated", c, f"named in: {sentence[:80]}")
        out.extend(made)
    return out


def _concerns_with_key(found: list[Candidate], key: str, at: int, blocks: list[Block]) -> list[int]:
    """The concerns a key names: those of the nearest list before the sentence that has it."""
    hits = [n for n, c in enumerate(found) if c.key == key or (not c.key and c.number == key)]
    if len({found[n].group for n in hits}) <= 1:
        return hits
    before = [n for n in hits if found[n].start < blocks[at].start]
    if not before:
        return hits
    group = found[max(before, key=lambda n: found[n].start)].group
    return [n for n in hits if found[n].group == group]


def _referenced(
    raw: str, blocks: list[Block], key: str, at: int, stance: tuple[str, str] | None
) -> list[Candidate]:
    """The recommendations of paragraph `key` (or of its limb) that a later sentence names."""
    number, _, limb = key.partition("(")
    limb = limb.rstrip(")")
    para = next((b for b in blocks[:at] if b.kind == "number" and b.key == number), None)
    if para is None:
        return []
    speaker = SPEAKER.match(para.body)
    source = speaker.group("who") if speaker else ""
    if limb:
        texts = [t for t in [_inline_limb(para.body, limb)] if t]
        if not texts:  # a limb printed as a block: "(a) take … vote; (b) investigate …"
            texts = [_first_limb(b.body) for b in blocks[:at] if b.key == key]
        label = f"{number} ({limb})"
    else:
        texts = [s for s in split_sentences(para.body) if RECOMMENDING.search(s)]
        label = number
    out = []
    for text in texts:
        start = locate(raw, text, para.start, max(para.end, blocks[at].start))
        out.append(
            Candidate(
                text=text,
                kind="recommendation",
                rule=Rule.REFERENCED,
                start=start,
                end=min(start + len(text), para.end),
                number=number,
                label=label,
                key=key,
                source=source,
                stated=stance or ("", ""),
            )
        )
    return out


def _first_limb(body: str) -> str:
    """A limb block's own text, up to the next limb printed inside it."""
    nxt = INLINE_LIMB.search(body)
    text = body[: nxt.start()] if nxt else body
    text = (split_sentences(text) or (text,))[0]
    return re.sub(r"[;,]?\s*(?:and|or)?\s*$", "", text).strip()


def _inline_limb(body: str, limb: str) -> str:
    """The text of limb (b) printed inside a paragraph ('… to Sri Lanka: (a) to address …
    and (b) combat impunity; (c) …')."""
    marks = list(INLINE_LIMB.finditer(body))
    if not marks:
        return ""
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        if m.group(1) == limb:
            end = nxt.start() if nxt else len(body)
            text = body[m.end() : end].strip()
            # the last limb ends with its sentence, not with the paragraph
            text = (split_sentences(text) or (text,))[0]
            return re.sub(r"[;,]?\s*(?:and|or)?\s*$", "", text).strip()
    return ""
