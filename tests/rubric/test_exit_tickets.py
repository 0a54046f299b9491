"""Exit tickets are graded in the dashboard like Review #6: their 2-point rubric, their own queue,
and every save in nbgrader's gradebook."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course
from course_tools.grading.lifecycle import assign, autograde
from course_tools.rubric.course import CourseContext
from course_tools.rubric.grader import Grading
from course_tools.widgets.instructor.dashboard import Dashboard
from tests.support.classroom import XSS, build_class, submit

TICKET = "exit_policy_forum"
ANSWERS = {
    "s0001": "A forum is more than a talking shop if it monitors the social impact of policies every year. "
             "In my country a State of Globalisation Report would show where jobs are lost.",
    "s0002": XSS,
}


@pytest.fixture(scope="module")
def ticket_class(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    root = tmp_path_factory.mktemp("tickets") / "course"
    build_class(root, course, 2)
    assign(course, root, TICKET)
    ctx = CourseContext(root.resolve())
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        gb.update_or_create_assignment(TICKET, duedate=datetime(2026, 12, 15, 17, 0))
    for student, text in ANSWERS.items():
        submit(root, course, student, {"discussion": text}, datetime(2026, 12, 14, 12, 0), TICKET)
    autograde(root, TICKET)
    return root


def test_exit_ticket_is_graded_in_the_dashboard(ticket_class: Path, course: Course) -> None:
    grading = Grading(ticket_class, course, grader="tester")
    assert grading.assignments()[0] == "review6" and TICKET in grading.assignments()
    view = Dashboard(grading, assignment=TICKET)
    assert view.question.value == "discussion" and "(2 points)" in view.prompt.value
    assert "talking shop" in view.prompt.value  # the lesson's discussion prompt
    assert list(view.toggles) == ["uses-idea", "gives-reasons", "applies-case", "distorts"]
    view.queue.value = "s0001"
    assert '<mark class="ma-kp" title="key point: forum-functions">monitors</mark>' in view.answer.value
    assert "State of Globalisation Report</mark>" in view.answer.value  # British spelling, plural-proof
    for item in ("uses-idea", "gives-reasons", "applies-case"):
        view.toggles[item].value = True
    assert "Score: 2 / 2" in view.score.value
    view.next_button.click()
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        grade = gb.find_grade("discussion", TICKET, TICKET, "s0001")
        assert grade.manual_score == 2.0 and "Rubric: 2 / 2 points" in gb.find_comment(
            "discussion", TICKET, TICKET, "s0001").manual_comment
    assert view.current.student == "s0002" and "&lt;script&gt;" in view.answer.value
    assert "<script" not in view.answer.value
    assert "Model answer" in view.calibration.value and "Calibration" not in view.calibration.value


def test_the_released_ticket_holds_no_instructor_text(ticket_class: Path, course: Course) -> None:
    ticket = next(t for t in course.exit_tickets.lessons if t.lesson == "policy_forum")
    source = (ticket_class / "source" / TICKET / f"{TICKET}.ipynb").read_text(encoding="utf-8")
    released = (ticket_class / "release" / TICKET / f"{TICKET}.ipynb").read_text(encoding="utf-8")
    secrets = [ticket.model_answer, *(k.text for k in ticket.key_points)]
    assert all(json.dumps(s)[1:-1] in source for s in secrets)  # graders see it in formgrader's source
    assert not any(json.dumps(s)[1:-1][:60] in released for s in secrets)
    assert "YOUR ANSWER HERE" in released and course.lessons["policy_forum"].discussion_prompt[:40] in released
