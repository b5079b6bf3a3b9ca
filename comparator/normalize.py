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

SUPERSCRIPT_TAG = re.compile(r"<sup>\s*([^<]{0,12}?)\s*</sup>", re.IGNORECASE)
HTML_TAG = re.compile(r"</?(?:sup|sub|b|i|em|strong|u|span|br)\b[^>]*>", re.IGNORECASE)
EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*])")
MD_HEADING = re.compile(r"^#{1,6}[ \t]+", re.M)
ANGLE_URL = re.compile(r"<(https?://[^>\s]+|www\.[^>\s]+)>")
# A footnote number glued to a word after punctuation ("migrants.12 The") or floating
# between sentence end and the next sentence ("detentions. 1 These").
GLUED_FOOTNOTE = re.compile(r"(?<=[a-z\)][.,;:”\"’])\d{1,3}(?=\s|$)")
FLOATING_FOOTNOTE = re.compile(r"(?<=[.;:”\"’])[ \t]+\d{1,2}(?=[ \t]*(?:\n|$)|[ \t]+[A-Z])")
PAGE_NUMBER_LINE = re.compile(
    r"^[ \t]*(?:page[ \t]+)?\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?[ \t]*$", re.I | re.M
)
LIST_MARKER = re.compile(
    r"^(?:[-*•●▪◦‣–]|\(?\d{1,3}(?:\.\d{1,3}){0,2}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\))\s+"
    r"|^\d{1,3}(?:\.\d{1,3}){1,2}\s+(?=[A-Z])|^Recommendation\s+\d{1,3}\b"
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
    text = text.sub(SUPERSCRIPT_TAG, "")
    text = text.sub(MD_HEADING, "")
    text = text.sub(HTML_TAG, "")
    text = text.sub(ANGLE_URL, r"\1")
    text = text.sub(EMPHASIS, "")
    text = text.sub(GLUED_FOOTNOTE, "")
    text = text.sub(FLOATING_FOOTNOTE, "")
    text = text.sub(PAGE_NUMBER_LINE, "")
    return text.sub(re.compile(r"[ \t\u00a0]+"), " ")


@dataclass(frozen=True)
class Block:
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


def _is_footnote(raw_par: str) -> bool:
    return bool(re.match(r"\s*(?:<sup>\s*\d{1,3}\s*</sup>|\[\^?\d{1,3}\]:?)", raw_par))


def _is_emphasized(raw_par: str) -> bool:
    body = re.sub(r"^\s*[-*•●]\s+(?=[*_])", "", raw_par.strip())
    return (bool(re.match(r"[*_]{1,3}\S", body)) and bool(re.search(r"\S[*_]{1,3}$", body))) or (
        bool(re.search(r"\S[*_]{2,3}$", body))
        and bool(re.match(r"(?:[-*•●]\s+)?\d{1,3}[.)]", body))
    )


def blocks(raw: str) -> list[Block]:
    """Cut a document into paragraph blocks: lines joined, hyphenation and breaks repaired."""
    cleaned = clean_markup(raw)
    out: list[Block] = []
    for start, end in raw_paragraphs(cleaned.text):
        piece = cleaned.slice(start, end)
        src_start, src_end = cleaned.span(start, end)
        # Markup removed at the start of the line still tells what the paragraph is.
        line_end = raw.find("\n", src_end)
        raw_par = raw[raw.rfind("\n", 0, src_start) + 1 : line_end if line_end >= 0 else len(raw)]
        footnote = _is_footnote(raw_par)
        emphasized = _is_emphasized(raw_par)
        for sub in _split_lines(piece):
            text, s, e = _join_lines(sub)
            if re.fullmatch(r"[-_*=\s]*", text):
                continue
            out.append(Block(text, s, e, emphasized, footnote))
    return _repair_breaks(out)


def _split_lines(piece: MappedText) -> Iterator[MappedText]:
    """Split a paragraph where a new list item or a title-case heading line starts it."""
    lines = [m for m in re.finditer(r"[^\n]+", piece.text)]
    if len(lines) <= 1:
        yield piece
        return
    cut_points = [0]
    texts = [m.group().strip() for m in lines]
    k = next((i for i, t in enumerate(texts) if not is_heading_line(t)), len(texts))
    if 0 < k < len(texts):
        cut_points.append(lines[k].start())
    for m, line in zip(lines[k + 1 :], texts[k + 1 :], strict=True):
        if LIST_MARKER.match(line):
            cut_points.append(m.start())
    cut_points.append(len(piece.text))
    for a, b in itertools.pairwise(cut_points):
        if piece.text[a:b].strip():
            yield piece.slice(a, b)


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


def is_heading_line(line: str) -> bool:
    """A short title-case line with no closing punctuation: a heading in wrapped PDF text."""
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
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


def _repair_breaks(items: list[Block]) -> list[Block]:
    """Merge a block cut by a page or column break into its continuation.

    A block that ends mid-sentence (no closing punctuation) and is followed by one that
    starts in lower case, or with a link, is one paragraph split by the layout.
    Footnote blocks in between (page-bottom notes) are stepped over.
    """
    merged: list[Block] = []
    pending_notes: list[Block] = []
    for b in items:
        if b.footnote and merged and _open(merged[-1]):
            pending_notes.append(b)
            continue
        if merged and _open(merged[-1]) and _continues(b) and not b.footnote:
            last = merged[-1]
            merged[-1] = Block(f"{last.text} {b.text}", last.start, b.end, last.emphasized)
        else:
            merged.extend(pending_notes)
            pending_notes = []
            merged.append(b)
            continue
        merged.extend(pending_notes)
        pending_notes = []
    merged.extend(pending_notes)
    return merged


def _open(b: Block) -> bool:
    return not b.footnote and b.text[-1:] not in TERMINAL + ")”\"'" and not is_heading_line(b.text)


def _continues(b: Block) -> bool:
    return bool(re.match(r"[a-z(<]|https?://|www\.", b.text))
