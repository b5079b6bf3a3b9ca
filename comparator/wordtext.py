"""Word (.docx) → text with paragraphs, read from the document's XML in its own order.

What a reader of the page sees is what the segmenter gets: body paragraphs and tables in
the order they stand (a UPR matrix is a table: each cell's text is a paragraph, and a
row's number cell leads its text as a list label, "3" → "3. Ratify…"); text inside content
controls (`w:sdt`), smart tags, fields and hyperlinks; tracked insertions (`w:ins`,
`w:moveTo`) as accepted, tracked deletions (`w:del`, `w:moveFrom`) left out; and the list
labels Word draws from its numbering definitions ("1.", "(a)", "115.3", "iv)"), so keys
and labels survive. python-docx opens the package; the XML is walked here because its
paragraph text skips insertions and content controls.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .numerals import numeral

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Parts of a paragraph that are not its text: deletions and moved-away text, properties,
# field codes, text boxes (a drawing's own paragraphs), and the fallback copy of content a
# newer Word also gives in its own form.
NOT_TEXT = {
    f"{W}{t}" for t in ("del", "moveFrom", "pPr", "rPr", "instrText", "delText", "txbxContent")
} | {MC_FALLBACK}
# Block-level wrappers whose children are paragraphs and tables of the body.
WRAPPERS = {f"{W}{t}" for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag")}
BULLET = "●"
# A table cell that is only a label ("1", "115.3", "(a)", "Rec. 18"): the row's text follows.
LABEL_CELL = re.compile(
    r"^\(?(?:rec(?:ommendation)?s?\.?\s*)?[\divxlcIVXLC]{1,7}(?:\.\d{1,4}){0,3}[.)]?$"
    r"|^\(?[a-zA-Z][.)]$",
    re.I,
)


def check_unpacked_size(path: Path, data: bytes, max_bytes: int) -> None:
    """A Word file is a zip: refuse one that unpacks past the size limit (a zip bomb)
    before any XML is parsed. Member sizes are the ones zipfile enforces while reading."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{path}: not a readable Word file ({e}); re-save it as .docx") from None
    if unpacked > max_bytes:
        raise InputError(
            f"{path}: Word file unpacks to {unpacked // 1_048_576} MiB, over the "
            f"{max_bytes // 1_048_576} MiB limit; raise it with --max-file-mb if the file "
            "is genuine, or re-save it as .docx"
        )


def docx_to_text(path: Path, data: bytes, max_bytes: int) -> str:
    """The text of the Word file `path`, whose bytes are `data`: a paragraph per block.

    Raises:
        InputError: not a Word file, damaged, too deep, or unpacking past `max_bytes`.
    """
    check_unpacked_size(path, data, max_bytes)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from lxml import etree

        document = docx.Document(io.BytesIO(data))
        return "\n\n".join(_Reader(document).paragraphs()) + "\n"
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        PackageNotFoundError,
        etree.LxmlError,
        RecursionError,
    ) as e:
        reason = " ".join(str(e).split())[:120] or type(e).__name__
        raise InputError(
            f"{path}: not a readable Word file ({reason}); re-save it as .docx"
        ) from None


@dataclass
class _Numbering:
    """Word's list numbering: each list (`numId`) counts its levels; a label is its level's
    text ("%1.%2.") with each level's count in that level's format."""

    levels: dict[str, dict[int, Any]]  # numId → level → its w:lvl element
    starts: dict[tuple[str, int], int]  # (numId, level) → a start the list overrides
    counts: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):  # no numbering part
            return cls({}, {})
        abstract = {
            a.get(f"{W}abstractNumId"): {
                int(lvl.get(f"{W}ilvl", "0")): lvl for lvl in a.findall(f"{W}lvl")
            }
            for a in root.findall(f"{W}abstractNum")
        }
        levels: dict[str, dict[int, Any]] = {}
        starts: dict[tuple[str, int], int] = {}
        for num in root.findall(f"{W}num"):
            nid = num.get(f"{W}numId")
            ref = num.find(f"{W}abstractNumId")
            levels[nid] = dict(abstract.get(ref.get(f"{W}val") if ref is not None else "", {}))
            for over in num.findall(f"{W}lvlOverride"):
                level = int(over.get(f"{W}ilvl", "0"))
                start = over.find(f"{W}startOverride")
                if start is not None:
                    starts[(nid, level)] = int(start.get(f"{W}val", "1"))
                if over.find(f"{W}lvl") is not None:
                    levels[nid][level] = over.find(f"{W}lvl")
        return cls(levels, starts)

    def label(self, num_id: str, level: int) -> str | None:
        """The next label of list `num_id` at `level` (None: no such list, or numbering
        switched off with numId 0)."""
        lvl = self.levels.get(num_id, {}).get(level)
        if lvl is None:
            return None
        counts = self.counts.setdefault(num_id, [0] * 9)
        level = min(level, 8)
        if counts[level] == 0:
            counts[level] = self._start(num_id, level) - 1
        counts[level] += 1
        counts[level + 1 :] = [0] * (8 - level)
        if _val(lvl, "numFmt") == "bullet":
            return BULLET
        text = _val(lvl, "lvlText") or f"%{level + 1}."

        def number(m: re.Match[str]) -> str:
            n = int(m.group(1)) - 1
            at = self.levels[num_id].get(n)
            value = counts[n] or self._start(num_id, n)
            return numeral(value, _val(at, "numFmt") if at is not None else "decimal")

        return re.sub(r"%([1-9])", number, text).strip() or None

    def _start(self, num_id: str, level: int) -> int:
        if (num_id, level) in self.starts:
            return self.starts[(num_id, level)]
        lvl = self.levels.get(num_id, {}).get(level)
        start = _val(lvl, "start") if lvl is not None else ""
        return int(start) if start.isdigit() else 1


def _val(element: Any, child: str) -> str:
    found = element.find(f"{W}{child}")
    return "" if found is None else str(found.get(f"{W}val", ""))


class _Reader:
    """Walks one document's body in order."""

    def __init__(self, document: Any) -> None:
        self.body = document.element.body
        self.numbering = _Numbering.of(document)
        self.styles = {s.get(f"{W}styleId"): s for s in document.styles.element}

    def paragraphs(self) -> Iterator[str]:
        for block in _blocks(self.body):
            if block.tag == f"{W}tbl":
                yield from self._table(block)
            else:
                text = self._paragraph(block)
                if text:
                    yield text

    def _paragraph(self, p: Any) -> str:
        text = _text(p).strip()
        if not text:
            return ""
        label = self._label(p)
        return f"{label} {text}" if label else text

    def _label(self, p: Any) -> str | None:
        """The list label Word draws before the paragraph: its own numbering, else its
        style's (a "List Number" style points at a list)."""
        num = p.find(f"{W}pPr/{W}numPr")
        style = p.find(f"{W}pPr/{W}pStyle")
        seen = 0
        while num is None and style is not None and seen < 10:  # basedOn chain, no loops
            definition = self.styles.get(style.get(f"{W}val"))
            if definition is None:
                break
            num = definition.find(f"{W}pPr/{W}numPr")
            style, seen = definition.find(f"{W}basedOn"), seen + 1
        if num is None:
            return None
        nid = _val(num, "numId")
        level = _val(num, "ilvl")
        return self.numbering.label(nid, int(level) if level.isdigit() else 0)

    def _table(self, table: Any) -> Iterator[str]:
        """Each cell's paragraphs in reading order; a cell holding only a label (a UPR
        matrix's "115.3") leads the next cell's text, so the row reads "115.3 Ratify…"."""
        for row in _children(table, "tr"):
            pending = ""
            for cell in _children(row, "tc"):
                texts = [t for b in _blocks(cell) for t in self._cell_block(b)]
                if pending and texts:
                    texts[0] = f"{pending} {texts[0]}"
                    pending = ""
                if len(texts) == 1 and LABEL_CELL.match(texts[0]):
                    label = texts.pop()
                    pending = f"{label}." if label.isdigit() else label  # "3" → "3.", a list's
                yield from texts
            if pending:
                yield pending

    def _cell_block(self, block: Any) -> Iterator[str]:
        if block.tag == f"{W}tbl":
            yield from self._table(block)
            return
        text = self._paragraph(block)
        if text:
            yield text


def _blocks(parent: Any) -> Iterator[Any]:
    """The paragraphs and tables under `parent`, in order, through content controls,
    custom XML and tracked insertions; never inside a tracked deletion."""
    yield from _children(parent, "p", "tbl")


def _children(parent: Any, *names: str) -> Iterator[Any]:
    """`parent`'s children of these kinds, in order, looking through wrappers."""
    tags = {f"{W}{n}" for n in names}
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in WRAPPERS:
            yield from _children(child, *names)


def _text(element: Any) -> str:
    """A paragraph's visible text: runs anywhere inside it (insertions, content controls,
    hyperlinks, fields), tabs and breaks as spaces and line ends."""
    out: list[str] = []
    for child in element:
        tag = child.tag
        if tag in NOT_TEXT or not isinstance(tag, str):
            continue
        if tag == f"{W}t":
            out.append(child.text or "")
        elif tag == f"{W}tab":
            out.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}noBreakHyphen":
            out.append("-")
        else:
            out.append(_text(child))
    return "".join(out)
