"""Atomic file writes: a temp file in the same folder, fsync, then rename.

A crash, Ctrl-C or full disk leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

STDOUT = Path("-")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a new file follows the umask
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_output(path: Path, text: str, force: bool = False) -> None:
    """Write text to a file the user named, or to stdout for `-`; never replace an existing
    file unless `force`.

    Raises:
        OutputError: the file exists (without force) or cannot be written.
    """
    from .errors import OutputError

    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; pass --force to replace it")
    try:
        write_text(path, text)
    except OSError as e:
        raise OutputError(f"{path}: cannot write ({e.strerror}); choose another path") from None
