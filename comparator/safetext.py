"""Document text is data: one Unicode form, one line-end convention, no invisible format
character and no character a terminal would obey.

Every document's text passes through `clean` once, where it is read (`ingest.read_text`),
so segmentation, the CSVs, report.txt and the terminal all see the same text: an ask
written in decomposed Unicode (NFD, as macOS writes file names and some editors text) is
the same ask in composed form (NFC); a zero-width space inside "2." does not hide the
number; a NEL or line-separator line end ends a line. Offsets of concerns and passages are
offsets into this text (the document's text as read, shown by `comparator segment`).
Views render text without markup (see `report.console`), so `[red]` stays `[red]`.
"""

from __future__ import annotations

import re
import unicodedata

# CRLF becomes " \n" (the space is trailing, so it is stripped with the line) and a lone CR
# "\n"; so do the other line ends: NEL (U+0085, from EBCDIC and some exports), the line
# separator (U+2028) and the vertical tab (Word's manual line break, Shift+Enter, in text
# copied out of Word). A paragraph separator (U+2029) ends a paragraph: a blank line.
CRLF = re.compile(r"\r\n")
LINE_END = re.compile(r"[\r\x0b\x85\u2028]")
PARAGRAPH_END = re.compile(r"\u2029")
# Invisible format characters that carry no letter: soft hyphen, Mongolian vowel separator,
# zero-width space, word joiner and invisible operators, byte-order mark inside the text,
# and the bidirectional marks, embeddings, overrides and isolates (which can make a
# terminal show text in another order than it is). Zero-width (non-)joiners are kept only
# between two letters, where Persian and Indic scripts need them.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
    "|(?<![^\\W\\d_])[\u200c\u200d]|[\u200c\u200d](?![^\\W\\d_])"
)
# C0 controls other than tab, newline and the page breaks PDF text uses, DEL, and C1 controls
# (U+0080-U+009F; U+009B is CSI, U+009D OSC to some terminals).
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x80-\x9f]")
# Bytes of a file name that are not UTF-8 reach Python as lone surrogates (PEP 383); they
# cannot be written to a manifest, a CSV or a UTF-8 terminal.
SURROGATE = re.compile(r"[\ud800-\udfff]")


def unify_line_ends(text: str) -> str:
    """CRLF, CR, NEL, LS and VT line ends become LF; PS a blank line."""
    return PARAGRAPH_END.sub("\n\n", LINE_END.sub("\n", CRLF.sub(" \n", text)))


def normal_form(text: str) -> str:
    """Composed Unicode (NFC) without invisible format characters."""
    return unicodedata.normalize("NFC", INVISIBLE.sub("", text))


def _picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: ESC shows as ␛
    return "␡" if code == 0x7F else "\ufffd"


def visible_controls(text: str) -> str:
    """Control characters as their visible pictures (ESC → ␛), one for one."""
    return CONTROL.sub(_picture, text)


def clean(text: str) -> str:
    """A document's text as every stage sees it (see the module's docstring)."""
    return visible_controls(unify_line_ends(normal_form(text)))


def has_controls(text: str) -> bool:
    return bool(CONTROL.search(text)) or "\r" in text or "\n" in text or "\t" in text


def undecodable(name: str) -> bool:
    """A file name (or path) holding bytes that are not UTF-8."""
    return bool(SURROGATE.search(name))


def shown_name(name: str) -> str:
    """A file name or path as it can be printed: line ends and controls as pictures, bytes
    that are not UTF-8 as U+FFFD."""
    return visible_controls(SURROGATE.sub("\ufffd", name.replace("\n", "␤").replace("\r", "␍")))
