"""Advisory locks on result folders: one writer at a time, stale locks taken over.

A command that writes a result folder (``cogov sweep``, ``cogov compare --out`` and the
fitting runs of ``cogov calibrate``) holds ``DIR/.cogov.lock`` while it writes, and removes it
when it ends, whether normally, by an exception or by Ctrl-C. The lock is an ``flock`` on that
file, so the kernel also lets go when the holder is killed: a lock file whose holder is gone is
stale and the next writer takes it over. The file names its holder (pid, host, since when,
what it does), which a second writer quotes in its one-line refusal. On a filesystem without
``flock`` (some network mounts) the named pid decides instead: a live process on this host
holds the folder; a pid that is gone, as after a kill, leaves a stale lock.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from model.scenario import ScenarioError

try:
    import fcntl
except ImportError:  # Windows: no flock; the holder's pid decides
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".cogov.lock"
# The holder writes its details just after it locks; a refused writer waits this long for them.
HOLDER_WAIT_SECONDS = 2.0
_NO_FLOCK = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)


class FolderBusyError(ScenarioError):
    """The folder is being written by another process; one line naming the holder."""

    def __init__(self, line: str) -> None:
        super().__init__([line])

    def __reduce__(self) -> tuple[type[FolderBusyError], tuple[str]]:
        """Rebuild from the line (the base class rebuilds from a list)."""
        return type(self), (self.problems[0],)


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: process id, host name, start time (UTC) and what it does."""

    pid: int
    host: str
    since: str
    what: str

    def alive(self) -> bool:
        """Whether the holder may still run (a process on another host is assumed to)."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, owned by another user
            return True
        return True

    def text(self) -> str:
        """The holder as the refusal names it."""
        return f"pid {self.pid} on {self.host} since {self.since} ({self.what})"


class FolderLock:
    """The lock of one result folder, held in a ``with`` block.

    Example::

        with FolderLock(out, "sweep 'reforms'"):
            ...  # write the folder

    Attributes:
        stale: The holder named by a lock file that was taken over (gone), else None.
    """

    def __init__(self, folder: str | Path, what: str) -> None:
        """Prepare the lock of ``folder``; ``what`` tells a refused writer what holds it."""
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.what = what
        self.stale: Holder | None = None
        self._fd: int | None = None
        self._created = False

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, creating the folder if needed.

        Raises:
            FolderBusyError: Another live process holds it (one line naming the holder).
        """
        self._created = not self.folder.exists()
        self.folder.mkdir(parents=True, exist_ok=True)
        while self._fd is None:
            fd = self._open()
            try:
                self._fd = self._lock(fd)
            except BaseException:
                os.close(fd)
                raise
            if self._fd is None:  # its holder removed the file as we opened it: open anew
                os.close(fd)
        previous = _read_holder(self._fd)
        self.stale = previous if previous and previous.pid != os.getpid() else None
        mine = Holder(os.getpid(), socket.gethostname(),
                      datetime.now(UTC).isoformat(timespec="seconds"), self.what)
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(mine.__dict__).encode("utf-8"), 0)

    def _open(self) -> int:
        """Open (or create) the lock file itself, never a file a link in its place leads to.

        Raises:
            FolderBusyError: The lock's name is taken by a link or something not a file.
        """
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                         0o644)
        except OSError as error:
            if error.errno != errno.ELOOP:
                raise
            fd = None
        if fd is not None and stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
        if fd is not None:
            os.close(fd)
        raise FolderBusyError(f"{self.path}: is a link or not a file; remove it, or use --out "
                              f"to write elsewhere")

    def _lock(self, fd: int) -> int | None:
        """``fd`` once locked; None when the path no longer names its file; raise when held."""
        got = _flock(fd)
        if got is None:  # no flock here: a live holder named in the file keeps the folder
            holder = _read_holder(fd)
            got = holder is None or not holder.alive()
        if not got:
            raise FolderBusyError(self._refusal(_wait_for_holder(fd)))
        try:
            same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            same = False
        return fd if same else None

    def _refusal(self, holder: Holder | None) -> str:
        who = holder.text() if holder else f"another process (see {self.path})"
        return (f"{self.folder}: in use by {who}; wait for it to finish, or use --out to "
                f"write elsewhere")

    def release(self) -> None:
        """Remove the lock file and let go; remove the folder too if this lock made it empty."""
        if self._fd is None:
            return
        try:
            # removed while still held, so a writer arriving now creates a new file
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None
        if self._created:
            try:
                self.folder.rmdir()
            except OSError:  # not empty: the writer wrote something, which stays
                pass


def _flock(fd: int) -> bool | None:
    """Try to lock ``fd`` exclusively: True if locked, False if held, None if unsupported."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        if error.errno in _NO_FLOCK:
            return None
        raise
    return True


def _read_holder(fd: int) -> Holder | None:
    """The holder a lock file names, or None (empty, half-written or not a lock file)."""
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["since"]),
                      str(data["what"]))
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _wait_for_holder(fd: int) -> Holder | None:
    """The holder, waiting briefly for one that has locked but not yet written its details."""
    deadline = time.monotonic() + HOLDER_WAIT_SECONDS
    while (holder := _read_holder(fd)) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return holder
