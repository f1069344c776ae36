"""Folders of files for ``pull``: every file is written or none, byte for byte, with the
user's umask (a replaced file keeps its mode), and a file whose bytes are already right is
not touched at all (git sees nothing; its mtime stays)."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import _errors
from ._common import LocalFileError, os_problem


@dataclass
class FileWrite:
    """One file of a pull: ``text`` for ``target`` (None: ``target`` must not exist, e.g. a
    sidecar no longer needed), and ``others`` it replaces under other names (removed)."""

    target: Path
    text: str | None
    others: tuple[Path, ...] = ()
    data: bytes = field(init=False, default=b"")

    def __post_init__(self) -> None:
        self.data = b"" if self.text is None else self.text.encode("utf-8")


def list_folder(directory: Path) -> list[Path]:
    """The entries of ``directory``, sorted; a missing or unreadable folder is one error."""
    try:
        if not directory.is_dir():
            raise _errors.InvalidRequestError(f"{directory} is not a directory")
        return sorted(directory.iterdir())
    except OSError as error:  # e.g. a folder we may not list
        raise LocalFileError(os_problem(error, "read", directory)) from None


def check_target(directory: Path, instead: str) -> None:
    """``directory`` may be created or written into (checked before anything is sent)."""
    try:
        is_file = directory.exists() and not directory.is_dir()
    except OSError as error:  # e.g. a name in the path too long, a folder we cannot enter
        raise LocalFileError(os_problem(error, "use", directory, instead)) from None
    if is_file:
        raise _errors.InvalidRequestError(
            f"{directory} exists and is not a directory: pull writes one file per name "
            "into a directory; give a new or existing directory"
        )


def needs_writing(item: FileWrite) -> bool:
    """Whether ``item`` changes anything: a target already holding exactly these bytes (a
    regular file, not a link) with none of ``others`` present is left alone."""
    if any(os.path.lexists(other) for other in item.others):
        return True
    if item.text is None:
        return os.path.lexists(item.target)
    try:
        info = os.lstat(item.target)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(item.data):
            return True
        with open(item.target, "rb") as handle:
            return handle.read() != item.data
    except OSError:
        return True


def write_all(
    directory: Path,
    plan: list[FileWrite],
    instead: str,
    progress: Callable[[], None] = lambda: None,
) -> list[bool]:
    """Write every file of ``plan`` or none, all checks and temporaries first, then the
    renames. What a target replaces (and ``others``) is first renamed aside, so a failure
    can put it back; ``os.replace`` moves a symlink, never its target. Returns, per item,
    whether it changed anything."""
    try:
        root = directory.resolve()
        directory.mkdir(parents=True, exist_ok=True)
        changed = [needs_writing(item) for item in plan]
    except OSError as error:
        raise LocalFileError(os_problem(error, "write", directory, instead)) from None
    work = [item for item, change in zip(plan, changed, strict=True) if change]
    temporaries: list[Path | None] = []
    aside: list[tuple[Path, Path]] = []  # (where it is now, where it was)
    placed: list[Path] = []
    current = directory  # the file being written or replaced, as the user knows it
    unchanged = "written to"  # what a failure leaves as it was
    try:
        for item in work:
            current = item.target
            temporaries.append(None if item.text is None else _temporary(root, item))
            progress()
        unchanged = "changed in"
        for item, temporary in zip(work, temporaries, strict=True):
            for old in (*item.others, item.target):
                if os.path.lexists(old):
                    current = old
                    keep = _aside(root)
                    os.replace(old, keep)
                    aside.append((keep, old))
            if temporary is not None:
                current = item.target
                os.replace(temporary, item.target)
                placed.append(item.target)
    except BaseException as error:
        for path in placed:  # undo: remove what was placed, put back what was set aside
            # If this fails, a file that replaced another is overwritten when that one goes
            # back below; a new one stays, holding the pulled text (never half of one).
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        lost = []
        for keep, old in reversed(aside):
            try:
                os.replace(keep, old)
            except OSError:
                lost.append((keep, old))
        if not isinstance(error, OSError):
            raise
        message = os_problem(error, "write", current, instead)
        if not lost:
            raise LocalFileError(f"{message}; nothing was {unchanged} {directory}") from None
        kept = ", ".join(f"{old} is now {keep}" for keep, old in lost)
        raise LocalFileError(
            f"{message}; and the folder could not be fully restored: {kept}"
        ) from None
    finally:
        for temporary in temporaries[len(placed) :]:  # the ones not renamed into place
            if temporary is not None:
                temporary.unlink(missing_ok=True)
    for keep, _ in aside:
        keep.unlink(missing_ok=True)
    return changed


def _new_file(root: Path, prefix: str) -> tuple[int, Path]:
    """A new file in ``root`` with a short random name, created as ``open`` creates files:
    mode 0o666 less the umask (``tempfile.mkstemp`` would make it 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        path = root / f"{prefix}{secrets.token_hex(8)}.tmp"
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue


def _temporary(root: Path, item: FileWrite) -> Path:
    """``item``'s bytes in a new file; it takes the mode of the file it will replace."""
    fd, path = _new_file(root, ".pull-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.data)
        with contextlib.suppress(OSError):
            info = os.lstat(item.target)
            if stat.S_ISREG(info.st_mode):
                os.chmod(path, stat.S_IMODE(info.st_mode))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _aside(root: Path) -> Path:
    """A free name in ``root`` to move a replaced file to until the pull has succeeded."""
    fd, path = _new_file(root, ".pull-old-")
    os.close(fd)
    return path
