"""A roster name with markup in formgrader (issue #22 M4): `roster import` refuses it, naming the line; a
student who already has such a name in the gradebook (an older import, nbgrader's own `db student add`, or
formgrader's Add Student) is shown as text on formgrader's submission page in Chromium, and no script runs
in the grader's session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course
from course_tools.grading.roster import import_roster
from course_tools.rubric.course import CourseContext
from tests.support.classroom import ASSIGNMENT, build_class, student_id
from tests.support.servers import course_server

pytestmark = pytest.mark.browser

FIRST = "<img src=x onerror=alert(1)>"
LAST = "<svg onload=alert(2)>"
VICTIM = student_id(1)


@pytest.fixture(scope="module")
def marked_class(lab, course: Course) -> Path:
    root = lab.root / "roster_markup_course"
    build_class(root, course, 2)
    roster = root.parent / "roster_markup.csv"
    roster.write_text(f"id,first_name,last_name,email\n{VICTIM},\"{FIRST}\",\"{LAST}\",\n")
    report = import_roster(root, roster)
    assert report.imported == [] and report.problems[0].startswith(f"{roster}: line 2: first_name ")
    ctx = CourseContext(root.resolve())
    with Gradebook(ctx.db_url, ctx.course_id) as gb:  # as nbgrader's own `db student add` would store it
        gb.update_or_create_student(VICTIM, first_name=FIRST, last_name=LAST)
    return root


@pytest.fixture(scope="module")
def formgrader(marked_class: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with course_server(marked_class, tmp_path_factory.mktemp("formgrader_roster")) as server:
        yield server


def _submission_id(root: Path) -> str:
    ctx = CourseContext(root.resolve())
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        return gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, VICTIM).id


def test_a_name_with_markup_is_text_on_formgraders_submission_page(formgrader, marked_class: Path, page) -> None:
    """The page nbgrader renders with the names pasted in unescaped (its list pages use jQuery's .text())."""
    url, token = formgrader
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{url}/formgrader/submissions/{_submission_id(marked_class)}/?token={token}")
    page.locator(".nbgrader_cell").first.wait_for()
    page.wait_for_load_state("load")
    page.locator(".glyphicon-eye-open.name-hidden").first.click()  # formgrader hides the name until revealed
    page.locator("a.name-shown").first.wait_for()
    text = page.inner_text("body")
    assert FIRST in text and LAST in text  # the characters as stored, on screen
    assert page.locator("img[onerror], svg[onload]").count() == 0
    assert dialogs == []
