"""HTML → text with paragraphs: every block element's own text, in document order.

A page is parsed by libxml2's HTML parser (through lxml), which closes what HTML leaves
open (`<li>one<li>two`, `<p>` before a `<div>`), and walked once, start to end: text
belongs to the innermost block element around it, so a `<div>`'s own text is read, and an
`<li>` that holds a nested list keeps its own text (with its label), then its sub-items,
then whatever follows them. List items get their number ("3.", or the list's own letters
and numerals, `start` and `value` honoured) or a bullet. Scripts, styles, navigation,
headers, footers, forms and footnote marks (`<sup>`) are not text. One pass, no lookups
over siblings: a 20 MB page takes time in proportion to its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .numerals import numeral

BULLET = "●"
BLOCKS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure h1 h2 h3 h4 h5 h6 hgroup hr html legend li main menu ol p pre
    section summary table tbody td tfoot th thead tr ul""".split()  # noqa: SIM905
)
NOT_TEXT = frozenset(
    "script style nav header footer noscript form sup template head title svg".split()  # noqa: SIM905
)
LISTS = frozenset({"ol", "ul", "menu", "dir"})


@dataclass
class _Block:
    """An open block element: its tag, the words gathered since its last paragraph, and
    the label its first paragraph takes (a list item's number)."""

    tag: str
    words: list[str]
    label: str = ""


@dataclass
class _List:
    ordered: bool
    style: str  # the `type` attribute: 1, a, A, i, I
    count: int


def html_to_text(path: Path, markup: str) -> str:
    """The visible text of the page `path` (already decoded to `markup`), a paragraph per
    block.

    Raises:
        InputError: nothing readable in the page.
    """
    from lxml import etree

    parser = etree.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(markup.encode("utf-8", "replace"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops reading at its depth limit: the rest of the page would be lost
        raise InputError(
            f"{path}: HTML nested too deeply to read whole (over 2,048 elements deep); "
            "save the page as text, or open and re-save it in a browser"
        )
    paragraphs = _Walk().paragraphs(root) if root is not None else []
    if not paragraphs:
        raise InputError(f"{path}: no readable text in this HTML page; save it as text")
    return "\n\n".join(paragraphs) + "\n"


class _Walk:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.blocks: list[_Block] = [_Block("#document", [])]
        self.lists: list[_List] = []

    def paragraphs(self, root: Any) -> list[str]:
        from lxml import etree

        walk = etree.iterwalk(root, events=("start", "end"))
        for event, el in walk:
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if event == "start":
                if tag in NOT_TEXT:
                    walk.skip_subtree()
                    continue
                self._open(tag, el)
                self._add(el.text)
            else:
                if tag not in NOT_TEXT:
                    self._close(tag)
                self._add(el.tail)
        self._flush()
        return self.out

    def _open(self, tag: str, el: Any) -> None:
        if tag == "br":
            self.blocks[-1].words.append("\n")
        elif tag in LISTS:
            start = el.get("start", "1")
            first = int(start) if start.strip().lstrip("-").isdigit() else 1
            self.lists.append(_List(tag == "ol", el.get("type", "1"), first - 1))
        if tag in BLOCKS:
            self._flush()
            self.blocks.append(_Block(tag, [], self._label(el) if tag == "li" else ""))

    def _close(self, tag: str) -> None:
        if tag in BLOCKS:
            self._flush()
            if len(self.blocks) > 1:
                self.blocks.pop()
        if tag in LISTS and self.lists:
            self.lists.pop()

    def _label(self, li: Any) -> str:
        if not self.lists or not self.lists[-1].ordered:
            return BULLET
        current = self.lists[-1]
        value = li.get("value", "")
        current.count = int(value) if value.strip().isdigit() else current.count + 1
        return f"{numeral(current.count, current.style)}."

    def _add(self, text: str | None) -> None:
        if text:
            self.blocks[-1].words.append(text.replace("\n", " "))

    def _flush(self) -> None:
        """The open block's words so far become a paragraph (its label before the first)."""
        block = self.blocks[-1]
        lines = "".join(block.words).split("\n")
        block.words = []
        text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
        if not text:
            return
        if block.label:
            text, block.label = f"{block.label} {text}", ""
        self.out.append(text)
