"""Text normalisation that keeps a map from every normalised character back to the source.

Letters reach us as markdown, hard-wrapped PDF text and web pages. Segmentation works on
clean paragraphs ("blocks"); the offsets let every concern and passage point back into
the original file, so a user can check the cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from .markers import parse_marker

SUPERSCRIPT_TAG = re.compile(r"<sup>\s*([^<]{0,12}?)\s*</sup>", re.IGNORECASE)
HTML_TAG = re.compile(r"</?(?:sup|sub|b|i|em|strong|u|span|br)\b[^>]*>", re.IGNORECASE)
EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*])")
MD_HEADING = re.compile(r"^#{1,6}[ \t]+", re.M)
ANGLE_URL = re.compile(r"<(https?://[^>\s]+|www\.[^>\s]+)>")
# A footnote number glued to a word after punctuation ("migrants.12 The") or floating
# between sentence end and the next sentence ("detentions. 1 These"). Never after an
# abbreviation that introduces a number ("Rec. 18", "para. 5", "No. 7", "art. 2"): there the
# number is a key, not a footnote.
KEY_ABBREVIATIONS = (
    *("Rec", "Recs", "rec", "recs", "Para", "para", "Paras", "paras", "No", "no", "Nos"),
    *("Art", "art", "Arts", "arts", "p", "pp", "Sec", "sec", "Vol", "vol", "Add", "Corr"),
    *("Rev", "Ch", "ch", "Fig", "fig"),
)
MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
KEY_WORD_END = re.compile(rf"(?:^|[\s(])(?:{'|'.join(KEY_ABBREVIATIONS)})\.$")
NOT_AFTER_KEY_WORD = "".join(rf"(?<!\b{a}\.)" for a in KEY_ABBREVIATIONS)
GLUED_FOOTNOTE = re.compile(rf"(?<=[a-z\)][.,;:”\"’]){NOT_AFTER_KEY_WORD}\d{{1,3}}(?=\s|$)")
FLOATING_FOOTNOTE = re.compile(
    rf"(?<=[.;:”\"’]){NOT_AFTER_KEY_WORD}[ \t]+\d{{1,2}}"
    rf"(?=[ \t]*(?:\n|$)|[ \t]+(?!(?:{MONTH_NAMES})\b)[A-Z])"
)
PAGE_NUMBER_LINE = re.compile(
    r"^[ \t]*(?:page[ \t]+)?\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?[ \t]*$", re.I | re.M
)
# Page furniture of UN documents: the document symbol repeated on every page
# ("CCPR/C/DNK/CO/6", "A/HRC/28/15/Add.1", sometimes with the page number beside it, or glued
# before the first paragraph of the page), job numbers ("GE.16-14016(E)") and bar codes.
UN_SYMBOL = r"[A-Z]{1,6}(?:/(?:[A-Z0-9]{1,8}|Add\.\d{1,2}|Corr\.\d{1,2}|Rev\.\d{1,2})){2,}"
SYMBOL_LINE = re.compile(
    rf"^[ \t]*(?:\d{{1,4}}[ \t]+)?{UN_SYMBOL}(?:[ \t]+\d{{1,4}})?[ \t]*$", re.M
)
SYMBOL_PREFIX = re.compile(rf"^[ \t]*{UN_SYMBOL}[ \t]+(?=\d{{1,3}}\.[ \t]+[A-Z])", re.M)
JOB_NUMBER_LINE = re.compile(
    r"^[ \t]*(?:\d{1,4}[ \t]+)?(?:[A-Z]{2}\.[ \t]?)?\d{2}-\d{5}(?:[ \t]*\([A-Z]\))?"
    r"(?:[ \t]+\S{1,12}){0,3}[ \t]*$"
    r"|^[ \t]*\*\d{7}\*[ \t]*$",
    re.M,
)
# A table-of-contents line: dot leaders to a page number (UN: paragraphs, then page). Four
# leader dots before the numbers are enough (the rest of the leader is part of `.*?`): with
# "{4,}" a long run of dots was rescanned from every dot, minutes for 40 KB of dots.
CONTENTS_LINE = re.compile(
    r"^.*?(?:\.[ \t]?){4}[ \t]*(?:\d{1,4}(?:[–-]\d{1,4})?[ \t]+)?\d{1,4}[ \t]*$", re.M
)
TERMINAL = ".!?:;"


@dataclass(frozen=True)
class MappedText:
    """A string and, for each character, its offset in the source text (plus an end)."""

    text: str
    origin: tuple[int, ...] = field(repr=False)

    @classmethod
    def identity(cls, text: str) -> MappedText:
        return cls(text, tuple(range(len(text) + 1)))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of the normalised slice ``[start, end)``."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1

    def slice(self, start: int, end: int) -> MappedText:
        return MappedText(self.text[start:end], (*self.origin[start:end], self.span(start, end)[1]))

    def sub(
        self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]
    ) -> MappedText:
        """Regex substitution; kept groups map exactly, inserted text maps to the match start."""
        out: list[str] = []
        origin: list[int] = []
        pos = 0
        for m in pattern.finditer(self.text):
            out.append(self.text[pos : m.start()])
            origin.extend(self.origin[pos : m.start()])
            new = repl(m) if callable(repl) else m.expand(repl)
            group = _kept_group(m, new)
            out.append(new)
            if group is not None:
                origin.extend(self.origin[m.start(group) : m.end(group)])
            else:
                origin.extend([self.origin[m.start()]] * len(new))
            pos = m.end()
        out.append(self.text[pos:])
        origin.extend(self.origin[pos:])
        return MappedText("".join(out), tuple(origin))


def _kept_group(m: re.Match[str], new: str) -> int | None:
    for g in range(1, (m.re.groups or 0) + 1):
        if new and m.group(g) == new:
            return g
    return None


def clean_markup(raw: str) -> MappedText:
    """Remove markup, footnote markers and page furniture; keep line structure."""
    text = MappedText.identity(raw.lstrip("\ufeff") if raw.startswith("\ufeff") else raw)
    if raw.startswith("\ufeff"):
        text = MappedText(text.text, tuple(o + 1 for o in text.origin))
    text = text.sub(re.compile(r"[\f\v]"), "\n")  # page breaks of PDF-to-text output
    text = text.sub(SUPERSCRIPT_TAG, "")
    text = text.sub(MD_HEADING, "")
    text = text.sub(HTML_TAG, "")
    text = text.sub(ANGLE_URL, r"\1")
    text = text.sub(EMPHASIS, "")
    text = text.sub(GLUED_FOOTNOTE, "")
    text = text.sub(FLOATING_FOOTNOTE, "")
    text = text.sub(PAGE_NUMBER_LINE, "")
    text = text.sub(SYMBOL_LINE, "")
    text = text.sub(SYMBOL_PREFIX, "")
    text = text.sub(JOB_NUMBER_LINE, "")
    text = text.sub(CONTENTS_LINE, "")
    return text.sub(re.compile(r"[ \t\u00a0]+"), " ")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or list item) of a document, whitespace-joined, with source offsets."""

    text: str
    start: int
    end: int
    emphasized: bool = False
    footnote: bool = False
    # cut from the paragraph before it by a line break alone (no blank line between)
    attached: bool = False
    after_break: bool = False  # page furniture stands between it and the block before


def raw_paragraphs(raw: str) -> Iterator[tuple[int, int]]:
    """Spans of blank-line-separated paragraphs in the raw text."""
    for m in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", raw):
        yield m.start(), m.end()


def _is_emphasized(raw_par: str) -> bool:
    body = re.sub(r"^\s*[-*•●]\s+(?=[*_])", "", raw_par.strip())
    return (bool(re.match(r"[*_]{1,3}\S", body)) and bool(re.search(r"\S[*_]{1,3}$", body))) or (
        bool(re.search(r"\S[*_]{2,3}$", body))
        and bool(re.match(r"(?:[-*•●]\s+)?\d{1,3}[.)]", body))
    )


@dataclass(frozen=True)
class Layout:
    """How a document breaks its lines: hard-wrapped at a width, or a paragraph per line."""

    width: int
    unwrapped: bool

    @classmethod
    def of(cls, text: str) -> Layout:
        lengths = sorted(len(line.strip()) for line in text.splitlines() if line.strip())
        if not lengths:
            return cls(80, False)
        p90 = lengths[int(len(lengths) * 0.9)]
        return cls(max(p90, 20), p90 > UNWRAPPED_P90)


# A document whose 90th-percentile line is longer than this writes a paragraph per line
# (markdown, word-processor text, "layout off" PDF text); wrapped PDF text runs 60-110.
UNWRAPPED_P90 = 200
# In wrapped text a line ending a sentence this far short of the width ends its paragraph.
SHORT_LINE = 0.7


def blocks(raw: str) -> list[Paragraph]:
    """Cut a document into paragraph blocks: lines joined, hyphenation and breaks repaired."""
    cleaned = clean_markup(raw)
    layout = Layout.of(cleaned.text)
    starred_notes = bool(re.search(r"\w\*{1,3}(?=\s|$)", raw))
    out: list[Paragraph] = []
    in_notes = False
    for start, end in raw_paragraphs(cleaned.text):
        piece = cleaned.slice(start, end)
        src_start, src_end = cleaned.span(start, end)
        # Markup removed at the start of the line still tells what the paragraph is.
        line_end = raw.find("\n", src_end)
        raw_par = raw[raw.rfind("\n", 0, src_start) + 1 : line_end if line_end >= 0 else len(raw)]
        emphasized = _is_emphasized(raw_par)
        # a line holding only the note's star ("**"), its text below it
        star = starred_notes and _star_line_before(raw, src_start)
        for n, sub in enumerate(_split_lines(piece, layout)):
            text, s, e = _join_lines(sub)
            if re.fullmatch(r"[-_*=\s]*", text):
                continue
            own = raw_par if s == src_start else _raw_lines(raw, s, e)  # its markup too
            footnote = in_notes or star or _is_footnote(own, starred_notes)
            star = False
            in_notes = in_notes or bool(NOTES_HEADING.match(text))
            # a bold line among plain ones (a paragraph per line): its own markup says so
            bold = emphasized or ((n > 0 or e < src_end) and _is_emphasized(_raw_lines(raw, s, e)))
            # in wrapped text a line break alone parts a block from the one before it; where
            # every paragraph is a line of its own, it parts two paragraphs
            attached = n > 0 and not layout.unwrapped
            out.append(Paragraph(text, s, e, bold, footnote, attached=attached))
    return _mark_breaks(_repair_breaks(out, raw), raw)


NOTES_HEADING = re.compile(r"^(?:notes|endnotes|footnotes)$", re.I)


def _raw_lines(raw: str, start: int, end: int) -> str:
    """The whole source lines that hold raw[start:end], markup included."""
    line_end = raw.find("\n", end)
    return raw[raw.rfind("\n", 0, start) + 1 : line_end if line_end >= 0 else len(raw)]


def _is_footnote(raw_par: str, starred_notes: bool = False) -> bool:
    """'<sup>1</sup> …', '[^1]: …', and in documents that mark notes with stars ('Denmark*'),
    a paragraph opening with the star ('* Adopted by the Committee…')."""
    if re.match(r"\s*(?:<sup>\s*\d{1,3}\s*</sup>|\[\^?\d{1,3}\]:?)", raw_par):
        return True
    return starred_notes and bool(re.match(r"\s*\*{1,3}(?:\s|$)", raw_par))


def _star_line_before(raw: str, at: int) -> bool:
    line_start = raw.rfind("\n", 0, at)
    prev_start = raw.rfind("\n", 0, max(0, line_start))
    return line_start > 0 and bool(re.fullmatch(r"\s*\*{1,3}\s*", raw[prev_start + 1 : line_start]))


def _split_lines(piece: MappedText, layout: Layout) -> Iterator[MappedText]:
    """Split a paragraph where a new block starts: a list item, numbered paragraph or label,
    a title-case heading line, or (in wrapped text) a short line that ends a sentence."""
    lines = [m for m in re.finditer(r"[^\n]+", piece.text)]
    if len(lines) <= 1:
        yield piece
        return
    cut_points = [0]
    texts = [m.group().strip() for m in lines]
    k = next((i for i, t in enumerate(texts) if not is_heading_line(t)), len(texts))
    if 0 < k < len(texts):
        cut_points.append(lines[k].start())
    limb = ""  # the letter of the last limb that opened a line of this paragraph
    for i in range(k + 1, len(lines)):
        letter = _limb_letter(texts[i])
        if letter and not _limb_follows(limb, letter, texts[: i + 1]):
            continue  # "…; (b) reports" where "(a)" was inline: a wrap, not a new limb
        if letter == "a" and _next_limb_inline(texts[i:]):
            continue  # "(a) …; (b) …; and (c) …" run on in the text: the wrap put (a) first
        if _opens_block(texts[i - 1], texts[i], layout):
            cut_points.append(lines[i].start())
            limb = letter or limb
    cut_points.append(len(piece.text))
    for a, b in itertools.pairwise(sorted(set(cut_points))):
        if piece.text[a:b].strip():
            yield piece.slice(a, b)


def _limb_letter(line: str) -> str:
    marker = parse_marker(line)
    return marker.value if marker is not None and marker.kind == "limb" else ""


def _next_limb_inline(rest: list[str]) -> bool:
    """Does limb (b) come inside a line, not at the start of one, after an (a) at a line's
    start?"""
    starts = any(_limb_letter(t) == "b" for t in rest[1:])
    inline = re.search(r"[\s;:,]\(b\)\s", " " + " ".join(rest)[3:])
    return bool(inline) and not starts


def _limb_follows(last: str, letter: str, lines: list[str]) -> bool:
    """A lettered limb opens a line of its own when it is (a), or the letter after the last
    limb that did; a later letter whose (a) stood inside a line is a wrap of that line."""
    if letter == "a" or (last and len(last) == 1 and ord(letter) == ord(last) + 1):
        return True
    # the paragraph's first line may be the limb before (its block opened the paragraph)
    first = _limb_letter(lines[0])
    return not last and bool(first) and len(first) == 1 and ord(letter) == ord(first) + 1


def _opens_block(prev: str, line: str, layout: Layout) -> bool:
    if not line:
        return False
    marker = parse_marker(line)
    ends = prev[-1:] in TERMINAL or bool(re.search(r"[.;:?!][”\"’)]$", prev))
    if KEY_WORD_END.search(prev):
        ends = False  # "…Convention, 2011 (No.\n189) (Philippines);": the number is the key's
    if marker is not None and marker.kind == "bullet" and not ends and _dash_inside(line):
        return False  # "…women’s organizations\n– in efforts to address…": a dash, no bullet
    if marker is not None and marker.kind in ("bullet", "label"):
        return True
    # a marker opens a block after a finished sentence or a short line; after a full line that
    # stops mid-sentence it is the sentence's own number ("…since\n1984. Establish…")
    if marker is not None and (ends or len(prev) < layout.width * 0.6):
        return True
    head = parse_marker(prev)
    if head is not None and head.kind == "section" and not ends and len(prev.split()) <= 12:
        return True  # "C. Principal matters of concern" is a heading line of its own
    if layout.unwrapped:
        return not line[0].islower()
    return ends and line[0].isupper() and len(prev) < layout.width * SHORT_LINE


def _dash_inside(line: str) -> bool:
    """A line that opens with a dash and a word in lower case goes on with a sentence."""
    return bool(re.match(r"[–—]\s+[a-z]", line))


SMALL_WORDS = {
    "of",
    "the",
    "and",
    "to",
    "in",
    "on",
    "for",
    "a",
    "an",
    "at",
    "by",
    "with",
    "or",
    "vs",
}


HEADING_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def is_heading_line(line: str) -> bool:
    """A short title-case line with no closing punctuation: a heading in wrapped PDF text."""
    # at most nine words are read: a line of more is no heading, however long it is
    words = [m.group() for m in itertools.islice(HEADING_WORD.finditer(line), 9)]
    if not words or len(words) > 8 or "," in line or line.rstrip()[-1:] in TERMINAL:
        return False
    if line.rstrip()[-1:] in "-–(" or line.count("(") > line.count(")"):
        return False  # "… Health Strategy (2009-": the line goes on below
    if words[-1].lower() in SMALL_WORDS - {"vs"}:
        return False
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return bool(content) and all(w[0].isupper() for w in content)


# a word hyphenated at a line's end ("organi-\nzation"); not a suspended hyphen before a
# conjunction ("civil society-\nand government-led")
HYPHENATED = re.compile(r"(?<=[a-z])-\n[ \t]*(?=[a-z])(?!(?:and|or|nor|to)\b)")


def _join_lines(piece: MappedText) -> tuple[str, int, int]:
    """Join hard-wrapped lines, rejoining words hyphenated across a line break."""
    t = piece.sub(HYPHENATED, "")
    t = t.sub(re.compile(r"[ \t]*\n[ \t]*"), " ")
    stripped = t.text.strip()
    lead = len(t.text) - len(t.text.lstrip())
    s, e = t.span(lead, lead + len(stripped))
    return stripped, s, e


def _mark_breaks(items: list[Paragraph], raw: str) -> list[Paragraph]:
    """Mark each block that follows a page break straight after a block of text (after a
    page-bottom note, what follows the break goes on with the note or the page)."""
    return [
        replace(p, after_break=True)
        if n and not items[n - 1].footnote and page_break_between(raw, items[n - 1].end, p.start)
        else p
        for n, p in enumerate(items)
    ]


def _repair_breaks(items: list[Paragraph], raw: str) -> list[Paragraph]:
    """Merge a block cut by a page or column break into its continuation.

    A block that ends mid-sentence (no closing punctuation) and is followed by one that
    starts in lower case, or with a link, is one paragraph split by the layout.
    Footnote blocks in between (page-bottom notes) are stepped over. The pieces of a
    paragraph are joined once, at the end: joining at each break made a document of many
    short unpunctuated lines take time in the square of its length.
    """
    merged: list[list[Paragraph]] = []  # each: a block and the continuations joined to it
    pending_notes: list[Paragraph] = []
    pulled = False  # the last merge took a line that looked like a title across a page break
    for b in items:
        if b.footnote and merged and _open(merged[-1]):
            pending_notes.append(b)
            continue
        rest = pulled and b.attached and parse_marker(b.text) is None
        pulled = False
        if (
            merged
            and _open(merged[-1])
            and not b.footnote
            and (_continues(b) or _across_page_break(raw, merged[-1][-1], b) or rest)
        ):
            # "…System for" | page break | "Integral Family Development (DIF) and the Child
            # Protection" (cut off as a title) | "Offices …": the rest of that line's paragraph
            pulled = is_heading_line(b.text)
            merged[-1].append(b)
        else:
            merged.extend([n] for n in pending_notes)
            pending_notes = []
            merged.append([b])
            continue
        merged.extend([n] for n in pending_notes)
        pending_notes = []
    merged.extend([n] for n in pending_notes)
    return [_joined(pieces, raw) for pieces in merged]


def _across_page_break(raw: str, last: Paragraph, b: Paragraph) -> bool:
    """Does page furniture stand between an unfinished block and the next, which then goes
    on with its sentence? (After '…System for', even a line in title case goes on.)"""
    if parse_marker(b.text) is not None:
        return False
    words = last.text.split()
    dangling = bool(words) and words[-1].lower() in SMALL_WORDS
    if is_heading_line(b.text) and not dangling:
        return False
    return page_break_between(raw, last.end, b.start)


FURNITURE_LINES = (PAGE_NUMBER_LINE, SYMBOL_LINE, JOB_NUMBER_LINE)


def page_break_between(raw: str, end: int, start: int) -> bool:
    """Does page furniture (a page number, a document symbol, a job number) stand in the
    source between two blocks: a page break?"""
    gap = raw[end:start]
    if "\f" in gap:
        return True
    return any(rx.search(gap) for rx in FURNITURE_LINES)


def _joined(pieces: list[Paragraph], raw: str) -> Paragraph:
    """One paragraph of the pieces a page or column break cut."""
    first = pieces[0]
    if len(pieces) == 1:
        return first
    parts = [first.text]
    for p in pieces[1:]:
        last = parts[-1]
        # "situ-" | page break | "ation": a word hyphenated across the break
        if (
            last[-2:-1].islower()
            and last.endswith("-")
            and re.match(r"[a-z]", p.text)
            and not re.match(r"(?:and|or|nor|to)\b", p.text)
        ):
            parts[-1] = last[:-1] + p.text
        else:
            parts.append(p.text)
    text = " ".join(parts)
    # a bold paragraph a page break cut opens its bold on one side and closes it on the other
    bold = first.emphasized or _is_emphasized(_raw_lines(raw, first.start, pieces[-1].end))
    return Paragraph(text, first.start, pieces[-1].end, bold, attached=first.attached)


def _open(pieces: list[Paragraph]) -> bool:
    """The paragraph (its pieces so far) ends mid-sentence. Past nine pieces it has more
    than the eight words of a heading line, so only the last nine are ever joined here."""
    last = pieces[-1]
    if pieces[0].footnote or last.text[-1:] in TERMINAL + ")”\"'":
        return False
    return len(pieces) > 9 or not is_heading_line(" ".join(p.text for p in pieces))


def _continues(b: Paragraph) -> bool:
    return bool(re.match(r"[a-z(<]|https?://|www\.", b.text))
