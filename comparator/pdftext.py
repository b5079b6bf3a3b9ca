"""PDF → text with paragraphs, via PDFium (pypdfium2).

PDFium returns text runs in content order (which follows the columns of a two-column
layout). We rebuild lines from the runs' boxes, start a paragraph at a vertical gap or a
jump to a new column, and drop running headers, footers and page numbers that repeat
across pages. Hyphenation is repaired later by normalisation.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

MIN_CHARS_PER_PAGE = 25
BOLD_WEIGHT = 600
MARGIN_SHARE = 0.09  # running heads and feet sit in the top and bottom 9% of the page
# A browser's print-to-PDF footer: the page's address and "16/84".
PRINT_FOOTER = re.compile(r"^https?://\S+\s+\d+/\d+$")


@dataclass
class _Line:
    text: str
    left: float
    bottom: float
    top: float
    bold: bool = False


def pdf_to_text(path: Path, data: bytes) -> str:
    """The text of the PDF file `path`, whose bytes are `data` (read once, as a regular
    file); raises InputError for encrypted, damaged or image-only (scanned) PDFs, and for a
    page tree PDFium cannot walk (too deep, or looping)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(
                f"{path}: PDF is password-protected; save an unprotected copy "
                "(e.g. qpdf --decrypt) and try again"
            ) from None
        raise InputError(
            f"{path}: PDF is damaged or not a PDF ({e}); re-download or re-export it"
        ) from None
    try:
        pages = [_page_lines(pdf[i]) for i in range(len(pdf))]
        heights = [pdf[i].get_size()[1] for i in range(len(pdf))]
    except pdfium.PdfiumError as e:
        raise InputError(
            f"{path}: PDF is damaged: its pages cannot be read ({e}); re-export it, or save "
            "it as text"
        ) from None
    finally:
        pdf.close()
    chars = sum(len(line.text) for page in pages for line in page)
    if chars < MIN_CHARS_PER_PAGE * max(1, len(pages)):
        raise InputError(
            f"{path}: PDF has no text layer (scanned images?); run OCR first, "
            "e.g. `ocrmypdf in.pdf out.pdf`, then use the OCRed file"
        )
    furniture = _running_lines(pages, heights)
    out = [
        _paragraphs(
            [
                ln
                for ln in page
                if _key(ln.text) not in furniture and not PRINT_FOOTER.match(ln.text.strip())
            ]
        )
        for page in pages
    ]
    return "\n\n".join(p for p in out if p.strip()) + "\n"


def _page_lines(page: object) -> list[_Line]:
    """Lines from PDFium's characters (its own line breaks), each with its box.

    Character by character rather than by text runs: runs overlap at ligatures and would
    repeat letters ("aftfter").
    """
    import pypdfium2.raw as raw

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    lines: list[_Line] = []
    chars: list[str] = []
    box: list[float] = []
    heavy = 0
    for i in range(textpage.count_chars()):
        ch = chr(raw.FPDFText_GetUnicode(textpage.raw, i))
        if ch in "\r\n":
            _flush(lines, chars, box, heavy)
            chars, box, heavy = [], [], 0
            continue
        chars.append(ch)
        if not ch.isspace():
            left, bottom, _right, top = textpage.get_charbox(i)
            box = (
                [min(box[0], left), min(box[1], bottom), max(box[2], top)]
                if box
                else [left, bottom, top]
            )
            heavy += raw.FPDFText_GetFontWeight(textpage.raw, i) >= BOLD_WEIGHT
    _flush(lines, chars, box, heavy)
    return lines


def _flush(lines: list[_Line], chars: list[str], box: list[float], heavy: int) -> None:
    text = "".join(chars).replace("\ufffe", "").replace("\x02", "-")
    bold = heavy > 0.6 * sum(not c.isspace() for c in chars)
    if text.strip() and box:
        last = lines[-1] if lines else None
        if (
            last
            and abs(last.bottom - box[1]) < 0.3 * max(box[2] - box[1], 1.0)
            and (box[0] >= last.left)
        ):
            last.text += text  # same baseline: a run PDFium broke off (superscript, hyphen)
        else:
            lines.append(_Line(text, box[0], box[1], box[2], bold))


def _paragraphs(lines: list[_Line]) -> str:
    """Blank line between paragraphs: a vertical gap, or a jump up to a new column."""
    if not lines:
        return ""
    steps = [a.bottom - b.bottom for a, b in itertools.pairwise(lines) if a.bottom - b.bottom > 0]
    usual = statistics.median(steps) if steps else 12.0
    paragraphs: list[list[_Line]] = [[lines[0]]]
    for prev, line in itertools.pairwise(lines):
        step = prev.bottom - line.bottom
        if step <= 0 or step > 1.45 * usual:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return "\n\n".join(_render(p) for p in paragraphs)


def _render(paragraph: list[_Line]) -> str:
    """A paragraph's lines; a wholly bold paragraph is marked **…** as in markdown, because
    reports set their recommendations in bold."""
    text = "\n".join(line.text.strip() for line in paragraph)
    if all(line.bold for line in paragraph) and len(text.split()) > 6:
        return f"**{text}**"
    return text


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _running_lines(pages: list[list[_Line]], heights: list[float]) -> set[str]:
    """Lines in the top or bottom margin that recur on at least a quarter of the pages."""
    if len(pages) < 3:
        return set()
    edge: Counter[str] = Counter()
    for page, height in zip(pages, heights, strict=True):
        margin = MARGIN_SHARE * height
        edge.update(
            {_key(ln.text) for ln in page if ln.top > height - margin or ln.bottom < margin}
        )
    limit = max(3, len(pages) // 4)  # running heads alternate between left and right pages
    return {k for k, n in edge.items() if n >= limit and len(k) < 120}
