"""Where a course keeps its grades: SQLite files in the course folder (the embedded default) or one
PostgreSQL database for a grading team (`course-tools init --db postgresql://...`).

nbgrader's gradebook is wherever nbgrader_config.py's `CourseDirectory.db_url` says (nbgrader's own
setting). The rubric store follows it, so one setting moves a course: `rubric.db` beside `gradebook.db`
for SQLite, the same PostgreSQL database (tables of its own, none of nbgrader's names) otherwise.
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from course_tools import CourseToolsError

RUBRIC_DB = "rubric.db"
URL_FORMS = "sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"


def parse(url: str, where: str = "--db") -> URL:
    """The URL, or a one-line error naming where it came from."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CourseToolsError(f"{where}: {url!r} is not a database URL ({URL_FORMS})") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise CourseToolsError(f"{where}: {parsed.get_backend_name()!r} databases are not supported ({URL_FORMS})")
    if parsed.get_backend_name() == "postgresql" and not parsed.database:
        raise CourseToolsError(f"{where}: {shown(url)} names no database ({URL_FORMS})")
    return parsed


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def shown(url: str) -> str:
    """The URL as printed and logged: never with its password."""
    return make_url(url).render_as_string(hide_password=True)


def rubric_location(root: Path, gradebook_url: str) -> Path | str:
    """The rubric store of a course whose gradebook is at `gradebook_url`."""
    return gradebook_url if is_postgresql(gradebook_url) else Path(root) / RUBRIC_DB


def check_connection(url: str, where: str = "--db") -> None:
    """Connect once, so a wrong host, password or database name is one clear line before anything is written."""
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise CourseToolsError(f"{where}: cannot connect to {shown(url)} ({reason})") from None
    finally:
        engine.dispose()


def has_gradebook(url: str) -> bool:
    """True once nbgrader has made its tables there."""
    if not is_postgresql(url):
        database = make_url(url).database
        return bool(database) and Path(database).is_file()
    engine = create_engine(url)
    try:
        return inspect(engine).has_table("assignment")
    finally:
        engine.dispose()


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """What PostgreSQL's own tools (pg_dump, pg_restore) take: the URL without the SQLAlchemy driver and
    without the password, which goes in PGPASSWORD (a command line is visible to every account)."""
    parsed = make_url(url)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def postgres_tool(name: str) -> str | None:
    """A PostgreSQL program (pg_dump, initdb...): on PATH, else in Debian's versioned folder, newest first."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return candidates[-1] if candidates else None
