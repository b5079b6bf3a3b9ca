"""A document's outline: its blocks (headings, numbered paragraphs, limbs, items, labels),
each with its label as printed, a normalised key, its parent and offsets into the source.

Page furniture (running heads, page numbers, UN symbols and job numbers, tables of
contents) is removed by normalisation before the outline is built; footnotes are kept aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .markers import Marker, label_keys, normal_key, parse_marker, roman_value
from .normalize import SMALL_WORDS, TERMINAL, Paragraph, blocks, is_heading_line


@dataclass(frozen=True)
class Block:
    """One block of the outline. `text` includes its marker; `body` is the text after it."""

    text: str
    start: int
    end: int
    emphasized: bool = False
    footnote: bool = False
    marker: Marker | None = None
    key: str = ""
    keys: tuple[str, ...] = ()  # every key a label names ("Recs. 6–13")
    label: str = ""
    parent: int = -1
    heading: bool = False
    attached: bool = False  # cut from the block before by a line break, not a blank line
    after_break: bool = False  # page furniture stands between it and the block before

    @property
    def body(self) -> str:
        return self.text[self.marker.length :].strip() if self.marker else self.text

    @property
    def kind(self) -> str:
        return self.marker.kind if self.marker else ""


@dataclass(frozen=True)
class Outline:
    blocks: tuple[Block, ...]
    footnotes: tuple[Block, ...]


# A table of contents flattened into one block: "Summary 2 1.2 List of Chapters 8 …".
CONTENTS_RUN = re.compile(r"(?:[A-Za-z][\w,’'()-]*\s+){1,10}\d{1,4}(?:\s+|$)")
MAX_HEADING_WORDS = 12


def build_outline(raw: str) -> Outline:
    """Parse a document into its outline."""
    paragraphs = blocks(raw)
    notes = tuple(
        Block(b.text, b.start, b.end, b.emphasized, True) for b in paragraphs if b.footnote
    )
    heads = _page_heads(paragraphs)
    body = [
        Block(b.text, b.start, b.end, b.emphasized, attached=b.attached, after_break=b.after_break)
        for b in paragraphs
        if not b.footnote and not _is_contents(b.text) and b.text not in heads
    ]
    body = _split_titles(_split_inline_numbers(body, raw), raw)
    return Outline(_structure(body), notes)


# A running head or foot that PDF layout did not give away: a short line with the page
# number ("Recommendations 285", "286 Recommendations") recurring with other numbers.
PAGE_HEAD = re.compile(r"^(?:\d{1,4}\s+\D{2,60}|\D{2,60}\s+\d{1,4})$")
PAGE_HEAD_REPEATS = 3


def _page_heads(paragraphs: list[Paragraph]) -> set[str]:
    counts: dict[str, set[str]] = {}
    for p in paragraphs:
        marker = parse_marker(p.text)
        if marker is not None and marker.kind == "label":
            continue  # "Recommendation 4" recurs with other numbers too: it is a key
        if len(p.text.split()) <= 8 and PAGE_HEAD.match(p.text):
            counts.setdefault(re.sub(r"\d+", "#", p.text), set()).add(p.text)
    return {t for texts in counts.values() if len(texts) >= PAGE_HEAD_REPEATS for t in texts}


# "2. Recognising what happened to people (a) A permanent memorial be…", "(a) Duty of
# candour (i) A statutory duty…": a numbered title run into its first limb.
TITLE_THEN_LIMB = re.compile(r"^(?P<title>\S+\s+[^.;:?!]{3,120}?)\s+(?=\((?:a|i)\)\s+[A-Z“\"])")


def _split_titles(items: list[Block], raw: str) -> list[Block]:
    out: list[Block] = []
    for b in items:
        while parse_marker(b.text) is not None:
            m = TITLE_THEN_LIMB.match(b.text)
            if m is None or len(m.group("title").split()) > MAX_HEADING_WORDS + 1:
                break
            tail = b.text[m.end() :]
            at = locate(raw, tail, b.start, b.end)
            out.append(replace(b, text=m.group("title"), end=max(b.start, at - 1)))
            b = replace(b, text=tail, start=at)
        out.append(b)
    return out


def _is_contents(text: str) -> bool:
    """A table of contents: title words and page numbers, no sentence."""
    if re.search(r"[a-z]{3}[.?!](?:\s|$)", text) or len(text) < 40:
        return False
    runs = CONTENTS_RUN.findall(text)
    return len(runs) >= 4 and sum(len(r) for r in runs) >= 0.8 * len(text)


def _split_inline_numbers(items: list[Block], raw: str) -> list[Block]:
    """Numbered paragraphs run together on one line ("… (art. 23). 36. The State party …",
    "Family reunification 35. The Committee …", "…communities 8.8. Departmental…") are cut
    where the next number in sequence starts: the numbering, not the wording, tells where a
    paragraph begins."""
    out: list[Block] = []
    last = ""
    for b in items:
        m = parse_marker(b.text)
        if m and m.kind == "number" and re.fullmatch(r"\d{1,7}(?:\.\d{1,3})?", m.value):
            last = m.value
        pieces = _cut_at_sequence(b, last, raw) if last else [b]
        for p in pieces:
            pm = parse_marker(p.text)
            if pm and pm.kind == "number" and re.fullmatch(r"\d{1,7}(?:\.\d{1,3})?", pm.value):
                last = pm.value
        out.extend(pieces)
    return out


def _following(number: str) -> str:
    """The number after '35' is '36'; after '8.8' it is '8.9'."""
    head, _, tail = number.rpartition(".")
    return f"{head}.{int(tail) + 1}" if head else str(int(tail) + 1)


def _cut_at_sequence(b: Block, last: str, raw: str) -> list[Block]:
    pieces: list[Block] = []
    text, start = b.text, b.start
    expected = _following(last)
    while True:
        cut = _next_cut(text, expected)
        if cut is None:
            break
        head, tail = text[:cut].strip(), text[cut:]
        tail_start = locate(raw, tail, start, b.end)
        if head:
            pieces.append(replace(b, text=head, start=start, end=max(start, tail_start - 1)))
        text, start = tail, tail_start
        if tail.startswith(expected):
            expected = _following(expected)
    pieces.append(replace(b, text=text, start=start))
    return pieces


def _next_cut(text: str, expected: str) -> int | None:
    number = re.escape(expected)
    for m in re.finditer(rf"(?<![\w.]){number}\.?\s+(?=[A-Z“\"])", text):
        if m.start() == 0:
            continue
        before = text[: m.start()].rstrip()
        # "… of children. Family life 9. The Committee …": the heading opens a block too
        heading = re.search(r"[.;:)”\"’]\s+([A-Z][^.;:?!,]{0,100})$", before)
        if heading and len(heading.group(1).split()) <= MAX_HEADING_WORDS:
            return heading.start(1)
        if before[-1:] in '.;:)”"’' or (
            before[-1:] not in TERMINAL + "," and len(before.split()) <= MAX_HEADING_WORDS
        ):
            return m.start()
    return None


def locate(raw: str, piece: str, lo: int, hi: int) -> int:
    """Source offset where `piece` (whitespace-joined text) starts within raw[lo:hi]."""
    words = piece.split()[:4]
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.compile(pattern).search(raw, lo, hi) if words else None
    return m.start() if m else lo


def _structure(items: list[Block]) -> tuple[Block, ...]:
    """Give each block its marker, key, printed label, parent, and heading flag."""
    out: list[Block] = []
    number: tuple[int, str] | None = None  # (index, value) of the paragraph limbs hang from
    limb: tuple[int, str] | None = None
    for i, b in enumerate(items):
        following = items[i + 1] if i + 1 < len(items) else None
        m = parse_marker(b.text)
        if _is_heading(b, m, following):
            out.append(replace(b, marker=m, heading=True, label=m.label if m else ""))
            number = limb = None
            continue
        if m is None or m.kind == "bullet":
            parent = limb[0] if limb else number[0] if number else -1
            out.append(replace(b, marker=m, parent=parent))
            continue
        if m.kind == "limb" and _is_roman(m.value, limb):
            m = replace(m, kind="roman")
        if m.kind == "number":
            number, limb = (len(out), m.value), None
            out.append(replace(b, marker=m, key=normal_key(m.value), label=m.value))
        elif m.kind == "limb" and number:
            limb = (len(out), m.value)
            key = normal_key(number[1], m.value)
            out.append(
                replace(b, marker=m, key=key, label=f"{number[1]} ({m.value})", parent=number[0])
            )
        elif m.kind == "roman" and limb and number:
            key = normal_key(number[1], limb[1], m.value)
            label = f"{number[1]} ({limb[1]}) ({m.value})"
            out.append(replace(b, marker=m, key=key, label=label, parent=limb[0]))
        elif m.kind == "label":
            keys = label_keys(m.value)
            out.append(replace(b, marker=m, key=keys[0] if keys else "", keys=keys, label=m.label))
            number, limb = (len(out) - 1, m.value) if len(keys) == 1 else None, None
        else:
            out.append(replace(b, marker=m, label=m.label))
    return tuple(out)


def is_title(text: str) -> bool:
    """A title ('Regular use of red teams', 'Compensation'): short, no sentence of its own."""
    return (
        bool(text)
        and len(text.split()) <= MAX_HEADING_WORDS
        and text.rstrip()[-1:] not in (TERMINAL + ",")
    )


def _is_roman(value: str, limb: tuple[int, str] | None) -> bool:
    """'(i)' after '(h)' is a letter; after '(a)' (or a roman) it is a roman numeral."""
    if not re.fullmatch(r"[ivx]{1,4}", value) or roman_value(value) == 0:
        return False
    if limb is None:
        return False
    prev = limb[1]
    return not (len(prev) == 1 and len(value) == 1 and ord(value) == ord(prev) + 1)


def _is_heading(b: Block, m: Marker | None, following: Block | None) -> bool:
    """Section-lettered lines ('A. Introduction'), title-case lines, and short sentence-case
    lines with no closing punctuation that open a numbered run ('Reservations to the
    Covenant' before '7. …')."""
    text = b.text.rstrip("*")
    if text[-1:] in TERMINAL + "," or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if m is not None and m.kind == "section":
        return True
    if m is not None and m.kind == "number" and b.body.isupper() and len(b.body.split()) <= 10:
        return True  # "2. RECOMMENDATIONS", "6. CONCLUSIONS AND RECOMMENDATIONS"
    if m is not None or not text[:1].isupper():
        return False
    if is_heading_line(text):
        return True
    if re.search(r"[:“”\"]", text) or text.split()[-1].lower() in SMALL_WORDS:
        return False  # 'The recommendation as read during the dialogue: “Adopt … and': a note
    nxt = parse_marker(following.text) if following else None
    return nxt is not None and nxt.kind in ("number", "section", "label")
