"""One grade-writing run at a time per course: a lock file naming its holder.

Two `autograde` runs that overlap both write the gradebook (one ends with an IntegrityError, the
other skips students the first had half done). The lock is an `flock` on `<course>/.course-tools.lock`,
which the kernel releases when the holder dies, so a killed run never blocks the next one; the file
also records the holder (pid, host, step, start time) so a refused run can say who holds it, and a
run that finds the record of a holder that died without cleaning up says so.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from course_tools import CourseToolsError

LOCK_NAME = ".course-tools.lock"
_held: dict[Path, int] = {}  # lock path -> depth, so a step may call another step of the same run


def lock_path(root: Path) -> Path:
    return Path(root).resolve() / LOCK_NAME


def _holder(text: str) -> dict:
    try:
        data = json.loads(text)
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}


def _describe(holder: dict) -> str:
    if not holder:
        return "another course-tools run"
    return (f"`{holder.get('step', '?')}` (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
            f"since {holder.get('started', '?')})")


@contextmanager
def course_lock(root: Path, step: str, notes: list[str] | None = None) -> Iterator[None]:
    """Hold the course's run lock for `step`; refuse at once, in one line, if another run holds it.

    `notes` receives a line when the previous holder died without releasing the lock (its record is
    still in the file): the run takes over, as the dead run can no longer write."""
    path = lock_path(root)
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
            raise CourseToolsError(f"{step}: {path}: {_describe(holder)} is working on this course; "
                                   "wait for it to finish, then run this again") from None
        stale = _holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        if stale and notes is not None:
            notes.append(f"{step}: took over the lock of {_describe(stale)}, which ended without releasing it "
                         "(killed or crashed); its unfinished work is redone by this run")
        record = {"pid": os.getpid(), "host": socket.gethostname(), "step": step,
                  "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
            os.ftruncate(fd, 0)  # an empty file: released cleanly
    finally:
        os.close(fd)  # closing the descriptor releases the flock
