"""Owner-only files for what only the course's graders may read, whatever the umask.

The gradebook holds every grade, rubric.db the map from blind labels to names, and backups both:
under the default umask they would be readable by every account on the machine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def owner_only(path: Path) -> None:
    """chmod a folder to 0700 or a file to 0600 (SQLite gives its -wal and -shm files the same mode)."""
    path = Path(path)
    if path.stat().st_uid == os.getuid():  # another account's file: doctor reports it instead
        os.chmod(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)


def readable_by_others(path: Path) -> bool:
    """True if group or other may read (or, for a folder, enter) `path`."""
    return bool(stat.S_IMODE(Path(path).stat().st_mode) & 0o077)
