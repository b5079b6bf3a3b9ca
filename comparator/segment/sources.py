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

from .asks import imperative_start
from .candidates import Candidate, Trail
from .markers import normal_key
from .outline import locate

SOURCE_SHARE = 0.8  # of a list's items that must end with a bracket of names
# a clause that makes a further recommendation inside an item ("; recommends that …")
RECOMMENDS_AGAIN = re.compile(
    r"(?:;|\.)\s+(?:(?:it|and)\s+)?(?:also\s+)?(?=(?:recommends?|recommended|encourages?|"
    r"urges?|calls?\s+(?:up)?on|invites?)\b)",
    re.IGNORECASE,
)
# an item phrased as an infinitive ("To ratify …"), and a later clause that starts another
INFINITIVE_ITEM = re.compile(r"^To\s+[a-z]")
AGAIN_TO = re.compile(r"[;.]\s+(?=to\s+[a-z])", re.IGNORECASE)
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


def expands_acronym(text: str, b: Bracket) -> bool:
    """'the ICJ (International Commission of Jurists)': the bracket spells out the acronym
    before it; it names no State."""
    before = re.search(r"([A-Z][A-Z-]{1,9})\s*$", text[: b.start])
    if before is None:
        return False
    initials = "".join(w[0] for w in b.names.split() if w[:1].isupper())
    return initials.replace("-", "") == before.group(1).replace("-", "")


def names_states(b: Bracket, text: str = "") -> bool:
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
    if text and expands_acronym(text, b):
        return False
    return not all(w.isupper() for w in capitalised) or len(capitalised) > 2


def ends_with_states(text: str) -> bool:
    found = brackets(text)
    if not found or not names_states(found[-1], text):
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
        pieces = [
            (text, names, letter)
            for letter, limb in item_limbs(c.text)
            for text, names in split_item(limb)
        ]
        pieces = _inherit_names(pieces)
        if len(pieces) > 1:
            trail.add("sources", "split", c, c.rule.value, f"into {len(pieces)} recommendations")
        at = c.start
        for text, names, letter in pieces:
            start = locate(raw, text, at, c.end) if len(pieces) > 1 else c.start
            end = min(c.end, start + len(text)) if len(pieces) > 1 else c.end
            at = start + 1
            made = replace(c, text=text, source=names, start=start, end=end)
            if letter:  # "34. (a) Adopt …; (b) facilitate …": limb (b) of item 34
                made = replace(made, label=f"{c.label} ({letter})", key=normal_key(c.key, letter))
            out.append(made)
    return out


INLINE_LIMB = re.compile(r"(?:^|(?<=[\s:;,]))\(([a-z])\)\s+")


def item_limbs(text: str) -> list[tuple[str, str]]:
    """An item printed as lettered limbs ('(a) Adopt …; (b) facilitate … and (c) take …'):
    each limb with its letter; any other item whole, with no letter."""
    marks = list(INLINE_LIMB.finditer(text))
    if len(marks) < 2 or marks[0].start() != 0 or marks[0].group(1) != "a":
        return [("", text)]
    bounds = [*(m.start() for m in marks), len(text)]
    return [
        (m.group(1), text[m.end() : end].strip()) for m, end in zip(marks, bounds[1:], strict=True)
    ]


def _inherit_names(pieces: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A limb that names no State was made by the States the item names after it."""
    out: list[tuple[str, str, str]] = []
    later = ""
    for text, names, letter in reversed(pieces):
        later = names or later
        out.append((text, names or later, letter))
    return out[::-1]


def split_item(text: str) -> list[tuple[str, str]]:
    """An item's recommendations, each with the States that made it: the item is cut where
    a bracket of names closes one recommendation and a new ask begins ('… (Oman); Continue
    …'), then each piece is read State by State."""
    return [made for piece in _pieces(text) for made in _per_state(piece)]


def _pieces(text: str) -> list[str]:
    cuts: list[int] = []
    for b in brackets(text):
        if not names_states(b, text):
            continue
        # "… (Canada); (b) continue …": an inline limb's letter may open the next ask
        after = re.match(r"\s*[;.]\s*(?:and\s+)?(?:\([a-z]\)\s+)?", text[b.end :])
        if after is None:
            continue
        rest = text[b.end + after.end() :]
        if rest and _starts_an_ask(rest):
            cuts.append(b.end + after.end())
    cuts += [m.end() for m in RECOMMENDS_AGAIN.finditer(text)]
    if INFINITIVE_ITEM.match(text):
        # "To continue its efforts …; to follow up on measures …": asks in a row, one each
        cuts += [m.end() for m in AGAIN_TO.finditer(text) if _starts_an_ask(text[m.end() :])]
    cuts = sorted(set(c for c in cuts if 0 < c < len(text)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


def _starts_an_ask(rest: str) -> bool:
    """'Consider signing…', 'to continue…', 'recommends that…': a verb, not 'the Convention…'
    nor 'as recommended by…'."""
    rest = re.sub(r"^to\s+", "", rest, flags=re.I)
    rest = re.sub(r"^(?:[a-z]+ly\s+){1,2}", "", rest, flags=re.I)  # "effectively address …"
    return imperative_start(rest, capital=False) and not _noun_like(rest)


def _noun_like(rest: str) -> bool:
    """A capitalised name that opens the rest ('United Nations …', 'CAT …') is an object."""
    first = rest.split()[0] if rest.split() else ""
    return first.isupper() and len(first) > 1


@dataclass(frozen=True)
class _Segment:
    text: str
    names: tuple[str, ...]


def _per_state(piece: str) -> list[tuple[str, str]]:
    """Each State's recommendation in a piece whose brackets name different States along the
    way: a bracket claims the words between it and the bracket before it, for the States it
    names ('Continue and strengthen efforts (Sweden, Germany) to eliminate (Germany) and
    completely stem (Sweden) acts of torture (Sweden, Germany)' is Sweden's 'Continue and
    strengthen efforts and completely stem acts of torture' and Germany's 'Continue and
    strengthen efforts to eliminate acts of torture'); words after the last bracket are
    everyone's. States whose words are the same share one recommendation."""
    segments, tail = _segments(piece)
    if len({s.names for s in segments}) <= 1:
        return [_without_states(piece)]
    states = list(dict.fromkeys(n for s in segments for n in s.names))
    texts: dict[str, list[str]] = {}
    for state in states:
        own = [n for n, s in enumerate(segments) if state in s.names]
        words = " ".join(segments[n].text for n in own)
        text = _tidy(f"{words} {tail}")
        if _verb_only(text):
            # 'Sign (Australia)/Ratify (Argentina)/Accede to the Optional Protocol … (Czech
            # Republic)': the verbs share the object the next State's words name
            text = _tidy(f"{text} {_object_after(segments, own[-1])}")
        elif own[0] > 0 and not _starts_an_ask(text):
            # '… the National Human Rights Commission (Czech Republic), in accordance with the
            # Paris Principles (Ukraine)': a State that qualifies the ask before it makes it too
            text = _tidy(f"{segments[0].text} {text}")
        texts.setdefault(text, []).append(state)
    return [(text, ", ".join(names)) for text, names in texts.items() if text]


def _verb_only(text: str) -> bool:
    """'Sign', 'Become a party', 'Consider ratifying': a verb with no object of its own."""
    words = text.split()
    return 0 < len(words) <= 3 and not any(w[:1].isupper() for w in words[1:])


OBJECT_START = re.compile(r"\b(?:the|a|an|its|all|[A-Z][\w-]*)\b")


def _object_after(segments: list[_Segment], n: int) -> str:
    """The object the first later segment names: from its first article or name to the end
    of that recommendation ('/', ';', or ' and ' before a verb)."""
    for seg in segments[n + 1 :]:
        body = re.sub(r"^[\s/;,]+", "", seg.text)
        if _verb_only(_tidy(body)):
            continue  # 'Become a party (Montenegro)/': one more verb of the chain
        m = OBJECT_START.search(body, 1)
        if m is None:
            continue
        obj = body[m.start() :]
        end = re.search(r"\s*/|;|,?\s+and\s+(?=[a-z]+\s)", obj)
        return obj[: end.start()] if end else obj
    return ""


def _segments(piece: str) -> tuple[list[_Segment], str]:
    """The piece's words up to each run of brackets of names, with those names, and the
    words after the last run."""
    segments: list[_Segment] = []
    names: list[str] = []
    words_from, words_to, at = 0, 0, 0
    for b in brackets(piece):
        if not names_states(b, piece):
            continue
        if names and not piece[at : b.start].strip(" ,;"):
            names += _split_names(b.names)  # "(Australia) (Sweden)": one run of names
        else:
            if names:
                segments.append(_Segment(piece[words_from:words_to], tuple(names)))
                words_from = at
            names, words_to = _split_names(b.names), b.start
        at = b.end
    if names:
        segments.append(_Segment(piece[words_from:words_to], tuple(names)))
    return segments, piece[at:]


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;.])", r"\1", text).strip()
    text = re.sub(r"^[;,/.\s]+|[;,/\s]+$", "", text)
    text = re.sub(r"^(?:and|or)\s+", "", text)
    text = re.sub(r"^\([a-z]\)\s+", "", text)
    return re.sub(r"\s*(?:;|,)?\s*(?:and|or)$", "", text).strip().rstrip(";,")


def _without_states(piece: str) -> tuple[str, str]:
    """The piece's text without its brackets of names, and those names."""
    names: list[str] = []
    kept: list[str] = []
    at = 0
    for b in brackets(piece):
        if names_states(b, piece):
            kept.append(piece[at : b.start])
            at = b.end
            names.extend(_split_names(b.names))
    if not TAIL_PUNCTUATION.match(piece[at:]):
        kept.append(piece[at:])  # what follows the last names, unless only punctuation
    text = re.sub(r"\s+([,;.])", r"\1", re.sub(r"\s{2,}", " ", "".join(kept))).strip()
    text = re.sub(r"^[;,/.\s]+|[;,/\s]+$", "", text)
    text = re.sub(r"^\([a-z]\)\s+", "", text)  # the inline limb's letter: the label says it
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
