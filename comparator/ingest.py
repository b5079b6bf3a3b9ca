"""Reading a corpus file's text, whatever its format, with a clear error when it can't be read."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError

TEXT_SUFFIXES = (".txt", ".md")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, list[str]]:
    """Return the file's text and any warnings about how it was decoded.

    Raises:
        InputError: missing, empty, binary, too large or unsupported files.
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
    return _decode_text(path, data)


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
