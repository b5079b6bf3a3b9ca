"""Atomic file writes: a temp file in the same folder, fsync, then rename.

A crash, Ctrl-C or full disk leaves either the old file or the new one, never half of one.
Temp files carry the writer's process id, so a later run removes those a killed writer
left (`remove_stale_temps`); folders are swapped in one step where the system allows it
(`exchange`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import sys
import tempfile
from pathlib import Path

STDOUT = Path("-")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


TEMP_NAME = re.compile(r"^\..+\.(?P<pid>\d+)\.[^.]+\.tmp$")


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
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
    file unless `force`, and never replace what is not a regular file (a device such as
    /dev/null, a pipe, a folder), even with `force`.

    Raises:
        OutputError: the file exists (without force), is not a regular file, or cannot be
            written.
    """
    from .errors import OutputError
    from .files import replaceable

    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    kind = replaceable(path)
    if kind is not None:
        raise OutputError(
            f"{path}: is {kind}, not a regular file, and is never replaced; name a file "
            "(or - for standard output)"
        )
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; pass --force to replace it")
    try:
        write_text(path, text)
    except OSError as e:
        raise OutputError(f"{path}: cannot write ({e.strerror}); choose another path") from None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(folder: Path) -> None:
    """Remove temp files that a writer which no longer runs left in `folder`."""
    with contextlib.suppress(OSError):
        for leftover in folder.glob(".*.tmp"):
            m = TEMP_NAME.match(leftover.name)
            if m and not pid_alive(int(m.group("pid"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def exchange(a: Path, b: Path) -> None:
    """Swap two existing paths in one step (Linux renameat2), so neither is ever missing.

    Raises:
        OSError: both do not exist, or the system cannot swap (errno ENOSYS / EINVAL).
    """
    if not sys.platform.startswith("linux"):
        raise OSError(errno.ENOSYS, "atomic exchange is not available here")
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "atomic exchange is not available here")
    done = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if done != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a))
