"""The grading dashboard in process: widgets driven by `.value` and `.click()`, as a grader would."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course
from course_tools.rubric.grader import Grading
from course_tools.widgets.instructor import dashboard as widget_dashboard
from course_tools.widgets.instructor.dashboard import Dashboard, dashboard
from tests.support.classroom import FIRST, LAST, student_id

A = "review6"


def manual_score(grading: Grading, student: str, question: str) -> float | None:
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        return gb.find_grade(question, A, A, student).manual_score


def test_opens_blind_on_the_first_ungraded_answer(grading: Grading) -> None:
    view = Dashboard(grading)
    labels = [label for label, _ in view.queue.options]
    names = [f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}" for n in range(1, 5)]
    assert len(labels) == 4 and all(label.startswith("• Submission ") for label in labels)
    assert not any(name in " ".join(labels) + view.heading.value for name in names)
    assert view.current is not None and view.current.student == view.entries[0].student
    assert "0 of 4 answers to q1 graded" in view.progress_text.value


def test_select_question_toggle_items_save_and_next(grading: Grading) -> None:
    view = Dashboard(grading)
    view.question.value = "q3"
    assert [cb.description.split(")")[0] for cb in view.items.children][:2] == ["(+1", "(+1"]
    first = view.current.student
    view.toggles["kp-policy-areas"].value = True
    view.toggles["kp-political-mandate"].value = True
    view.adjustment.value = -0.5
    view.comment.value = "Say which policies."
    assert "Score: 1 / 5" in view.score.value and "not saved yet" in view.score.value
    view.next_button.click()
    assert manual_score(grading, first, "q3") == 1.0
    assert view.current.student != first and not view.current.graded
    assert "Saved Submission" in view.status.value and "1 of 4 answers to q3 graded" in view.progress_text.value
    assert all(not cb.value for cb in view.toggles.values()) and view.comment.value == ""
    view.queue.value = first  # going back shows the saved grade
    assert view.toggles["kp-policy-areas"].value and view.adjustment.value == -0.5
    assert view.comment.value == "Say which policies."


def test_saving_the_last_ungraded_answer_says_so(grading: Grading) -> None:
    view = Dashboard(grading, question="q2")  # one q2 answer is "No response." (graded 0 by nbgrader)
    assert "1 of 4" in view.progress_text.value
    for _ in range(3):
        view.toggles["kp-governance-decent-work"].value = True
        view.next_button.click()
    assert "4 of 4" in view.progress_text.value and "All 4 answers" in view.status.value


def test_unsaved_changes_are_reported_when_leaving(grading: Grading) -> None:
    view = Dashboard(grading)
    view.toggles["kp-phase-one"].value = True
    view.next_nav.click()
    assert "were not saved" in view.status.value
    assert grading.store.grades(A) == {}


def test_names_only_on_request_and_labels_stable(class_dir: Path, course: Course, grading: Grading) -> None:
    view = Dashboard(grading)
    before = [label for label, _ in view.queue.options]
    view.show_names.value = True
    assert any(f"{FIRST[1]} {LAST[1]}" in label for label, _ in view.queue.options)
    again = Dashboard(Grading(class_dir, course, grader="tester"))  # the same grader, a new session
    assert [label for label, _ in again.queue.options] == before


def test_a_teaching_assistant_cannot_turn_blind_grading_off_in_the_shared_service(
        grading: Grading, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #22 point 10: the map from blind labels to names is the instructor's only (in the dashboard;
    code a TA runs as the course account can still read the store, see course_tools.rubric.identity)."""
    from course_tools.rubric import identity

    monkeypatch.setenv(identity.IDENTITY_ENV, identity.KERNEL_MESSAGE)
    monkeypatch.setenv(identity.INSTRUCTORS_ENV, "prof")
    who = {"name": "ta1"}
    monkeypatch.setattr(identity, "kernel_message_user", lambda: who["name"])
    grading._grader = None  # the fixture names a grader; in the service the message names them
    view = Dashboard(grading)
    assert view.show_names.disabled and "instructors only" in view.show_names.description
    view.show_names.value = True  # set anyway (a shared kernel, or a cell): a TA's click still shows labels only
    labels = " ".join(label for label, _ in view.queue.options) + view.heading.value
    assert f"{FIRST[1]} {LAST[1]}" not in labels and "Submission " in labels
    who["name"] = "prof"
    instructor = Dashboard(grading)
    assert not instructor.show_names.disabled
    instructor.show_names.value = True
    assert any(f"{FIRST[1]} {LAST[1]}" in label for label, _ in instructor.queue.options)


def test_html_and_script_in_an_answer_show_as_text(grading: Grading) -> None:
    view = Dashboard(grading)
    view.queue.value = student_id(3)
    shown = view.answer.value
    assert "<script" not in shown and "<img" not in shown and "<b>bold" not in shown
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in shown
    assert '<mark class="ma-kp" title="key point: phase-one">first phase</mark>' in shown
    assert "phase-one" in view.found.value


def test_rubric_edit_in_the_dashboard_rescores(grading: Grading) -> None:
    view = Dashboard(grading)
    view.toggles["kp-phase-two"].value = True
    view.save_button.click()
    student = view.current.student
    view.edit_item.value = "kp-phase-two"
    view.edit_points.value = 1.5
    view.edit_button.click()
    assert "1 submission(s) re-scored" in view.edit_status.value
    assert manual_score(grading, student, "q1") == 1.5
    assert "(+1.5)" in view.toggles["kp-phase-two"].description and view.current.student == student


def test_without_a_course_directory_it_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list = []
    monkeypatch.setattr(widget_dashboard, "display", shown.append)
    assert dashboard(tmp_path / "nowhere") is None
    assert "no course directory yet: run `course-tools init`" in shown[0].data


def test_calibration_answers_are_shown_first_for_each_question(grading: Grading, course: Course) -> None:
    view = Dashboard(grading, question="q3")
    panel = view.calibration.value
    q3 = next(q for q in course.assignments[A].questions if q.id == "q3")
    assert panel.startswith("<details class='ma-calibration' open>")
    assert [panel.index(f"<b>{level}: ") for level in ("Weak", "Adequate", "Strong")] == sorted(
        panel.index(f"<b>{level}: ") for level in ("Weak", "Adequate", "Strong"))
    assert "<b>Weak: 0 / 5 points</b> · no item" in panel and "<b>Strong: 5 / 5 points</b>" in panel
    assert "kp-unequal-weight (+1)" in panel
    for sample in q3.instructor.calibration:
        assert html.escape(sample.text) in panel
    view.question.value = "q1"
    assert "<b>Adequate: 3 / 4 points</b>" in view.calibration.value
