"""Several graders on one course: shares of the work ("questions 1-3", "students A-M") and live claims
(who has which answer open), as logic and in the dashboard."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from course_tools import CourseToolsError
from course_tools.content.loader import Course
from course_tools.rubric import claims as claims_module
from course_tools.rubric.claims import Claims
from course_tools.rubric.grader import Grading
from course_tools.rubric.shares import Share, Shares, parse_questions, parse_students
from course_tools.rubric.store import RubricStore
from course_tools.widgets.instructor.dashboard import Dashboard
from tests.support.classroom import student_id

A = "review6"
QUESTIONS = ["q1", "q2", "q3", "q4", "q5"]


# --- shares ----------------------------------------------------------------------------------------
def test_questions_by_position_range_or_id_in_assignment_order() -> None:
    assert parse_questions("1-3", QUESTIONS) == ("q1", "q2", "q3")
    assert parse_questions("q4, 2", QUESTIONS) == ("q2", "q4")
    assert parse_questions(" ", QUESTIONS) == ()
    for bad in ("6", "2-9", "q9", "3-1"):
        with pytest.raises(CourseToolsError, match="question"):
            parse_questions(bad, QUESTIONS)


def test_students_as_a_range_of_initials() -> None:
    assert parse_students("a-m") == ("A", "M")
    assert parse_students("K") == ("K", "K")
    assert parse_students("") == ("", "")
    for bad in ("M-A", "Abebe", "1-9"):
        with pytest.raises(CourseToolsError, match="A-M"):
            parse_students(bad)


def test_a_share_covers_its_questions_and_initials_and_knows_overlaps() -> None:
    first_half = Share("prof", ("q1", "q2", "q3"), "A", "M")
    assert first_half.covers("q2", "Bauer") and first_half.covers("q1", "muller")
    assert not first_half.covers("q4", "Bauer") and not first_half.covers("q1", "Nakamura")
    assert Share("ta1").covers("q5", "Zhou")  # an empty share is everything
    assert first_half.describe() == "q1, q2, q3 · students A-M"
    assert first_half.overlaps(Share("ta1", ("q3",), "K", "Z"))
    assert not first_half.overlaps(Share("ta1", ("q4", "q5")))
    assert not first_half.overlaps(Share("ta1", (), "N", "Z"))


def test_shares_are_kept_per_grader_and_an_empty_one_is_removed(tmp_path: Path) -> None:
    shares = Shares(RubricStore(tmp_path / "rubric.db"))
    shares.set(A, Share("ta1", ("q1",), "A", "M"))
    shares.set(A, Share("prof", ("q2", "q3")))
    shares.set(A, Share("ta1", ("q4",), "N", "Z"))  # replaces ta1's
    assert shares.all(A) == {"prof": Share("prof", ("q2", "q3")), "ta1": Share("ta1", ("q4",), "N", "Z")}
    shares.set(A, Share("prof"))
    assert shares.of(A, "prof") is None and shares.all("other") == {}


# --- claims ----------------------------------------------------------------------------------------
def test_an_open_answer_is_taken_until_saved_or_left(tmp_path: Path) -> None:
    claims = Claims(RubricStore(tmp_path / "rubric.db"))
    assert claims.take(A, "q1", "s1", "prof").grader == "prof"
    held = claims.take(A, "q1", "s1", "ta1")  # ta1 opens the same answer: prof keeps it
    assert held.grader == "prof" and held.age() == "just now"
    assert set(claims.by_others(A, "q1", "ta1")) == {"s1"} and claims.by_others(A, "q1", "prof") == {}
    claims.release(A, "q1", "s1", "ta1")  # only the holder releases
    assert set(claims.live(A, "q1")) == {"s1"}
    claims.take(A, "q2", "s2", "prof")  # one open answer per grader: opening the next frees the last
    assert claims.live(A, "q1") == {} and claims.live(A, "q2")["s2"].grader == "prof"
    claims.release(A, "q2", "s2", "prof")
    assert claims.live(A, "q2") == {}


def test_a_forgotten_claim_ends_after_the_ttl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    claims = Claims(RubricStore(tmp_path / "rubric.db"), ttl=timedelta(minutes=20))
    claims.take(A, "q1", "s1", "prof")
    later = claims_module.now() + timedelta(minutes=21)
    monkeypatch.setattr(claims_module, "now", lambda: later)
    assert claims.live(A, "q1") == {}
    assert claims.take(A, "q1", "s1", "ta1").grader == "ta1"


def test_graders_opening_one_answer_at_the_same_moment_get_one_holder(tmp_path: Path) -> None:
    path = tmp_path / "rubric.db"
    Claims(RubricStore(path))
    barrier, results = threading.Barrier(6), {}

    def grader(name: str) -> None:
        claims = Claims(RubricStore(path))  # its own connection, as another grader's process has
        barrier.wait()
        results[name] = claims.take(A, "q1", "s1", name).grader

    threads = [threading.Thread(target=grader, args=(f"g{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    holders = set(results.values())
    assert len(results) == 6 and len(holders) == 1  # everyone was told the same holder
    assert Claims(RubricStore(path)).live(A, "q1")["s1"].grader in holders


# --- the dashboard -------------------------------------------------------------------------------
@pytest.fixture
def team(class_dir: Path, course: Course) -> tuple[Dashboard, Dashboard]:
    return (Dashboard(Grading(class_dir, course, grader="prof")),
            Dashboard(Grading(class_dir, course, grader="ta1")))


def test_another_graders_open_answer_is_marked_and_passed_by(team: tuple[Dashboard, Dashboard]) -> None:
    prof, ta = team
    first = prof.current.student
    assert ta.current.student != first  # ta1's first ungraded answer is not the one prof has open
    label = dict((s, lbl) for lbl, s in ta.queue.options)[first]
    assert "taken by prof (just now)" in label
    assert "open by other graders" in ta.team_status.value
    ta.queue.value = first  # opening it anyway warns, and leaves it prof's
    assert "prof opened this answer" in ta.status.value and "role='alert'" in ta.status.value
    prof.toggles["kp-phase-one"].value = True
    assert prof.save()  # saved: the answer is free again
    ta.refresh_button.click()
    assert "taken by" not in dict((s, lbl) for lbl, s in ta.queue.options)[first]


def test_save_and_next_skips_what_others_have_open(team: tuple[Dashboard, Dashboard]) -> None:
    prof, ta = team
    ta.refresh()
    prof_has = prof.current.student
    ta.toggles["kp-phase-one"].value = True
    assert ta.save_and_next()
    assert ta.current.student != prof_has


def test_a_share_limits_the_queue_and_everyone_sees_the_split(team: tuple[Dashboard, Dashboard]) -> None:
    prof, ta = team
    ta.share_questions.value = "1-2"
    ta.share_students.value = "A-C"  # last names Bauer, Costa of students 1 and 2
    ta.share_button.click()
    assert {e.student for e in ta.entries} == {student_id(1), student_id(2)}
    assert "answers in your share to q1" in ta.progress_text.value
    ta.question.value = "q3"
    assert ta.entries == [] and "No answer to q3 is in your share" in ta.answer.value
    ta.only_mine.value = False
    assert len(ta.entries) == 4
    prof.share_questions.value = "q2, q3"
    prof.share_button.click()
    assert "ta1" in prof.team_status.value and "q1, q2 · students A-C" in prof.team_status.value
    assert "The shares of prof and ta1 overlap" in prof.team_status.value
    ta.share_students.value = "Abebe"
    assert not ta.take_share() and "Share not taken" in ta.team_status.value
    again = Dashboard(Grading(ta.grading.ctx.root, ta.grading.course, grader="ta1"))
    assert (again.share_questions.value, again.share_students.value) == ("q1, q2", "A-C")
