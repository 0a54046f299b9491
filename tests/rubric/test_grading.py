"""Rubric grades against a real nbgrader gradebook: every change shows in nbgrader's own API."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import event

from course_tools import CourseToolsError
from course_tools.content.loader import Course
from course_tools.rubric.blind import PREFIX, assign_labels, digest
from course_tools.rubric.grader import Grading
from course_tools.rubric.queue import engine_for, gradebook_rows
from tests.support.classroom import XSS, student_id

A = "review6"


def nbgrader_grade(grading: Grading, student: str, question: str) -> tuple[float | None, float | None, str | None]:
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        grade = gb.find_grade(question, A, A, student)
        comment = gb.find_comment(question, A, A, student)
        return grade.manual_score, grade.extra_credit, comment.manual_comment


def test_save_writes_score_and_itemised_comment_to_nbgrader(grading: Grading) -> None:
    s1 = student_id(1)
    score = grading.save(A, "q1", s1, ["kp-phase-one", "kp-phase-two"], 0.5, "Name the five elements.")
    assert score.total == 2.5
    manual, extra, comment = nbgrader_grade(grading, s1, "q1")
    assert (manual, extra) == (2.5, None)
    assert "**Rubric: 2.5 / 4 points**" in comment
    assert "(+1) Phase one: publicize" in comment and "(+0.5) Adjustment" in comment
    assert comment.rstrip().endswith("Name the five elements.")
    stored = grading.store.grades(A, "q1")[(s1, "q1")]
    assert stored.applied == ("kp-phase-one", "kp-phase-two") and stored.grader == "tester"


def test_removing_an_item_lowers_the_score_everywhere(grading: Grading) -> None:
    s1 = student_id(1)
    grading.save(A, "q2", s1, ["kp-governance-decent-work", "kp-national-dialogues"])
    grading.save(A, "q2", s1, ["kp-governance-decent-work"])
    assert nbgrader_grade(grading, s1, "q2")[0] == 1.0
    assert "national-dialogues" not in json.dumps(grading.store.grades(A, "q2")[(s1, "q2")].applied)


def test_bounds_hold_in_the_gradebook(grading: Grading) -> None:
    grading.save(A, "q1", student_id(1), ["distorts"])
    grading.save(A, "q1", student_id(2), ["kp-phase-one", "explains-sequence", "kp-phase-two",
                                         "applies-case"], 3)
    assert nbgrader_grade(grading, student_id(1), "q1")[0] == 0.0
    assert nbgrader_grade(grading, student_id(2), "q1")[:2] == (4.0, None)


def test_extra_credit_question_writes_nbgrader_extra_credit(class_dir: Path, course: Course) -> None:
    review = course.assignments[A]
    questions = [q.model_copy(update={"extra_credit": q.id == "q1"}) for q in review.questions]
    generous = course.__class__(**{**course.__dict__, "assignments": {A: review.model_copy(
        update={"questions": questions})}})
    grading = Grading(class_dir, generous)
    grading.save(A, "q1", student_id(1), list(grading.rubric(A, "q1").ids[:4]), 1.5)
    assert nbgrader_grade(grading, student_id(1), "q1")[:2] == (4.0, 1.5)


def test_unknown_item_saves_nothing(grading: Grading) -> None:
    with pytest.raises(KeyError):
        grading.save(A, "q1", student_id(1), ["kp-nonsense"])
    assert nbgrader_grade(grading, student_id(1), "q1") == (None, None, None)
    assert grading.store.grades(A) == {}


def test_edit_rescores_exactly_the_answers_with_the_item(grading: Grading) -> None:
    grading.save(A, "q1", student_id(1), ["kp-phase-one", "kp-phase-two"])
    grading.save(A, "q1", student_id(2), ["kp-phase-two"])
    grading.save(A, "q1", student_id(3), ["kp-phase-one"], 0.5)
    count = grading.edit_item(A, "q1", "kp-phase-one", points=2, description="Phase one, stated precisely.")
    assert count == 2
    assert [nbgrader_grade(grading, student_id(n), "q1")[0] for n in (1, 2, 3)] == [3.0, 1.0, 2.5]
    assert "(+2) Phase one, stated precisely." in nbgrader_grade(grading, student_id(3), "q1")[2]
    assert grading.store.grades(A, "q1")[(student_id(1), "q1")].score == 3.0
    edit = grading.store.edits(A)[-1]
    assert edit["change"]["points"] == [1.0, 2.0] and edit["rescored"] == 2 and edit["editor"] == "tester"


def test_edits_survive_reopening_and_reseeding(class_dir: Path, course: Course, grading: Grading) -> None:
    grading.edit_item(A, "q3", "distorts", points=-2)
    again = Grading(class_dir, course)
    assert again.rubric(A, "q3").item("distorts").points == -2.0
    assert again.store.version(A, "q3") == 2


def test_edit_outside_the_question_points_is_refused(grading: Grading) -> None:
    with pytest.raises(CourseToolsError, match="outside"):
        grading.edit_item(A, "q1", "kp-phase-one", points=9)
    with pytest.raises(CourseToolsError, match="no rubric item"):
        grading.edit_item(A, "q1", "kp-missing", points=1)


def test_added_item_can_be_applied(grading: Grading) -> None:
    grading.add_item(A, "q1", "example", "Gives a concrete example.", 0.5)
    assert grading.save(A, "q1", student_id(1), ["example", "kp-phase-one"]).total == 1.5


def test_clear_returns_the_answer_to_needs_grading(grading: Grading) -> None:
    grading.save(A, "q1", student_id(1), ["kp-phase-one"])
    grading.clear(A, "q1", student_id(1))
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        grade = gb.find_grade("q1", A, A, student_id(1))
        assert grade.manual_score is None and grade.needs_manual_grade
    assert not grading.queue(A, "q1")[0].rubric or all(e.rubric is None for e in grading.queue(A, "q1"))


def test_sync_repairs_a_gradebook_changed_behind_our_back(grading: Grading) -> None:
    grading.save(A, "q4", student_id(1), ["distorts"], 2)
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        gb.find_grade("q4", A, A, student_id(1)).manual_score = 5.0
        gb.db.commit()
    assert grading.sync(A) == 1
    assert nbgrader_grade(grading, student_id(1), "q4")[0] == 1.0


def test_late_penalty_follows_the_rubric_score(grading: Grading) -> None:
    late = student_id(2)  # 20 hours late: 10% per started day
    for question in grading.rubrics(A):
        grading.save(A, question, late, [i.id for i in grading.rubric(A, question).items if i.points > 0])
    with Gradebook(grading.ctx.db_url, grading.ctx.course_id) as gb:
        submission = gb.find_submission(A, late)
        assert submission.score == 30.0 and submission.late_submission_penalty == pytest.approx(3.0)


def test_queue_is_one_gradebook_query(grading: Grading) -> None:
    statements: list[str] = []
    engine = engine_for(grading.ctx.db_url)
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        rows = gradebook_rows(grading.ctx.db_url, A, "q1")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(rows) == 4 and len(statements) == 1


def test_queue_knows_late_no_response_and_answers(grading: Grading) -> None:
    q2 = {e.student: e for e in grading.queue(A, "q2")}
    assert q2[student_id(4)].no_response and q2[student_id(4)].graded
    assert q2[student_id(2)].late and not q2[student_id(1)].late
    q1 = {e.student: e for e in grading.queue(A, "q1")}
    assert grading.answer(A, q1[student_id(3)], "q1") == XSS


def test_blind_labels_are_stable_distinct_and_secret(class_dir: Path, course: Course, grading: Grading) -> None:
    first = {e.student: e.label for e in grading.queue(A, "q1")}
    second = {e.student: e.label for e in Grading(class_dir, course).queue(A, "q5")}
    assert first == second and len(set(first.values())) == 4
    assert all(label.startswith(PREFIX) and len(label) == len(PREFIX) + 4 for label in first.values())
    assert (class_dir / ".rubric_secret").stat().st_mode & 0o077 == 0
    order = [e.student for e in grading.queue(A, "q1")]
    assert order == sorted(order, key=first.get)


def test_colliding_labels_get_longer_and_old_ones_never_change() -> None:
    secret = b"k" * 32
    taken = {"old": PREFIX + digest(secret, A, "new")[:4]}
    new = assign_labels(secret, A, ["old", "new"], taken)
    assert new == {"new": PREFIX + digest(secret, A, "new")[:6]}


def _with_q1_rubric(course: Course, change) -> Course:
    """The course as it would load after an author changed q1's rubric in content/."""
    review = course.assignments[A]
    q1 = review.questions[0]
    rubric = change({item.id: item for item in q1.instructor.rubric})
    q1 = q1.model_copy(update={"instructor": q1.instructor.model_copy(update={"rubric": list(rubric.values())})})
    return replace(course, assignments={**course.assignments,
                                        A: review.model_copy(update={"questions": [q1, *review.questions[1:]]})})


def test_a_content_change_reaches_untouched_items_and_keeps_instructor_work(class_dir: Path, course: Course,
                                                                            grading: Grading) -> None:
    s1, s2 = student_id(1), student_id(2)
    grading.save(A, "q1", s1, ["kp-phase-one", "kp-phase-two"])
    grading.save(A, "q1", s2, ["explains-sequence"])
    grading.edit_item(A, "q1", "applies-case", description="Applies it to a named country.")

    def author(items: dict) -> dict:
        items["kp-phase-one"] = items["kp-phase-one"].model_copy(update={"points": 1.5})
        items["applies-case"] = items["applies-case"].model_copy(update={"description": "Author's new text."})
        items["new-item"] = items["distorts"].model_copy(update={"id": "new-item", "points": 0.5})
        del items["explains-sequence"], items["distorts"]  # one was given to an answer, one never
        return items

    after = Grading(class_dir, _with_q1_rubric(course, author), grader="tester")
    rubric = after.rubric(A, "q1")
    assert rubric.item("kp-phase-one").points == 1.5 and nbgrader_grade(after, s1, "q1")[0] == 2.5
    assert "(+1.5)" in nbgrader_grade(after, s1, "q1")[2]
    assert rubric.item("applies-case").description == "Applies it to a named country."  # the instructor's edit
    assert "explains-sequence" in rubric.ids and nbgrader_grade(after, s2, "q1")[0] == 1.0  # still given
    assert "distorts" not in rubric.ids and rubric.ids[-1] == "new-item"
    edit = [e for e in after.store.edits(A) if e["editor"] == "content"]
    assert [(e["item"], e["change"], e["rescored"]) for e in edit] == [("kp-phase-one", {"points": [1.0, 1.5]}, 1)]
    assert Grading(class_dir, _with_q1_rubric(course, author)).store.version(A, "q1") == after.store.version(A, "q1")
