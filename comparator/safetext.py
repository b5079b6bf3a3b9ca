"""Document text is data: one line-end convention, and no character a terminal would obey.

Every document's text passes through `clean` once, where it is read (`ingest.read_text`),
so segmentation, the CSVs, report.txt and the terminal all see the same safe text. Both
steps keep the text's length, so offsets into it stay offsets into the file's text.
Views render text without markup (see `report.console`), so `[red]` stays `[red]`.
"""

from __future__ import annotations

import re

# CRLF becomes " \n" (the space is trailing, so it is stripped with the line) and a lone CR
# "\n": one character for one, so offsets do not move.
CRLF = re.compile(r"\r\n")
LONE_CR = re.compile(r"\r")
# C0 controls other than tab, newline and the page breaks PDF text uses, DEL, and C1 controls
# (U+0080-U+009F; U+009B is CSI, U+009D OSC to some terminals).
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x80-\x9f]")
# Bytes of a file name that are not UTF-8 reach Python as lone surrogates (PEP 383); they
# cannot be written to a manifest, a CSV or a UTF-8 terminal.
SURROGATE = re.compile(r"[\ud800-\udfff]")


def unify_line_ends(text: str) -> str:
    """CR-only and CRLF line ends become LF, keeping the text's length."""
    return LONE_CR.sub("\n", CRLF.sub(" \n", text))


def _picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: ESC shows as ␛
    return "␡" if code == 0x7F else "\ufffd"


def visible_controls(text: str) -> str:
    """Control characters as their visible pictures (ESC → ␛), one for one."""
    return CONTROL.sub(_picture, text)


def clean(text: str) -> str:
    return visible_controls(unify_line_ends(text))


def has_controls(text: str) -> bool:
    return bool(CONTROL.search(text)) or "\r" in text or "\n" in text or "\t" in text


def undecodable(name: str) -> bool:
    """A file name (or path) holding bytes that are not UTF-8."""
    return bool(SURROGATE.search(name))


def shown_name(name: str) -> str:
    """A file name or path as it can be printed: line ends and controls as pictures, bytes
    that are not UTF-8 as U+FFFD."""
    return visible_controls(SURROGATE.sub("\ufffd", name.replace("\n", "␤").replace("\r", "␍")))
