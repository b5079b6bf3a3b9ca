"""Asks made by directing the addressee in a paragraph: a numbered paragraph's directive
sentences ("The State party should…"), wherever the layout put them (in the numbered
paragraph, or in unnumbered paragraphs after it, as concluding observations print their
recommendation, often in bold, after the paragraph of concern), and its lettered limbs;
and a numbered title's limbs in a recommendations chapter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .asks import is_directive, split_means, split_sentences
from .candidates import Candidate
from .outline import Block, is_title, locate
from .records import ConcernKind, Rule

STOPS = ("number", "label", "section")


@dataclass(frozen=True)
class Family:
    """A numbered paragraph and the blocks that hang from it, up to the next numbered
    paragraph, label or heading: unnumbered paragraphs, limbs and their leaves."""

    head: int
    members: tuple[int, ...]


def family(blocks: Sequence[Block], i: int, taken: set[int]) -> Family:
    members = [i]
    for j in range(i + 1, len(blocks)):
        b = blocks[j]
        if b.heading or b.kind in STOPS or b.kind == "bullet" or j in taken:
            break
        members.append(j)
    return Family(i, tuple(members))


@dataclass(frozen=True)
class _Piece:
    """A member's text, as the ask sentences or a limb see it."""

    index: int
    limb: bool
    text: str


def directive_family(
    raw: str, blocks: Sequence[Block], fam: Family, section: str
) -> list[Candidate] | None:
    """One concern per directive sentence of the family's paragraphs, keyed by the numbered
    paragraph; one per lettered limb, with the chapeau ('The State party should:') as
    context. None when the family asks nothing."""
    head = blocks[fam.head]
    if is_title(head.body):
        return None  # a numbered title over narrative: a heading, not a paragraph that asks
    pieces = _pieces(blocks, fam)
    limbs = [p for p in pieces if p.limb]
    paragraphs = [p for p in pieces if not p.limb]
    chapeau = _chapeau(pieces)
    sentences: list[tuple[_Piece, str]] = [
        (p, s) for p in paragraphs for s in split_sentences(p.text) if s != chapeau
    ]
    asks = _ask_sentences(sentences)
    if not asks and not (limbs and (is_directive(chapeau) or _names_means(chapeau))):
        return None
    out: list[Candidate] = []
    at: dict[int, int] = {}
    for piece, sentence in asks:
        block = blocks[piece.index]
        span = _span(raw, sentence, block, at.get(piece.index, block.start))
        at[piece.index] = span[0] + 1
        made = _candidate(head, sentence, Rule.DIRECTIVE_PARAGRAPH, span, section)
        # bold is the sentence's own paragraph's: a recommendation set in bold after its
        # paragraph of concern
        out.append(replace(made, emphasized=block.emphasized))
    for piece in limbs:
        limb = blocks[piece.index]
        start = limb.start
        for n, sentence in enumerate(_limb_asks(piece.text)):
            where = _span(raw, sentence, limb, start) if n else (limb.start, _end(blocks, piece))
            start = where[0] + 1
            out.append(_candidate(limb, sentence, Rule.LIMB, where, section, context=chapeau))
    return out


def _pieces(blocks: Sequence[Block], fam: Family) -> list[_Piece]:
    """The family's texts: a limb with its leaves and the paragraphs that finish it (a page
    break inside it), and the unnumbered paragraphs that stand on their own."""
    pieces: list[_Piece] = []
    for j in fam.members:
        b = blocks[j]
        text = b.body if j == fam.head or b.kind in ("limb",) else b.text
        if b.kind == "limb" and b.key:
            pieces.append(_Piece(j, True, text))
        elif pieces and pieces[-1].limb and (b.kind == "roman" or _open(pieces[-1].text)):
            last = pieces[-1]
            pieces[-1] = _Piece(last.index, True, f"{last.text} {b.text}")
        elif b.kind == "roman":
            continue  # a leaf with no limb above it
        else:
            pieces.append(_Piece(j, False, text))
    return pieces


def _open(text: str) -> bool:
    tail = text.rstrip()
    return bool(tail) and tail[-1] not in ".;:!?)”\"'’"


def _end(blocks: Sequence[Block], piece: _Piece) -> int:
    return blocks[piece.index].end


def _chapeau(pieces: list[_Piece]) -> str:
    """The sentence that announces the limbs: the last sentence before the first limb, when
    it ends with a colon."""
    for n, p in enumerate(pieces):
        if p.limb:
            if n == 0 or pieces[n - 1].limb:
                return ""
            last = (split_sentences(pieces[n - 1].text) or ("",))[-1]
            return last if last.endswith(":") else ""
    return ""


def _candidate(
    block: Block,
    text: str,
    rule: Rule,
    span: tuple[int, int],
    section: str,
    context: str = "",
    kind: ConcernKind = "recommendation",
) -> Candidate:
    number = block.marker.value if block.marker and block.marker.kind == "number" else ""
    return Candidate(
        text=text.strip(),
        kind=kind,
        rule=rule,
        start=span[0],
        end=span[1],
        section=section,
        number=number,
        label=block.label,
        key=block.key,
        context=context,
        emphasized=block.emphasized,
    )


def _names_means(lead: str) -> bool:
    return bool(re.search(r"\b(?:by|through|including)\s*:$", lead))


def _ask_sentences(sentences: list[tuple[_Piece, str]]) -> list[tuple[_Piece, str]]:
    """The directive sentences, each means ('by A-ing and B-ing') apart; 'It should also…'
    directs when it follows a directive sentence, in the same paragraph or the next."""
    asks: list[tuple[_Piece, str]] = []
    previous = False
    for piece, s in sentences:
        previous = is_directive(s, after_directive=previous)
        if previous:
            asks.extend((piece, part) for part in split_means(s))
    return asks


def _limb_asks(body: str) -> list[str]:
    """A limb is an ask; a later sentence of it that directs again is one more."""
    sentences = list(split_sentences(body))
    if not sentences:
        return []
    asks = [sentences[0]]
    for s in sentences[1:]:
        if is_directive(s, after_directive=True):
            asks.append(s)
        else:
            asks[-1] = f"{asks[-1]} {s}"
    return asks


def _span(raw: str, sentence: str, block: Block, after: int) -> tuple[int, int]:
    start = locate(raw, sentence, min(after, block.end), block.end)
    return start, min(block.end, start + len(sentence))


def titled_item(
    blocks: Sequence[Block], i: int, section: str
) -> tuple[list[Candidate], list[int]] | None:
    """In a recommendations chapter, a numbered title ('2. Recognising and remembering what
    happened to people') heads one recommendation: each of its lettered limbs or roman
    leaves is an ask, with the titles above it as context; a title without limbs asks what
    the paragraph under it says. Returns the candidates and the blocks they took."""
    block = blocks[i]
    if block.kind != "number" or not is_title(block.body):
        return None
    members: list[int] = []
    for j in range(i + 1, len(blocks)):
        if blocks[j].heading or blocks[j].kind in ("number", "label"):
            break
        members.append(j)
    if not members:
        return None
    keyed = [j for j in members if blocks[j].key]
    if not keyed:
        # its ask is the first paragraph under it (past any subtitle), if that paragraph asks
        first = next((j for j in members if not is_title(blocks[j].text)), None)
        if first is None or not asks_in(blocks[first].text):
            return None
        span = (blocks[first].start, blocks[first].end)
        made = _candidate(block, blocks[first].text, Rule.TITLED_ITEM, span, section, block.body)
        return [made], members
    parents = {blocks[j].parent for j in keyed}
    out: list[Candidate] = []
    for n, j in enumerate(keyed):
        if j in parents:
            continue  # a limb with leaves of its own ('(a) Duty of candour (i) …')
        trailing = _trailing(blocks, members, j, keyed[n + 1] if n + 1 < len(keyed) else None)
        text = " ".join([blocks[j].body, *(blocks[k].text for k in trailing if not blocks[k].key)])
        limb_title = [blocks[p].body for p in (blocks[j].parent,) if p in parents and p != i]
        span = (blocks[j].start, blocks[trailing[-1]].end if trailing else blocks[j].end)
        context = " — ".join([block.body, *limb_title])
        out.append(_candidate(blocks[j], text, Rule.TITLED_ITEM, span, section, context))
    return out, members


def _trailing(blocks: Sequence[Block], members: list[int], j: int, nxt: int | None) -> list[int]:
    """The paragraphs that finish limb `j`: up to the next limb, or a sub-heading after which
    the text is the report's narrative again."""
    out = []
    for k in members:
        if k <= j or (nxt is not None and k >= nxt):
            continue
        if is_title(blocks[k].text) and not blocks[k].key:
            break
        out.append(k)
    return out


def asks_in(paragraph: str) -> bool:
    """A paragraph that recommends ('My principal recommendation remains that…') or directs."""
    if re.search(
        r"\b(?:I|we)\s+(?:\w+\s+)?recommend|\brecommendation\s+(?:is|remains)\b", paragraph, re.I
    ):
        return True
    return any(is_directive(s) for s in split_sentences(paragraph))
