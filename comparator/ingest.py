"""Reading a corpus file's text, whatever its format, with a clear error when it can't be read."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from . import atomic
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
    `cache` by the file's sha256, so a re-run does not parse them again.

    Raises:
        InputError: missing, empty, binary, too large, unreadable or unsupported files.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path or the corpus manifest")
    if not supported(path):
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise InputError(f"{path}: unsupported file type '{path.suffix}'; supported: {kinds}")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size // 1_048_576} MiB, over the "
            f"{max_bytes // 1_048_576} MiB limit; "
            "raise it with --max-file-mb or split the file"
        )
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _decode_text(path, data)
    if not data.strip():
        raise InputError(f"{path}: file is empty; remove it from the corpus or add its text")
    key = f"{hashlib.sha256(data).hexdigest()}.txt"
    if cache is not None and (cache / key).exists():
        return (cache / key).read_text(encoding="utf-8"), []
    text = _convert(path, suffix, data)
    if not text.strip():
        raise InputError(f"{path}: no text could be extracted; export it as .txt and retry")
    if cache is not None:
        with contextlib.suppress(OSError):
            atomic.write_text(cache / key, text)
    return text, []


def _convert(path: Path, suffix: str, data: bytes) -> str:
    if suffix == ".pdf":
        from .pdftext import pdf_to_text

        return pdf_to_text(path)
    if suffix == ".docx":
        return _docx_text(path)
    return _html_text(path, data)


def _docx_text(path: Path) -> str:
    """Paragraphs of a Word file; list items get a bullet or their number, tables a line a row."""
    import zipfile

    try:
        import docx

        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(f"{path}: not a readable Word file ({e}); re-save it as .docx") from None
    out: list[str] = []
    counter = 0
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        text = para.text.strip()
        if not text:
            continue
        if "List Number" in style:
            counter += 1
            text = f"{counter}. {text}"
        elif "List" in style:
            text = f"● {text}"
        else:
            counter = 0
        out.append(text)
    for table in document.tables:
        for row in table.rows:
            out.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n\n".join(out) + "\n"


BLOCK_TAGS = (
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "blockquote",
    "td",
    "th",
    "dd",
    "dt",
    "pre",
)


def _html_text(path: Path, data: bytes) -> str:
    """Visible text of a web page, a paragraph per block; list items keep bullets or numbers."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form", "sup"]):
        tag.decompose()
    out: list[str] = []
    for el in soup.find_all(BLOCK_TAGS):
        if el.find(BLOCK_TAGS):
            continue
        text = " ".join(el.get_text(" ").split())
        if not text:
            continue
        if el.name == "li":
            parent = el.find_parent(["ol", "ul"])
            if parent is not None and parent.name == "ol":
                items = [li for li in parent.find_all("li", recursive=False)]
                number = items.index(el) + 1 if el in items else 1
                text = f"{number}. {text}"
            else:
                text = f"● {text}"
        out.append(text)
    if not out:
        raise InputError(f"{path}: no readable text in this HTML page; save it as text")
    return "\n\n".join(out) + "\n"


def _decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file, not text; export it as .txt or .md")
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InputError(
                f"{path}: text is not UTF-8 and its encoding could not be detected; "
                "re-save it as UTF-8"
            ) from None
        text = str(best)
        warnings.append(
            f"{path}: not UTF-8; decoded as {best.encoding}. Re-save as UTF-8 to be sure"
        )
    if not text.strip():
        raise InputError(f"{path}: file is empty; remove it from the corpus or add its text")
    return text, warnings
