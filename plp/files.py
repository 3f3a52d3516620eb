"""Files plp writes: reports, exports, charts, backups.

Two promises hold for every one of them:

- **Nothing valuable is overwritten by accident.** An existing file is replaced
  without ``--force`` only when it is a report: its name ends in a suffix plp itself
  writes (:data:`REPORT_SUFFIXES`) *and* it does not start with the SQLite header.
  So ``report status vdc --output plp.db`` is refused, and so is ``--output
  notes.txt`` when notes.txt exists, while writing ``vdc.html`` again just works.
- **Whole or not at all, readable by the owner only.** Content goes to a temporary
  file in the target's folder (created 0600), which is then renamed over the target
  in one step: a reader sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from plp.errors import InvalidInput, PlpError

#: The suffixes of the files plp writes itself; only such a file is overwritten without --force.
REPORT_SUFFIXES = (".html", ".md", ".csv", ".json", ".ics", ".svg", ".png")

#: The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"

#: Mode of every file plp creates: the owner may read and write it, nobody else.
PRIVATE = 0o600


def is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def is_report_file(path: Path) -> bool:
    """True for a file plp may replace without --force: a report suffix and no SQLite header."""
    return path.suffix.lower() in REPORT_SUFFIXES and not is_sqlite_file(path)


def check_target(path: Path, *, force: bool, shown: str | None = None) -> None:
    """Refuse to replace an existing file that is not a report, unless ``force``."""
    shown = shown or str(path)
    if not (path.exists() or path.is_symlink()) or force:
        return
    if is_sqlite_file(path):
        raise InvalidInput(f"{shown} is a database; plp will not overwrite it (add --force if you mean it)")
    if not is_report_file(path):
        raise InvalidInput(f"{shown} exists and is not a report file plp writes "
                           f"({' '.join(REPORT_SUFFIXES)}); add --force to overwrite it")


def check_output(path: str | None, suffixes: tuple[str, ...] | None = None, *,
                 force: bool = False) -> Path | None:
    """Refuse, before anything is computed, an output file that cannot or may not be written."""
    if path is None:
        return None
    out = Path(path).expanduser()
    if suffixes and out.suffix.lower() not in suffixes:
        raise InvalidInput(f"cannot tell the format of '{path}': the file name must end in {' or '.join(suffixes)}")
    if out.is_dir():
        raise InvalidInput(f"--output {path} is a folder; give a file name")
    if not out.parent.is_dir():
        raise InvalidInput(f"cannot write {path}: folder {out.parent} does not exist")
    check_target(out, force=force, shown=path)
    return out


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A new private temporary file beside ``path``; renamed over ``path`` if the block succeeds.

    The temporary file is removed when the block raises, so a failure leaves ``path``
    as it was.
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    os.close(fd)  # mkstemp creates it 0600, whatever the umask
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)


def write(content: str | bytes, path: Path | None) -> None:
    """To the file (atomically, mode 0600), or to stdout when no file is given."""
    if path is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            sys.stdout.write(content if content.endswith("\n") else content + "\n")
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    _guarded(path, lambda tmp: tmp.write_bytes(data))


def _guarded(path: Path, fill: Callable[[Path], object]) -> None:
    try:
        with replacing(path) as tmp:
            fill(tmp)
    except OSError as e:
        raise PlpError(f"cannot write {path}: {e.strerror or e}") from None
