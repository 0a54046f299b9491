"""Two graders at once: two processes saving grades for different students of the same question
lose nothing; saving over a grade someone else saved after you opened it is refused and shown."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course, load_course
from course_tools.rubric.course import CourseContext
from course_tools.rubric.grader import Grading
from course_tools.rubric.store import RubricStore, StaleGrade
from course_tools.widgets.instructor.dashboard import Dashboard
from tests.support.classroom import build_class, student_id

A = "review6"
STUDENTS = 16
ROUNDS = 3  # each grader saves each of its answers this many times (the last save counts)


def _grader(root: str, name: str, students: list[str], start, done) -> None:
    grading = Grading(root, load_course(), grader=name)
    start.wait(60)
    for round_ in range(ROUNDS):
        for student in students:
            items = ["kp-phase-one"] if round_ < ROUNDS - 1 else ["kp-phase-one", "kp-phase-two"]
            grading.save(A, "q1", student, items, 0.0, f"{name} round {round_}")
    done.put(name)


@pytest.fixture(scope="module")
def big_class(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    root = tmp_path_factory.mktemp("two") / "course"
    build_class(root, course, STUDENTS)
    return root


def test_two_processes_save_different_students_and_lose_nothing(big_class: Path) -> None:
    ids = [student_id(n) for n in range(1, STUDENTS + 1)]
    halves = {"grader-a": ids[0::2], "grader-b": ids[1::2]}
    ctx = multiprocessing.get_context("spawn")
    start, done = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_grader, args=(str(big_class), name, part, start, done))
             for name, part in halves.items()]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(180)
        assert proc.exitcode == 0
    assert sorted(done.get(timeout=5) for _ in procs) == sorted(halves)

    store = RubricStore.for_course(big_class)
    grades = store.grades(A, "q1")
    store.close()
    assert len(grades) == STUDENTS
    for name, part in halves.items():
        for student in part:
            grade = grades[(student, "q1")]
            assert (grade.grader, grade.comment, grade.version) == (name, f"{name} round {ROUNDS - 1}", ROUNDS)
    ctx_ = CourseContext(big_class)
    with Gradebook(ctx_.db_url, ctx_.course_id) as gb:
        for student in ids:
            assert gb.find_grade("q1", A, A, student).manual_score == grades[(student, "q1")].score


def test_a_stale_save_is_refused_and_names_who_saved(class_dir: Path, course: Course) -> None:
    first, second = Grading(class_dir, course, grader="ana"), Grading(class_dir, course, grader="ben")
    student = student_id(1)
    view = Dashboard(first)
    view.queue.value = student
    assert view.current.student == student and view.current.rubric is None
    second.save(A, "q1", student, ["kp-phase-one"], 0.0, "ben was here", expected_version=0)

    view.toggles["kp-phase-two"].value = True
    assert view.save() is False
    assert "saved by ben" in view.status.value and "Not saved" in view.status.value
    assert view.toggles["kp-phase-one"].value and not view.toggles["kp-phase-two"].value  # ben's grade shown
    assert view.comment.value == "ben was here"
    assert first.store.grades(A, "q1")[(student, "q1")].grader == "ben"
    view.toggles["kp-phase-two"].value = True  # now that ana has seen it, she may replace it
    assert view.save() is True
    assert first.store.grades(A, "q1")[(student, "q1")].applied == ("kp-phase-one", "kp-phase-two")
    with pytest.raises(StaleGrade):
        second.save(A, "q1", student, [], 0.0, "", expected_version=1)
