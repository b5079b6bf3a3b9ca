"""Reading a corpus file's text, whatever its format, with a clear error when it can't be read."""

from __future__ import annotations

import codecs
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from . import extract_cache, files, safetext
from .errors import InputError

TEXT_SUFFIXES = (".txt", ".md")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx", ".html", ".htm")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_text(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, cache: Path | None = None
) -> tuple[str, list[str]]:
    """Return the file's text and any warnings about how it was decoded.

    PDF, Word and HTML files are converted to paragraph text; the result is cached under
    `cache` by the file's sha256 and the extractor's (so a newer extractor never gets an
    older one's text), and checked against its own hash when it is read back. Every text
    passes through `safetext.clean` (NFC, LF line ends, no invisible or control characters).

    Raises:
        InputError: missing, empty, binary, too large, unreadable or unsupported files.
    """
    data = read_bytes(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text, notes = _decode_text(path, data)
        return safetext.clean(text), notes
    if not data.strip():
        raise InputError(f"{path}: file is empty; remove it from the corpus or add its text")
    source = hashlib.sha256(_extractor() + data).hexdigest()
    warnings: list[str] = []
    if cache is not None:
        cached, problem = extract_cache.read(cache, source)
        if cached is not None:
            return safetext.clean(cached), []
        if problem:
            warnings.append(f"{path}: {problem}")
    text = safetext.clean(_convert(path, suffix, data, max_bytes))
    if not text.strip():
        raise InputError(f"{path}: no text could be extracted; export it as .txt and retry")
    if cache is not None:
        problem = extract_cache.write(cache, source, text)
        if problem:
            warnings.append(f"{path}: {problem}")
    return text, warnings


@lru_cache(maxsize=1)
def _extractor() -> bytes:
    """What turns a file into text: the source of this module, of the PDF, Word and HTML
    readers and of the text cleaning."""
    digest = hashlib.sha256()
    for module in ("ingest.py", "pdftext.py", "wordtext.py", "htmltext.py", "safetext.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.digest()


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, after checking it exists, is supported, is a regular file (never a
    pipe, device or folder), fits and can be read."""
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path or the corpus manifest")
    if not supported(path):
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise InputError(f"{path}: unsupported file type '{path.suffix}'; supported: {kinds}")
    try:
        return files.read_regular(path, max_bytes)
    except files.FileTooLarge as e:
        raise InputError(
            f"{path}: file is {e.size // 1_048_576} MiB, over the "
            f"{max_bytes // 1_048_576} MiB limit; "
            "raise it with --max-file-mb or split the file"
        ) from None
    except OSError as e:
        raise files.unreadable(path, e) from None


def _convert(path: Path, suffix: str, data: bytes, max_bytes: int) -> str:
    if suffix == ".pdf":
        from .pdftext import pdf_to_text

        return pdf_to_text(path, data)
    if suffix == ".docx":
        from .wordtext import docx_to_text

        return docx_to_text(path, data, max_bytes)
    return _html_text(path, data)


def _html_text(path: Path, data: bytes) -> str:
    """Visible text of a web page (see `htmltext`); the page is decoded here, so the parser
    never guesses (and never logs a line)."""
    from .htmltext import html_to_text

    markup, _ = _decode_text(path, data)
    return html_to_text(path, markup)


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    warnings: list[str] = []
    text = _decode_by_bom(data)
    if text is None and b"\x00" in data[:8192]:
        text = _decode_utf16_without_bom(data)
        if text is None:
            raise InputError(
                f"{path}: looks like a binary file, not text; export it as .txt or .md"
            )
    if text is None:
        text, note = _decode_8bit(path, data)
        warnings += [note] if note else []
    if not text.strip():
        raise InputError(f"{path}: file is empty; remove it from the corpus or add its text")
    return text, warnings


# A well-formed UTF-8 sequence of two to four bytes (RFC 3629): text in another 8-bit
# encoding almost never holds one, so each is evidence that the file is UTF-8.
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Accented letters are a minority of a Western European text's letters; text in a
# Cyrillic, Greek or Arabic code page read as Windows-1252 is made of nothing else.
LATIN_ACCENT_SHARE = 0.3


def _decode_8bit(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-8; UTF-8 with its few bad bytes replaced (when well-formed sequences outnumber
    them: a damaged UTF-8 file, not another encoding); Windows-1252 for Western text (a
    letter saved by Windows, too short for a detector to tell its code page from a rare
    one's); else what the detector finds. The text, and what the user should know."""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.count("\ufffd".encode())
    if len(UTF8_SEQUENCE.findall(data)) >= bad:
        return replaced, (
            f"{path}: {bad} byte sequence(s) not UTF-8 in an otherwise UTF-8 file, each "
            "shown as �; re-save it as UTF-8 to be sure"
        )
    western = _as_windows_1252(data)
    text, encoding = (western, "cp1252") if western is not None else _detect(path, data)
    return text, f"{path}: not UTF-8; decoded as {encoding}. Re-save as UTF-8 to be sure"


def _as_windows_1252(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # a byte Windows-1252 leaves undefined
        return None
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(not ch.isascii() for ch in letters)
    return text if accented <= LATIN_ACCENT_SHARE * max(1, len(letters)) else None


def _decode_by_bom(data: bytes) -> str | None:
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _decode_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: the zero bytes of its ASCII characters sit
    at odd offsets (little-endian) or even ones (big-endian)."""
    head = data[:8192]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    codec = "utf-16-le" if odd > even else "utf-16-be"
    if len(data) % 2 or max(odd, even) < len(head) // 4:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text[:4096])
    return text if printable >= 0.95 * min(len(text), 4096) else None


def _detect(path: Path, data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(
            f"{path}: text is not UTF-8 and its encoding could not be detected; re-save it as UTF-8"
        )
    return str(best), str(best.encoding)
