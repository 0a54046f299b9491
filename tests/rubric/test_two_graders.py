"""Graders at once: three processes saving 300 grades of the same assignment at the same moment lose
nothing, on SQLite and on PostgreSQL; saving over a grade someone else saved after you opened it is
refused and shown."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course, load_course
from course_tools.rubric.course import CourseContext
from course_tools.rubric.grader import Grading
from course_tools.rubric.store import RubricStore, StaleGrade
from course_tools.widgets.instructor.dashboard import Dashboard
from tests.support.classroom import build_class, student_id
from tests.support.postgres import PostgresServer

A = "review6"
STUDENTS = 50  # x 6 questions = 300 answers
GRADERS = ("grader-a", "grader-b", "grader-c")


def _grader(root: str, name: str, answers: list[tuple[str, str, str]], start, done) -> None:
    """One grader's process: wait for the others, then save each of its answers as a new grade."""
    grading = Grading(root, load_course(), grader=name)
    start.wait(60)
    for student, question, item in answers:
        grading.save(A, question, student, [item], 0.0, f"{name}: {student} {question}", expected_version=0)
    done.put(name)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def big_class(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    root = tmp_path_factory.mktemp("three") / "course"
    db = request.getfixturevalue("postgres").database("three") if request.param == "postgresql" else None
    build_class(root, course, STUDENTS, db=db)
    return root


def test_three_graders_save_300_grades_at_once_and_lose_nothing(big_class: Path, course: Course,
                                                                 postgres: PostgresServer) -> None:
    url = CourseContext(big_class).db_url  # the class is in the database it was built for
    assert url.startswith("sqlite:///") != url.startswith(f"postgresql://postgres@127.0.0.1:{postgres.port}/")
    rubrics = Grading(big_class, course, grader="setup").rubrics(A)  # each question's first item
    answers = [(student_id(n), q, rubric.items[0].id) for n in range(1, STUDENTS + 1) for q, rubric in rubrics.items()]
    assert len(answers) == 300
    shares = {name: answers[i::len(GRADERS)] for i, name in enumerate(GRADERS)}  # interleaved: same rows, same time
    ctx = multiprocessing.get_context("spawn")
    start, done = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_grader, args=(str(big_class), name, share, start, done))
             for name, share in shares.items()]
    for proc in procs:
        proc.start()
    ready = time.monotonic()
    start.set()
    for proc in procs:
        proc.join(240)
        assert proc.exitcode == 0
    assert sorted(done.get(timeout=5) for _ in procs) == sorted(GRADERS)
    print(f"three graders, 300 saves: {time.monotonic() - ready:.1f} s from start to the last save")

    store = RubricStore.for_course(big_class)
    grades = store.grades(A)
    store.close()
    assert len(grades) == 300
    for name, share in shares.items():
        for student, question, item in share:
            grade = grades[(student, question)]
            assert (grade.grader, grade.applied, grade.version) == (name, (item,), 1)
            assert grade.comment == f"{name}: {student} {question}"
    ctx_ = CourseContext(big_class)
    with Gradebook(ctx_.db_url, ctx_.course_id) as gb:
        for (student, question), grade in grades.items():
            assert gb.find_grade(question, A, A, student).manual_score == grade.score > 0
            assert f"{grade.grader}: {student} {question}" in gb.find_comment(question, A, A, student).manual_comment


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
