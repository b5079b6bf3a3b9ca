"""Who made each recommendation: the States a UPR list names in brackets after each item.

A list whose items end with a bracket of names ("(Croatia);", "(Iran (Islamic Republic
of), Lilliput).") names the recommending States there: the layout, not one item's brackets,
says so, so this applies only where most items of a list do it. Inside such an item, a
bracket of names followed by a new ask ("… (Nicaragua)/ Consider signing …", "… (Oman);
Continue …", "… (Pakistan), continue …") ends one State's recommendation and starts
another's: the item is split there, each piece with its own States, when every piece asks
something of its own (a chain of verbs sharing one object, "Ratify (Spain)/consider
ratifying (Argentina) the Convention", stays one ask). A clause that recommends again ("…;
recommends that Algeria integrate …") splits the same way. The brackets leave the text.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, replace

from ..lexical import stems
from .asks import imperative_start
from .candidates import Candidate, Trail
from .outline import locate

SOURCE_SHARE = 0.8  # of a list's items that must end with a bracket of names
MIN_PIECE_WORDS = 2  # content words each piece of a split item must have
# a clause that makes a further recommendation inside an item ("; recommends that …")
RECOMMENDS_AGAIN = re.compile(
    r"(?:;|\.)\s+(?:(?:it|and)\s+)?(?:also\s+)?(?=(?:recommends?|recommended|encourages?|"
    r"urges?|calls?\s+(?:up)?on|invites?)\b)",
    re.IGNORECASE,
)
TAIL_PUNCTUATION = re.compile(r"^[\s;.,]*(?:(?:and|or)\s*)?$")


@dataclass(frozen=True)
class Bracket:
    start: int
    end: int  # after the closing parenthesis
    names: str  # its text, without the outer parentheses


def brackets(text: str) -> list[Bracket]:
    """Top-level parenthesised spans, nested ones kept inside ('(Iran (Islamic Republic of))')."""
    out: list[Bracket] = []
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(Bracket(start, i + 1, text[start + 1 : i]))
    return out


NAME_WORD = re.compile(r"[A-Z][\w’'.-]*|of|and|the|d[’']\w+|del|de|la|le|du|des|former")


def names_states(b: Bracket) -> bool:
    """A bracket of names ('Iran (Islamic Republic of), Lilliput'): capitalised words, no
    digits, not an acronym alone ('CAT', 'OP-CAT', 'ICCPR')."""
    inner = re.sub(r"\([^()]*\)", " ", b.names)
    words = inner.replace(",", " ").split()
    if words and words[0] == "the":
        words = words[1:]  # "(the former Yugoslav Republic of Macedonia)"
    if not words or not words[0][:1].isupper() or re.search(r"\d", b.names):
        return False
    if not all(NAME_WORD.fullmatch(w) for w in words):
        return False
    capitalised = [w for w in words if w[:1].isupper()]
    return not all(w.isupper() for w in capitalised) or len(capitalised) > 2


def ends_with_states(text: str) -> bool:
    found = brackets(text)
    if not found or not names_states(found[-1]):
        return False
    return bool(TAIL_PUNCTUATION.match(text[found[-1].end :]))


def attach_sources(found: list[Candidate], raw: str, trail: Trail) -> list[Candidate]:
    """In each list whose items end with who made them, that name moves to `source`; items
    that hold several States' recommendations become one concern each."""
    groups: dict[int, list[int]] = defaultdict(list)
    for n, c in enumerate(found):
        if c.group >= 0:
            groups[c.group].append(n)
    sourced = {
        g
        for g, members in groups.items()
        if sum(ends_with_states(found[n].text) for n in members) >= SOURCE_SHARE * len(members)
    }
    out: list[Candidate] = []
    for c in found:
        if c.group not in sourced:
            out.append(c)
            continue
        pieces = split_item(c.text)
        if len(pieces) > 1:
            trail.add("sources", "split", c, c.rule.value, f"into {len(pieces)} recommendations")
        at = c.start
        for text, names in pieces:
            start = locate(raw, text, at, c.end) if len(pieces) > 1 else c.start
            end = min(c.end, start + len(text)) if len(pieces) > 1 else c.end
            at = start + 1
            out.append(replace(c, text=text, source=names, start=start, end=end))
    return out


def split_item(text: str) -> list[tuple[str, str]]:
    """An item's recommendations, each with the States that made it."""
    pieces = _pieces(text)
    verbs = {_first_word(p) for p in pieces}
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        piece = f"{carry} {piece}".strip() if carry else piece
        carry = "" if _asks_something(piece, verbs) else piece
        if not carry:
            merged.append(piece)
    if carry:  # an incomplete last piece belongs to the one before it
        merged[-1:] = [f"{merged[-1]} {carry}" if merged else carry]
    return [_without_states(p) for p in merged]


def _pieces(text: str) -> list[str]:
    cuts: list[int] = []
    for b in brackets(text):
        if not names_states(b):
            continue
        after = re.match(r"\s*(?:[;/,.]\s*)?(?:and\s+)?", text[b.end :])
        rest = text[b.end + (after.end() if after else 0) :]
        if rest and _starts_an_ask(rest):
            cuts.append(b.end + (after.end() if after else 0))
    cuts += [m.end() for m in RECOMMENDS_AGAIN.finditer(text)]
    cuts = sorted(set(c for c in cuts if 0 < c < len(text)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


def _starts_an_ask(rest: str) -> bool:
    """'Consider signing…', 'continue to provide…', 'recommends that…': a verb, not 'the
    Convention…' (the object a chain of verbs shares)."""
    rest = re.sub(r"^to\s+", "", rest, flags=re.I)  # "… (Philippines) and to continue …"
    return imperative_start(rest, capital=False) and not _noun_like(rest)


def _noun_like(rest: str) -> bool:
    """A capitalised name that opens the rest ('United Nations …', 'CAT …') is an object."""
    first = rest.split()[0] if rest.split() else ""
    return first.isupper() and len(first) > 1


def _first_word(piece: str) -> str:
    words = re.findall(r"[A-Za-z][\w’'-]*", re.sub(r"^\W*to\s+", "", piece, flags=re.I))
    return words[0].lower() if words else ""


def _asks_something(piece: str, verbs: set[str]) -> bool:
    """A piece that asks something of its own: a verb and its object ('ratify CAT'), not a
    verb whose object the next piece names ('sign and ratify (Egypt)/ratify (Bosnia and
    Herzegovina)/consider the ratification (Argentina) of the Convention …')."""
    text = _without_states(piece)[0]
    words = re.findall(r"[A-Za-z][\w’'-]*", re.sub(r"^to\s+", "", text, flags=re.I))
    if len(stems(text)) < MIN_PIECE_WORDS or not words:
        return False
    rest = words[1:]
    while rest and (rest[0].lower() in ("and", "or") or imperative_start(rest[0], capital=False)):
        if rest[0].lower() not in ("and", "or") and not _verb_chain(words, rest):
            break
        rest = rest[1:]
    last = words[-1].lower()
    # 'sign and ratify (Egypt)': it ends on a verb that opens a piece; its object comes later
    return bool(rest) and last not in DANGLING | verbs and not last.endswith("ing")


# a piece that ends on one of these stops before its object
DANGLING = frozenset("of to the a an and or for on in with by from at as its their".split())


def _verb_chain(words: list[str], rest: list[str]) -> bool:
    """Is the word at the head of `rest` one more verb of a chain ('sign and ratify')?"""
    at = len(words) - len(rest)
    return at > 0 and words[at - 1].lower() in ("and", "or")


def _without_states(piece: str) -> tuple[str, str]:
    """The piece's text without its brackets of names, and those names."""
    names: list[str] = []
    kept: list[str] = []
    at = 0
    for b in brackets(piece):
        if names_states(b):
            kept.append(piece[at : b.start])
            at = b.end
            names.extend(_split_names(b.names))
    if not TAIL_PUNCTUATION.match(piece[at:]):
        kept.append(piece[at:])  # what follows the last names, unless only punctuation
    text = re.sub(r"\s+([,;.])", r"\1", re.sub(r"\s{2,}", " ", "".join(kept))).strip()
    text = re.sub(r"^[;,/.\s]+|[;,/\s]+$", "", text)
    text = re.sub(r"\s*(?:;|,)?\s*(?:and|or)$", "", text).strip()
    return text, ", ".join(dict.fromkeys(names))


def _split_names(names: str) -> list[str]:
    """'Iran (Islamic Republic of), Lilliput' → the two names (commas inside brackets kept)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(names):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(names[start:i].strip())
            start = i + 1
    out.append(names[start:].strip())
    return [n for n in out if n]
