"""Text normalisation that keeps a map from every normalised character back to the source.

Letters reach us as markdown, hard-wrapped PDF text and web pages. Segmentation works on
clean paragraphs ("blocks"); the offsets let every concern and passage point back into
the original file, so a user can check the cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .markers import parse_marker, starts_block

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
    r"^[ \t]*(?:[A-Z]{2}\.)?\d{2}-\d{5}[ \t]*\([A-Z]\)(?:[ \t]+\S{1,12}){0,3}[ \t]*$"
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
        for sub in _split_lines(piece, layout):
            text, s, e = _join_lines(sub)
            if re.fullmatch(r"[-_*=\s]*", text):
                continue
            footnote = (
                in_notes or star or _is_footnote(raw_par if s == src_start else text, starred_notes)
            )
            star = False
            in_notes = in_notes or bool(NOTES_HEADING.match(text))
            out.append(Paragraph(text, s, e, emphasized, footnote))
    return _repair_breaks(out)


NOTES_HEADING = re.compile(r"^(?:notes|endnotes|footnotes)$", re.I)


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
    for i in range(k + 1, len(lines)):
        if _opens_block(texts[i - 1], texts[i], layout):
            cut_points.append(lines[i].start())
    cut_points.append(len(piece.text))
    for a, b in itertools.pairwise(sorted(set(cut_points))):
        if piece.text[a:b].strip():
            yield piece.slice(a, b)


def _opens_block(prev: str, line: str, layout: Layout) -> bool:
    if not line:
        return False
    marker = parse_marker(line)
    ends = prev[-1:] in TERMINAL or bool(re.search(r"[.;:?!][”\"’)]$", prev))
    if marker is not None and marker.kind in ("bullet", "label"):
        return True
    if marker is not None and (ends or starts_block(prev) or len(prev) < layout.width * 0.6):
        return True
    head = parse_marker(prev)
    if head is not None and head.kind == "section" and not ends and len(prev.split()) <= 12:
        return True  # "C. Principal matters of concern" is a heading line of its own
    if layout.unwrapped:
        return not line[0].islower()
    return ends and line[0].isupper() and len(prev) < layout.width * SHORT_LINE


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
    if words[-1].lower() in SMALL_WORDS - {"vs"}:
        return False
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return bool(content) and all(w[0].isupper() for w in content)


def _join_lines(piece: MappedText) -> tuple[str, int, int]:
    """Join hard-wrapped lines, rejoining words hyphenated across a line break."""
    t = piece.sub(re.compile(r"(?<=[a-z])-\n[ \t]*(?=[a-z])"), "")
    t = t.sub(re.compile(r"[ \t]*\n[ \t]*"), " ")
    stripped = t.text.strip()
    lead = len(t.text) - len(t.text.lstrip())
    s, e = t.span(lead, lead + len(stripped))
    return stripped, s, e


def _repair_breaks(items: list[Paragraph]) -> list[Paragraph]:
    """Merge a block cut by a page or column break into its continuation.

    A block that ends mid-sentence (no closing punctuation) and is followed by one that
    starts in lower case, or with a link, is one paragraph split by the layout.
    Footnote blocks in between (page-bottom notes) are stepped over. The pieces of a
    paragraph are joined once, at the end: joining at each break made a document of many
    short unpunctuated lines take time in the square of its length.
    """
    merged: list[list[Paragraph]] = []  # each: a block and the continuations joined to it
    pending_notes: list[Paragraph] = []
    for b in items:
        if b.footnote and merged and _open(merged[-1]):
            pending_notes.append(b)
            continue
        if merged and _open(merged[-1]) and _continues(b) and not b.footnote:
            merged[-1].append(b)
        else:
            merged.extend([n] for n in pending_notes)
            pending_notes = []
            merged.append([b])
            continue
        merged.extend([n] for n in pending_notes)
        pending_notes = []
    merged.extend([n] for n in pending_notes)
    return [_joined(pieces) for pieces in merged]


def _joined(pieces: list[Paragraph]) -> Paragraph:
    first = pieces[0]
    if len(pieces) == 1:
        return first
    text = " ".join(p.text for p in pieces)
    return Paragraph(text, first.start, pieces[-1].end, first.emphasized)


def _open(pieces: list[Paragraph]) -> bool:
    """The paragraph (its pieces so far) ends mid-sentence. Past nine pieces it has more
    than the eight words of a heading line, so only the last nine are ever joined here."""
    last = pieces[-1]
    if pieces[0].footnote or last.text[-1:] in TERMINAL + ")”\"'":
        return False
    return len(pieces) > 9 or not is_heading_line(" ".join(p.text for p in pieces))


def _continues(b: Paragraph) -> bool:
    return bool(re.match(r"[a-z(<]|https?://|www\.", b.text))
