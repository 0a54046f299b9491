"""`course-tools doctor`: check a course directory and say, for each thing wrong, how to fix it.

Checks: the config loads and still neutralises student HTML; the exchange exists with permissions
students can use (and cannot read each other's work through), and the course's folder in it is the course
account's own, not a link (grading/exchange_guard.py); the roster has no name with markup characters,
is not empty and covers the submissions; source, release and exchange agree; gradebook.db and rubric.db open and pass
SQLite's integrity check (or the course's PostgreSQL database answers and has the gradebook's tables);
every graded copy has its gradebook row and every row its graded copy (a killed autograde leaves the
first kind); the course folder, databases and backups are owner-only.
"""

from __future__ import annotations

import filecmp
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from course_tools.grading.coursedir import CONFIG_NAME, CoursePaths, CourseSettings, config_is_generated, load_config
from course_tools.grading.databases import is_postgresql, shown
from course_tools.grading.exchange_guard import FIX, exchange_problems
from course_tools.grading.gradebook import engine_for
from course_tools.grading.private import readable_by_others
from course_tools.grading.roster import MARKUP_RULE, has_markup

SANITISER = "course_tools.grading.sanitize.NeutraliseStudentHTML"
GUARD_MODULE = "course_tools.grading.guarded_exchange."
GUARDED = ("release_assignment", "release_feedback", "collect")


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"ok       {self.what}" if self.ok else f"PROBLEM  {self.what}\n         fix: {self.fix}"


def _names(value: object) -> list[str]:
    items = value if isinstance(value, list | tuple) else []
    return [item if isinstance(item, str) else f"{item.__module__}.{item.__qualname__}" for item in items]


def check_config(root: Path) -> tuple[list[Finding], object | None]:
    paths = CoursePaths(root)
    if not paths.config.is_file():
        return [Finding(False, f"{paths.config}: missing", f"course-tools init {root}")], None
    try:
        config = load_config(root)
    except Exception as exc:  # a user-edited config may raise anything
        return [Finding(False, f"{paths.config}: does not load ({type(exc).__name__}: {exc})",
                        f"fix the file, or `course-tools init --force {root}` (your version is saved as .bak)")], None
    found = [Finding(True, f"{CONFIG_NAME} loads (course id {config.CourseDirectory.course_id!r})")]
    if not config_is_generated(paths.config.read_text(encoding="utf-8")):
        found.append(Finding(True, f"{CONFIG_NAME} was edited by you (init keeps it)"))
    autograde = _names(config.Autograde.get("sanitize_preprocessors"))
    exporter = _names(config.HTMLExporter.get("preprocessors"))
    if SANITISER not in autograde or SANITISER not in exporter:
        found.append(Finding(False, "student HTML is not neutralised: a script in an answer would run in "
                             "formgrader", "course-tools init (a generated config is updated), or copy the "
                             "NeutraliseStudentHTML lines from a fresh `course-tools init` into your config"))
    else:
        found.append(Finding(True, "student HTML is neutralised (autograde and every HTML view)"))
    guarded = {key: _names([config.ExchangeFactory.get(key)])[0] if key in config.ExchangeFactory else ""
               for key in GUARDED}
    if any(not name.startswith(GUARD_MODULE) for name in guarded.values()):
        found.append(Finding(False, "formgrader's Release and Collect do not check who owns the course's exchange "
                             "folder (c.ExchangeFactory)", "course-tools init (a generated config is updated), or "
                             "copy the c.ExchangeFactory lines from a fresh `course-tools init` into your config"))
    return found, config


def check_exchange(root: Path, config) -> list[Finding]:
    exchange = Path(config.Exchange.root) if "root" in config.Exchange else CoursePaths(root).exchange
    course = exchange / config.CourseDirectory.course_id
    if not exchange.is_dir():
        return [Finding(False, f"exchange {exchange}: missing", f"mkdir -p {exchange} (or course-tools init)")]
    if not os.access(exchange, os.W_OK | os.X_OK):
        return [Finding(False, f"exchange {exchange}: not writable by you", f"chown or chmod u+rwx {exchange}")]
    found = [Finding(True, f"exchange {exchange} is writable")]
    owner = root.stat().st_uid  # the course account owns the course folder and must own its exchange folder
    problems = exchange_problems(exchange, config.CourseDirectory.course_id, owner)
    squats = [p for p in problems if " mode " not in p]
    for problem in squats:
        found.append(Finding(False, f"{problem}: release, collect and feedback refuse it until it is fixed "
                             "(a student may have made it before the course did)", FIX.format(path=course)))
    if squats:
        return found
    for problem in problems:  # inbound and outbound have their own, more telling, checks below
        path = Path(problem.split(": ", 1)[0])
        if path.name not in ("inbound", "outbound"):
            found.append(Finding(False, f"{problem}", f"chmod {problem.rsplit(' ', 1)[1]} {path}"))
    if course.is_dir() and not problems:
        found.append(Finding(True, f"{course}: the course account's, not a link, nbgrader's modes"))
    inbound, outbound = course / "inbound", course / "outbound"
    if inbound.is_dir():
        mode = stat.S_IMODE(inbound.stat().st_mode)
        if mode & 0o004:
            found.append(Finding(False, f"{inbound}: readable by every user ({oct(mode)}): students could read "
                                 "each other's submissions", f"chmod 2733 {inbound}"))
        elif os.environ.get("JUPYTERHUB_SERVICE_PREFIX") and mode & 0o003 != 0o003:
            found.append(Finding(False, f"{inbound}: students cannot submit ({oct(mode)})", f"chmod 2733 {inbound}"))
        else:
            found.append(Finding(True, f"{inbound}: permissions {oct(mode)}"))
    if outbound.is_dir():
        mode = stat.S_IMODE(outbound.stat().st_mode)
        if os.environ.get("JUPYTERHUB_SERVICE_PREFIX") and mode & 0o005 != 0o005:
            found.append(Finding(False, f"{outbound}: students cannot fetch ({oct(mode)})", f"chmod 755 {outbound}"))
    return found


def _gradebook_exists(url: str) -> bool:
    """A SQLite gradebook must already be a file (opening one would create it); PostgreSQL is asked."""
    return is_postgresql(url) or Path(make_url(url).database or "").is_file()


def gradebook_url(root: Path, config) -> str:
    return CourseSettings.from_config(root, config).db_url


def _query(url: str, sql: str) -> list[tuple]:
    with engine_for(url).connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def _student_ids(url: str) -> tuple[set[str], set[str]]:
    """(students with a name: the roster, all students) in the gradebook."""
    rows = _query(url, "SELECT id, first_name, last_name, email FROM student")
    return {r[0] for r in rows if any(r[1:])}, {r[0] for r in rows}


def _marked_students(url: str) -> list[str]:
    """Ids of students whose name or email has markup characters (imported before the roster refused them,
    or added by nbgrader's own commands or formgrader)."""
    rows = _query(url, "SELECT id, first_name, last_name, email FROM student")
    return sorted(r[0] for r in rows if any(has_markup(v) for v in r[1:]))


def check_postgresql(url: str) -> list[Finding]:
    fix = f"check that the server answers, the db_url in {CONFIG_NAME} and the password in ~/.pgpass"
    try:
        tables = set(inspect(engine_for(url)).get_table_names())
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return [Finding(False, f"{shown(url)}: cannot connect ({reason})", fix)]
    if not {"student", "assignment", "grade"} <= tables:
        return [Finding(False, f"{shown(url)}: no gradebook tables", "course-tools init")]
    return [Finding(True, f"{shown(url)} answers and holds the gradebook"
                    + (" and the rubric store" if "rubric_grade" in tables else ""))]


def check_databases(root: Path, url: str) -> list[Finding]:
    if is_postgresql(url):
        return check_postgresql(url)
    found = []
    for name, fix in (("gradebook.db", "course-tools backups list, then course-tools backups restore NAME"),
                      ("rubric.db", "course-tools backups restore NAME (or delete it: rubric grades then start over)")):
        db = root / name
        if not db.is_file():
            if name == "gradebook.db":
                found.append(Finding(False, f"{db}: missing", f"course-tools init {root}"))
            continue
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.Error as exc:
            found.append(Finding(False, f"{db}: not readable ({exc})", fix))
            continue
        needed = {"student", "assignment", "grade"} if name == "gradebook.db" else {"rubric_grade"}
        if result != "ok" or not needed <= tables:
            found.append(Finding(False, f"{db}: damaged ({result}; tables {', '.join(sorted(tables)) or 'none'})", fix))
        else:
            found.append(Finding(True, f"{db} readable and intact"))
    return found


def check_roster(root: Path, config) -> list[Finding]:
    url = gradebook_url(root, config)
    if not _gradebook_exists(url):
        return []
    try:
        roster, everyone = _student_ids(url)
    except SQLAlchemyError:
        return []  # check_databases reports it
    found = []
    if not roster:
        found.append(Finding(False, "the roster is empty", "course-tools roster import students.csv"))
    else:
        found.append(Finding(True, f"roster: {len(roster)} student(s)"))
    marked = _marked_students(url)
    if marked:
        found.append(Finding(False, f"students whose name or email holds {MARKUP_RULE}: {', '.join(marked)} "
                             "(a page that shows names unescaped would run it as markup)",
                             "write the names as plain text in the roster CSV and run course-tools roster import "
                             "(or edit them in formgrader's Manage Students)"))
    submitted = root / config.CourseDirectory.get("submitted_directory", "submitted")
    strangers = sorted(p.name for p in submitted.iterdir() if p.is_dir() and p.name not in roster) \
        if submitted.is_dir() else []
    if strangers:
        found.append(Finding(False, f"submissions from students not on the roster: {', '.join(strangers)}",
                             "add them to the CSV and run course-tools roster import, or remove their "
                             "folders from submitted/"))
    return found


def check_assignments(root: Path, config) -> list[Finding]:
    found = []
    source_dir = root / "source"
    exchange = Path(config.Exchange.root) if "root" in config.Exchange else CoursePaths(root).exchange
    outbound = exchange / config.CourseDirectory.course_id / "outbound"
    for source in sorted(source_dir.glob("*/*.ipynb")) if source_dir.is_dir() else []:
        assignment = source.parent.name
        release = root / "release" / assignment / source.name
        if not release.is_file():
            continue  # not assigned yet: nothing can be out of sync
        if source.stat().st_mtime > release.stat().st_mtime + 1:
            found.append(Finding(False, f"{assignment}: the source changed after the student version was made",
                                 f"course-tools assign {assignment}, then course-tools release {assignment} "
                                 "(only before students fetch it)"))
            continue
        shared = outbound / assignment / source.name
        if shared.is_file() and not filecmp.cmp(shared, release, shallow=False):
            found.append(Finding(False, f"{assignment}: the exchange holds an older student version than release/",
                                 f"course-tools release {assignment}"))
            continue
        found.append(Finding(True, f"{assignment}: source, release{' and exchange' if shared.is_file() else ''} agree"))
    return found


def _gradebook_submissions(url: str) -> dict[str, set[str]]:
    """Assignment -> students with a submission row in the gradebook."""
    rows = _query(url, "SELECT a.name, s.student_id FROM submitted_assignment s "
                       "JOIN assignment a ON a.id = s.assignment_id")
    found: dict[str, set[str]] = {}
    for assignment, student in rows:
        found.setdefault(assignment, set()).add(student)
    return found


def check_graded(root: Path, config) -> list[Finding]:
    """Graded copies and gradebook rows agree: each graded copy has its row and each row its copy."""
    url = gradebook_url(root, config)
    if not _gradebook_exists(url):
        return []
    try:
        rows = _gradebook_submissions(url)
    except SQLAlchemyError:
        return []  # check_databases reports it
    autograded = root / config.CourseDirectory.get("autograded_directory", "autograded")
    copies: dict[str, set[str]] = {}
    for folder in autograded.glob("*/*") if autograded.is_dir() else []:
        if folder.is_dir() and any(folder.glob("*.ipynb")):
            copies.setdefault(folder.name, set()).add(folder.parent.name)
    found = []
    for assignment in sorted(set(rows) | set(copies)):
        without_row = sorted(copies.get(assignment, set()) - rows.get(assignment, set()))
        without_copy = sorted(rows.get(assignment, set()) - copies.get(assignment, set()))
        if without_row:
            found.append(Finding(False, f"{assignment}: graded copies without a gradebook row (an autograde run "
                                 f"was killed or crashed): {', '.join(without_row)}",
                                 f"course-tools autograde {assignment} (grades them again)"))
        if without_copy:
            found.append(Finding(False, f"{assignment}: gradebook rows without a graded copy (copy removed, or a "
                                 f"resubmission not graded yet): {', '.join(without_copy)}",
                                 f"course-tools autograde {assignment} (grades them again; manual grades of "
                                 "unchanged answers are kept)"))
        if not without_row and not without_copy:
            found.append(Finding(True, f"{assignment}: every graded copy has its gradebook row and the reverse"))
    return found


def check_private(root: Path) -> list[Finding]:
    """The course folder, gradebook, rubric store and backups: owner-only."""
    found = []
    for path in (root, root / "gradebook.db", root / "rubric.db", root / "backups"):
        if path.exists() and readable_by_others(path):
            mode = "700" if path.is_dir() else "600"
            found.append(Finding(False, f"{path}: readable by other accounts "
                                 f"({oct(stat.S_IMODE(path.stat().st_mode))})", f"chmod {mode} {path}"))
    if not found:
        found.append(Finding(True, "course folder, databases and backups are owner-only"))
    return found


def diagnose(root: Path) -> list[Finding]:
    root = Path(root).resolve()
    if not root.is_dir():
        return [Finding(False, f"{root}: no such folder", f"course-tools init {root}")]
    found, config = check_config(root)
    if config is None:
        return found + check_databases(root, f"sqlite:///{root / 'gradebook.db'}")
    return (found + check_exchange(root, config) + check_roster(root, config) + check_assignments(root, config)
            + check_databases(root, gradebook_url(root, config)) + check_graded(root, config) + check_private(root))
