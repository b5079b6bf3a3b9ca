"""The extracted-text cache: the text of a PDF, Word or HTML file, kept by the file's hash.

An entry is named ``<sha256 of the file>.<sha256 of the text>.txt``: a text that no longer
matches its own hash (hand edit, torn write, disk error) is removed and extracted again,
never served. Temp files of killed writers and entries in the old one-hash form are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from . import atomic
from .files import NotARegularFile, read_regular


def _entry(cache: Path, source: str, text_sha: str) -> Path:
    return cache / f"{source}.{text_sha}.txt"


def read(cache: Path, source: str) -> tuple[str | None, str]:
    """The cached text of the file whose sha256 is `source`, or None and what was wrong."""
    if not cache.is_dir():
        return None, ""
    atomic.remove_stale_temps(cache)
    with contextlib.suppress(OSError):
        (cache / f"{source}.txt").unlink()  # the old, unchecked form
    problem = ""
    for entry in sorted(cache.glob(f"{source}.*.txt")):
        try:
            data = read_regular(entry)
        except NotARegularFile:
            data = b""  # not ours: removed below, like a damaged entry
        except OSError:
            continue
        if data and hashlib.sha256(data).hexdigest() == entry.name.split(".")[1]:
            try:
                return data.decode("utf-8"), ""
            except UnicodeDecodeError:
                pass
        problem = (
            f"the cached extracted text ({entry.name[:12]}…) does not match its hash; "
            "it was removed and the file read again"
        )
        with contextlib.suppress(OSError):
            entry.unlink()
    return None, problem


def write(cache: Path, source: str, text: str) -> str:
    """Keep `text`; what went wrong, if the cache cannot be written (the run goes on)."""
    data = text.encode("utf-8")
    try:
        atomic.write_bytes(_entry(cache, source, hashlib.sha256(data).hexdigest()), data)
    except OSError as e:
        return (
            f"cannot write the extracted-text cache in {cache} ({e.strerror}); went on "
            "without caching it"
        )
    return ""
