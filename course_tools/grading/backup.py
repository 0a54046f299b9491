"""Timestamped copies of the gradebook and the rubric store, taken before any step that can
overwrite grades (collect, autograde, feedback, init --force, rubric edits), pruned to the last N.

SQLite's online backup API gives a consistent copy even while a grader is saving; a course in PostgreSQL is
copied with PostgreSQL's own pg_dump (one consistent snapshot of the gradebook and rubric tables) and
restored with pg_restore.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from course_tools import CourseToolsError
from course_tools.grading.course_config import CoursePaths, CourseSettings
from course_tools.grading.databases import has_gradebook, is_postgresql, libpq_target, postgres_tool, shown
from course_tools.grading.private import owner_only

DATABASES = ("gradebook.db", "rubric.db")
PG_DUMP = "course.pgdump"  # a PostgreSQL course: pg_dump's custom format, both stores in one file
FOLDER = "backups"
KEEP_ENV = "MOBILIZING_BACKUP_KEEP"
DEFAULT_KEEP = 10
_NAME = re.compile(r"^\d{8}-\d{6}-\d{6}-[a-z0-9_-]+$")


@dataclass(frozen=True)
class Backup:
    name: str
    path: Path
    files: tuple[str, ...]


def keep_count() -> int:
    """How many backups to keep: $MOBILIZING_BACKUP_KEEP, else 10."""
    value = os.environ.get(KEEP_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_KEEP


def copy_database(src: Path, dest: Path) -> None:
    """A consistent copy of a live SQLite file (readers and writers may be busy)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def postgresql_url(root: Path) -> str | None:
    """The course's database URL when it is PostgreSQL (its config says so), else None."""
    if not CoursePaths(root).config.is_file():
        return None
    url = CourseSettings.load(root).db_url
    return url if is_postgresql(url) else None


def _run_pg(tool: str, args: list[str], url: str) -> None:
    program = postgres_tool(tool)
    if program is None:
        raise CourseToolsError(f"backups of a course in PostgreSQL need {tool} (Debian: apt-get install "
                               "postgresql-client, of the server's major version or newer)")
    target, env = libpq_target(url)
    done = subprocess.run([program, *args, f"--dbname={target}"], capture_output=True, text=True,
                          env={**os.environ, **env})
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise CourseToolsError(f"{tool} {shown(url)}: {reason}")


def dump_postgresql(url: str, dest: Path) -> None:
    _run_pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={dest}"], url)


def restore_postgresql(dump: Path, url: str) -> None:
    """Replace the course's tables by the dump's, in one transaction (all or nothing)."""
    _run_pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                           "--exit-on-error", str(dump)], url)


def backup_course(root: Path, step: str, keep: int | None = None) -> Backup | None:
    """Copy the course's databases into backups/<time>-<step>/ and prune; None if there is nothing yet."""
    root = Path(root)
    pg_url = postgresql_url(root)
    if pg_url:
        present = [PG_DUMP] if has_gradebook(pg_url) else []
    else:
        present = [name for name in DATABASES if (root / name).is_file()]
    if not present:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    name = f"{stamp}-{re.sub(r'[^a-z0-9_-]+', '-', step.lower())}"
    folder = root / FOLDER / name
    folder.mkdir(parents=True)
    owner_only(root / FOLDER)
    owner_only(folder)
    for db in present:
        if db == PG_DUMP:
            dump_postgresql(pg_url, folder / db)
        else:
            copy_database(root / db, folder / db)
        owner_only(folder / db)
    prune(root, keep or keep_count())
    return Backup(name, folder, tuple(present))


def list_backups(root: Path) -> list[Backup]:
    """Oldest first."""
    folder = Path(root) / FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() and _NAME.match(path.name):
            found.append(Backup(path.name, path, tuple(db for db in (*DATABASES, PG_DUMP) if (path / db).is_file())))
    return found


def prune(root: Path, keep: int) -> None:
    """Delete all but the newest `keep` backups."""
    backups = list_backups(root)
    for old in backups[:max(len(backups) - keep, 0)]:
        shutil.rmtree(old.path)


def restore_backup(root: Path, name: str) -> Backup:
    """Put a backup's databases back in place (the current ones are backed up first)."""
    root = Path(root)
    match = [b for b in list_backups(root) if b.name == name or b.name.startswith(name)]
    if len(match) != 1:
        known = ", ".join(b.name for b in list_backups(root)) or "none"
        raise CourseToolsError(f"backup '{name}': {'ambiguous' if match else 'not found'} (backups: {known})")
    chosen = match[0]
    pg_url = postgresql_url(root)
    if bool(pg_url) != (PG_DUMP in chosen.files):
        now_in = f"PostgreSQL ({shown(pg_url)})" if pg_url else "SQLite"
        raise CourseToolsError(f"backup '{chosen.name}': taken when the course was in "
                               f"{'SQLite' if pg_url else 'PostgreSQL'}; the course is in {now_in} now")
    backup_course(root, "before-restore", keep=max(keep_count(), len(list_backups(root)) + 1))
    for db in chosen.files:
        if db == PG_DUMP:
            restore_postgresql(chosen.path / db, pg_url)
        else:
            copy_database(chosen.path / db, root / db)
    return chosen
