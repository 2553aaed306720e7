"""Files written atomically (RELIABILITY R9) and kept private (RELIABILITY R20).

Atomic: write to a temporary file beside the target, flush it to disk, then replace the target in one
step. A crash or a cancel leaves the old file or none, never half.

Private: the database, its backups, key and anchor files and exports' temporary files hold personal
data, so on POSIX they are created owner-only (files 0600, folders 0700) whatever the umask says; a
shared Linux PC must not let another account read them. On Windows the folder's ACL decides (the data
folder lives in the user's profile), so these helpers change nothing there.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_POSIX = os.name == "posix"


def private_dir(path: Path | str) -> Path:
    """Create `path` (and missing parents) owner-only; an existing folder is left as it is (it may be
    the person's own Documents folder)."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    if _POSIX:
        for made in missing:
            with contextlib.suppress(OSError):
                os.chmod(made, PRIVATE_DIR)
    return path


def create_private_file(path: Path | str) -> Path:
    """Create `path` empty and owner-only; it must not exist yet (FileExistsError otherwise)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)
    make_private(path)  # the umask can only remove bits, but a umask of 0 must not matter either
    return Path(path)


def make_private(path: Path | str) -> None:
    """Take group and world access away from an existing file (POSIX); nothing on Windows."""
    if not _POSIX:
        return
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, mode & 0o700)


@contextlib.contextmanager
def atomic_path(target: Path | str, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces `target`, on error it is removed."""
    target = Path(target)
    private_dir(target.parent)
    # mkstemp creates the file 0600, so personal data in a half-written export is never readable by others.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix or ".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
