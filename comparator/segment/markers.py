"""The one vocabulary of list markers, labels and keys that documents use to number things.

Bullets, paragraph numbers (``12.``, ``115.1``, ``8.15``, ``2a)``), lettered limbs (``(a)``,
``a)``, ``a.``), roman sub-items (``(i)``), section letters (``A.``, ``II.``) and labels
("Recommendation 4", "Rec. 18", "Recs. 6–13", "Paragraph 5"). Normalisation and
segmentation both read markers through this module, so a shape is defined once.

A *key* is a marker's normalised address: ``115.18``, ``24(a)``, ``4(a)(i)``. A request's
concern and a reply's answer that carry the same key are about the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MarkerKind = Literal["bullet", "number", "limb", "roman", "section", "label"]

BULLET_CHARS = "-*•●▪◦‣–■□➢✓"
BULLET = re.compile(rf"^[{re.escape(BULLET_CHARS)}]\s+")
# "12. ", "(3) ", "8.15. ", "115.1 Take…", "2a) ", "1204. " — a paragraph or list number.
# A list may run past 999 items; the limit only keeps a long digit run from being one.
NUMBER = re.compile(
    r"^(?:\((\d{1,3})\)|(\d{1,7}(?:\.\d{1,4}){0,3})[.)]|(\d{1,3}(?:\.\d{1,4}){1,3})(?=\s+[A-Z(“\"])"
    r"|(\d{1,3}[a-z])\))\s+"
)
LIMB = re.compile(r"^(?:\(([a-z]{1,2})\)|([a-z])[.)])\s+")
ROMAN = re.compile(r"^\(?((?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))[.)]\s+")
SECTION = re.compile(r"^([A-Z]|[IVX]{1,6})\.\s+(?=[A-Z“\"])")
# "Recommendation 4", "Recommendations 4 and 5", "Rec. 18", "Recs. 6–13", "Paragraph 5",
# "Para. 13 (a)", "Recommendation 4a) i)", "Recommendation 32a"
LABEL = re.compile(
    r"^(?P<word>recommendations?|recs?\.?|paragraphs?|paras?\.?)\s+"
    r"(?P<keys>\d{1,3}(?:\.\d{1,4})*(?:\s*\(?[a-z]\)?(?![a-z]))?(?:\s*\(?[ivx]{1,4}\))?"
    r"(?:\s*(?:[-–—]|,|and|to)\s*\d{1,3}(?:\.\d{1,4})*(?:\s*\(?[a-z]\)(?![a-z]))?)*)"
    r"(?=$|[\s:.,;)])[:.]?\s*",
    re.IGNORECASE,
)
DASH = "-–—"
# A list of keys in running text: "recommendations 1–5, 14–16 and 20", "140.82-85, 87".
# "38 (a, d)": limbs listed in one bracket
_KEY = r"\d{1,3}(?:\.\d{1,4})*(?:\s*\([a-z](?:\s*,\s*[a-z])*\))?(?:\s*\([ivx]{1,4}\))?"
# "…, 28 (b), (c) and (d); 32": after a key, more limbs of the same paragraph, or more keys
_BARE_LIMB = r"\((?:[a-z]|[ivx]{2,4})\)(?:\s*\([ivx]{1,4}\))?(?![\w(])"
_KEY_SEPARATOR = r"\s*(?:[-–—]\s*|[,;]\s*(?:and\s+)?|\s+and\s+|\s+to\s+)"
_MORE_KEYS = rf"(?:{_KEY_SEPARATOR}(?:{_KEY}|{_BARE_LIMB}))*"
KEY_LIST = re.compile(
    rf"\b(?:recommendations?|recs?\.|paragraphs?|paras?\.):?\s+(?P<keys>{_KEY}{_MORE_KEYS})",
    re.IGNORECASE,
)
# "recommendations Nos. 1, 4, 7 and 8": numbers of a list's items, named as such
NUMBER_LIST = re.compile(rf"\bNos?\.\s+(?P<keys>{_KEY}{_MORE_KEYS})")
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


@dataclass(frozen=True)
class Marker:
    """The marker a block starts with: its kind, its label as printed and its key."""

    kind: MarkerKind
    label: str  # as printed: "12.", "(a)", "Rec. 18"
    value: str  # the bare number or letter: "12", "a", "18"
    length: int  # characters the marker takes at the start of the text


def parse_marker(text: str) -> Marker | None:
    """The marker at the start of `text`, if any (labels first: they are the most specific).
    A bullet before a number ('- 1. Please provide…') is the number's."""
    bullet = BULLET.match(text)
    if bullet:
        inner = _parse(text[bullet.end() :])
        if inner is not None and inner.kind in ("number", "label"):
            return Marker(inner.kind, inner.label, inner.value, bullet.end() + inner.length)
    return _parse(text)


def _parse(text: str) -> Marker | None:
    for kind, rx in (
        ("label", LABEL),
        ("number", NUMBER),
        ("limb", LIMB),
        ("roman", ROMAN),
        ("bullet", BULLET),
        ("section", SECTION),
    ):
        m = rx.match(text)
        if not m:
            continue
        if kind == "label":
            value = _squash(m.group("keys"))
            if m.group("word").lower().startswith(
                ("recommendations", "paragraphs", "recs", "paras")
            ) and not re.search(r"[-–—,]|\band\b|\bto\b", value):
                continue  # "Recommendations 285" is a running head, not "Recs. 6–13"
        elif kind == "bullet":
            value = ""
        else:
            value = next(g for g in m.groups() if g)
        if kind == "roman" and not value:
            continue
        return Marker(kind, text[: m.end()].strip(), value, m.end())  # type: ignore[arg-type]
    return None


def starts_block(line: str) -> bool:
    """Does this line open a new block (list item, numbered paragraph, label, section)?"""
    m = parse_marker(line)
    return m is not None and (m.kind != "section" or len(line.split()) <= 14)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def roman_value(text: str) -> int:
    total = 0
    values = [ROMAN_VALUES[c] for c in text.lower() if c in ROMAN_VALUES]
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total


def normal_key(number: str, limb: str = "", roman: str = "") -> str:
    """'24', 'a' → '24(a)'; '4a' → '4(a)'; '115.18' → '115.18'."""
    m = re.fullmatch(r"(\d{1,7}(?:\.\d{1,4})*)([a-z])?", number.strip().lower())
    if not m:
        return number.strip().lower()
    key = m.group(1)
    letter = limb or (m.group(2) or "")
    if letter:
        key += f"({letter.lower()})"
    if roman:
        key += f"({roman.lower()})"
    return key


def label_keys(text: str) -> tuple[str, ...]:
    """Keys named by a label or key list: '6–13' → 6…13; '4a) i)' → 4(a)(i); '140.82-85, 87'."""
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(  # "38 (a, d)" → "38 (a), (d)"
        r"\(([a-z](?:\s*,\s*[a-z])+)\)",
        lambda m: ", ".join(f"({x.strip()})" for x in m.group(1).split(",")),
        text,
    )
    single = re.fullmatch(
        r"(\d{1,3}(?:\.\d{1,4})*)\s*\(?([a-z])?\)?\s*(?:\(?([ivx]{1,4})\))?", text, re.I
    )
    if single and (single.group(2) or single.group(3)):
        return (normal_key(single.group(1), single.group(2) or "", single.group(3) or ""),)
    keys: list[str] = []
    prefix = ""
    for part in re.split(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+", text):
        if re.fullmatch(r"\([ivx]{2,4}\)", part.strip()):
            continue  # "(b) (i) and (ii)": a leaf of the limb before, which names it already
        bare = re.fullmatch(r"\(([a-z])\)(?:\s*\([ivx]{1,4}\))?", part.strip())
        if bare and keys:  # "28 (b), (c)": another limb of the paragraph before
            keys.append(normal_key(re.sub(r"\(.*", "", keys[-1]), bare.group(1)))
            continue
        rng = re.fullmatch(
            rf"(\d{{1,3}}(?:\.\d{{1,4}})*)(?:\s*(?:[{DASH}]|to)\s*(\d{{1,4}}(?:\.\d{{1,4}})*))?"
            r"(?:\s*\(([a-z])\))?(?:\s*\([ivx]{1,4}\))?",
            part.strip(),
            re.I,
        )
        if not rng:
            continue
        first, last, limb = rng.group(1), rng.group(2), rng.group(3) or ""
        if "." not in first and prefix and keys and "." in keys[-1]:
            first = prefix + first  # "140.82-85, 87": 87 inherits "140."
        prefix = first.rsplit(".", 1)[0] + "." if "." in first else ""
        keys.extend(_expand(first, last, limb))
    return tuple(dict.fromkeys(keys))


def _expand(first: str, last: str | None, limb: str) -> list[str]:
    if not last:
        return [normal_key(first, limb)]
    head, _, low = first.rpartition(".")
    high = last.rpartition(".")[2] if "." in last else last
    a, b = int(low), int(high)
    if b < a or b - a > 500:
        return [normal_key(first, limb)]
    stem = f"{head}." if head else ""
    return [f"{stem}{n}" for n in range(a, b + 1)]


def key_lists(sentence: str, numbers: bool = False) -> tuple[str, ...]:
    """Every key a sentence lists: 'accepts the recommendations 1–5, 14–16, 20' → 1…5, 14….
    With `numbers`, also 'Nos. 1, 4 and 7' (a report naming its own list's items)."""
    keys: list[str] = []
    for rx in (KEY_LIST, NUMBER_LIST) if numbers else (KEY_LIST,):
        for m in rx.finditer(sentence):
            keys.extend(label_keys(m.group("keys")))
    return tuple(dict.fromkeys(keys))


def strip_marker(text: str) -> tuple[Marker | None, str]:
    """The marker and the text after it."""
    m = parse_marker(text)
    return (m, text[m.length :]) if m else (None, text)
