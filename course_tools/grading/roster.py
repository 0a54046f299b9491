"""Import students from a CSV into nbgrader's gradebook: good rows in, bad rows reported by line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from nbgrader.api import Gradebook, Student

from course_tools import CourseToolsError
from course_tools.grading.coursedir import open_api

COLUMNS = ("id", "first_name", "last_name", "email")
ALIASES = {"student_id": "id", "firstname": "first_name", "lastname": "last_name", "e_mail": "email",
           "email_address": "email"}
# The exchange names files '<student>+<assignment>+<time>', so '+' and '*' cannot be in an id.
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
ID_RULE = "only letters, digits and . _ @ -, starting with a letter or digit"


def valid_id(text: str) -> bool:
    """The one student id rule (roster import, LMS zips, --map files): also no '..' and not too long."""
    return bool(ID_RE.match(text)) and ".." not in text and len(text) <= 100
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class RosterReport:
    imported: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_roster(path: Path) -> tuple[list[dict], list[str]]:
    """Return the valid rows and one problem line per invalid row ('FILE: line N: ...')."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise CourseToolsError(f"{path}: no such file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise CourseToolsError(f"{path}: not a readable CSV ({exc})") from None
    names = [re.sub(r"[\s-]+", "_", c.strip().lower()) for c in frame.columns]
    frame.columns = [ALIASES.get(name, name) for name in names]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise CourseToolsError(f"{path}: line 1: missing column(s) {', '.join(missing)} "
                               f"(expected {', '.join(COLUMNS)})")
    good, problems, seen = [], [], {}
    for index, row in frame.iterrows():
        line = int(index) + 2  # the header is line 1
        values = {c: str(row[c]).strip() for c in COLUMNS}
        error = None
        if not valid_id(values["id"]):
            error = f"id '{values['id']}' is empty or has characters other than letters, digits, . _ @ -"
        elif values["id"] in seen:
            error = f"id '{values['id']}' repeats line {seen[values['id']]}"
        elif values["email"] and not EMAIL_RE.match(values["email"]):
            error = f"email '{values['email']}' is not an email address"
        elif not values["first_name"] and not values["last_name"]:
            error = f"student '{values['id']}' has no name"
        if error:
            problems.append(f"{path}: line {line}: {error}; skipped")
            continue
        seen[values["id"]] = line
        good.append(values)
    return good, problems


def import_roster(root: Path, path: Path) -> RosterReport:
    good, problems = read_roster(Path(path))
    api = open_api(root)
    report = RosterReport(problems=problems)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for row in good:
            gb.update_or_create_student(row["id"], first_name=row["first_name"], last_name=row["last_name"],
                                        email=row["email"] or None)
            report.imported.append(row["id"])
    return report


def on_roster(db_url: str, course_id: str) -> set[str]:
    """Students with a name in the gradebook (imported from a roster, not created by autograde)."""
    with Gradebook(db_url, course_id) as gb:
        return {s.id for s in gb.db.query(Student) if s.first_name or s.last_name or s.email}
