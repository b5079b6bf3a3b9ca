"""Only regular files are read or replaced: a path a user names, or one of the tool's own.

A named pipe blocks a read for ever, a device (or a link to /dev/zero) never ends, a folder
or a socket fails deep inside a library: each is refused here, by what it is, before a byte
is read. The file is opened without blocking and checked on the open handle, so it cannot
be swapped for something else between the check and the read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import InputError

KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotARegularFile(OSError):
    """The path is a folder, named pipe, device or socket (links followed)."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a regular file", str(path))
        self.kind = kind


class FileTooLarge(OSError):
    """The file holds more bytes than the reader accepts."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size} bytes, over the limit of {limit}", str(path))
        self.size = size


def kind_of(path: Path) -> str | None:
    """None for a regular file (a link is followed); else what the path is ('a folder').

    Raises:
        OSError: the path does not exist or cannot be examined.
    """
    mode = path.stat().st_mode
    return None if stat.S_ISREG(mode) else KINDS.get(stat.S_IFMT(mode), "not a file")


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, read without ever blocking on a pipe or a device.

    Raises:
        NotARegularFile: the path is a folder, named pipe, device or socket.
        FileTooLarge: it holds more than `max_bytes` bytes.
        OSError: it cannot be opened or read (missing, permissions, I/O).
    """
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as e:
        if e.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
            raise NotARegularFile(path, kind_of(path) or "not a file") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotARegularFile(path, KINDS.get(stat.S_IFMT(mode), "not a file"))
    with os.fdopen(fd, "rb") as fh:
        data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise FileTooLarge(path, os.stat(path).st_size, max_bytes)
    return data


def read_regular_text(path: Path) -> str:
    """A regular file's UTF-8 text (a BOM dropped).

    Raises:
        NotARegularFile, OSError: as `read_regular`; UnicodeDecodeError: not UTF-8.
    """
    return read_regular(path).decode("utf-8-sig")


def replaceable(path: Path) -> str | None:
    """Why `--force` must not replace `path` (it is a device, pipe, folder…), or None when
    it is a regular file or nothing is there."""
    try:
        return kind_of(path)
    except OSError:  # nothing there (or a link to nothing): the write says what fails
        return None


def unreadable(path: Path, e: OSError) -> InputError:
    """The one message for a file that cannot be read: what it is, or why not."""
    if isinstance(e, NotARegularFile):
        return InputError(f"{path}: is {e.strerror}; name a regular file, or remove it")
    return InputError(
        f"{path}: cannot read ({(e.strerror or str(e)).lower()}); fix its permissions "
        "or remove it from the corpus"
    )
