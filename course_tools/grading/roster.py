"""Import students from a CSV into nbgrader's gradebook: all or nothing, every problem reported by line.

A file with any bad line imports nobody: a line with more or fewer fields than the header (an unquoted
comma, as in `Smith, Jr.`, shifts every later field into the wrong column, and with numeric ids would put
the wrong students in), a bad or repeated id, a bad email, no name, or a name with markup characters.

Names with markup are refused rather than escaped: formgrader, feedback files, CSV exports and our own
pages each show names in their own way (nbgrader's submission page pastes them into HTML unescaped), so a
name that is plain text everywhere is the one rule that holds in all of them; escaping on the way in would
show `&lt;` in every view that escapes itself. No real name needs `< > & " ` or a control character.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, Student

from course_tools import CourseToolsError
from course_tools.grading.coursedir import open_api

COLUMNS = ("id", "first_name", "last_name", "email")
ALIASES = {"student_id": "id", "firstname": "first_name", "lastname": "last_name", "e_mail": "email",
           "email_address": "email"}
# The exchange names files '<student>+<assignment>+<time>', so '+' and '*' cannot be in an id.
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
ID_RULE = "only letters, digits and . _ @ -, starting with a letter or digit"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What a name or email may not hold: HTML's special characters, the backtick and control characters.
MARKUP_RE = re.compile(r"[<>&\"`\x00-\x1f\x7f]")
MARKUP_RULE = "< > & \" ` or a control character"


def valid_id(text: str) -> bool:
    """The one student id rule (roster import, LMS zips, --map files): also no '..' and not too long."""
    return bool(ID_RE.match(text)) and ".." not in text and len(text) <= 100


def has_markup(text: str | None) -> bool:
    """True if a name or email holds a character that an HTML page could take as markup."""
    return bool(text and MARKUP_RE.search(text))


@dataclass
class RosterReport:
    imported: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _header(path: Path, header: list[str]) -> list[str]:
    names = [re.sub(r"[\s-]+", "_", c.strip().lower()) for c in header]
    columns = [ALIASES.get(name, name) for name in names]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise CourseToolsError(f"{path}: line 1: missing column(s) {', '.join(missing)} "
                               f"(expected {', '.join(COLUMNS)})")
    return columns


def row_problem(values: dict[str, str], seen: dict[str, int]) -> str | None:
    """What is wrong with one roster row, or None."""
    if not valid_id(values["id"]):
        return f"id '{values['id']}' is empty or has characters other than letters, digits, . _ @ -"
    if values["id"] in seen:
        return f"id '{values['id']}' repeats line {seen[values['id']]}"
    for column in ("first_name", "last_name", "email"):
        if has_markup(values[column]):
            return (f"{column} {values[column]!r} has {MARKUP_RULE} (names are shown in formgrader and "
                    "web pages: write them as plain text)")
    if values["email"] and not EMAIL_RE.match(values["email"]):
        return f"email '{values['email']}' is not an email address"
    if not values["first_name"] and not values["last_name"]:
        return f"student '{values['id']}' has no name"
    return None


def read_roster(path: Path) -> tuple[list[dict], list[str]]:
    """Return the rows and one problem line per bad line ('FILE: line N: ...'); callers import the rows
    only if there is no problem."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = list(_numbered(csv.reader(handle, skipinitialspace=True)))
    except FileNotFoundError:
        raise CourseToolsError(f"{path}: no such file") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CourseToolsError(f"{path}: not a readable CSV ({exc})") from None
    if not lines:
        raise CourseToolsError(f"{path}: empty (expected a header line: {', '.join(COLUMNS)})")
    columns = _header(path, lines[0][1])
    good, problems, seen = [], [], {}
    for line, fields in lines[1:]:
        if len(fields) != len(columns):
            problems.append(f"{path}: line {line}: {len(fields)} field(s), the header has {len(columns)} "
                            "(a comma inside a name needs quotes: \"Smith, Jr.\")")
            continue
        row = dict(zip(columns, fields, strict=True))
        values = {c: row[c].strip() for c in COLUMNS}
        if error := row_problem(values, seen):
            problems.append(f"{path}: line {line}: {error}")
            continue
        seen[values["id"]] = line
        good.append(values)
    return good, problems


def _numbered(reader):
    """(line number where the record starts, fields) for each non-blank record."""
    line = 1
    for fields in reader:
        if any(f.strip() for f in fields):
            yield line, fields
        line = reader.line_num + 1


def import_roster(root: Path, path: Path) -> RosterReport:
    """Import every row, or none: with any problem the gradebook is left as it was."""
    good, problems = read_roster(Path(path))
    report = RosterReport(problems=problems)
    if problems:
        return report
    api = open_api(root)
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
