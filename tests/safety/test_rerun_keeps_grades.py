"""Grades are never lost: every lifecycle step run twice leaves manual and rubric grades as they
were; a resubmission after grading is named and its earlier grades and answers stay recoverable;
each step that can overwrite grades leaves a backup, pruned to the last N, that restores."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from course_tools.content.loader import Course
from course_tools.grading.backup import list_backups, restore_backup
from course_tools.grading.coursedir import init_course
from course_tools.grading.feedback import feedback
from course_tools.grading.lifecycle import autograde, collect_batch
from course_tools.rubric.grader import Grading
from course_tools.rubric.store import RubricStore
from tests.support.submissions import START, _dump, answered, drop

GRADES = """SELECT sa.student_id, c.name, g.auto_score, g.manual_score, g.extra_credit, m.manual_comment
            FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id
            JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN base_cell c ON c.id = g.cell_id
            LEFT JOIN comment m ON m.notebook_id = g.notebook_id AND m.cell_id = g.cell_id ORDER BY 1, 2"""


def grades(root: Path) -> list[tuple]:
    engine = create_engine(f"sqlite:///{root / 'gradebook.db'}")
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(text(GRADES))]
    engine.dispose()
    return rows


def rubric_rows(root: Path) -> dict:
    store = RubricStore.for_course(root)
    try:
        return {k: (g.applied, g.score, g.comment) for k, g in store.grades("review6").items()}
    finally:
        store.close()


@pytest.fixture
def graded(released: Path, course: Course, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MOBILIZING_BACKUP_KEEP", "4")
    for n, student in enumerate(("alice", "bob", "carol")):
        drop(released, student, {"review6.ipynb": _dump(answered(released))}, START + timedelta(minutes=n))
    collect_batch(released, "review6")
    autograde(released, "review6", workers=1)
    Grading(released, course, grader="tester").save("review6", "phases", "alice", ["names-both"], 0, "Good.")
    engine = create_engine(f"sqlite:///{released / 'gradebook.db'}")
    with engine.begin() as conn:  # what formgrader writes for a hand grade
        conn.execute(text("""UPDATE grade SET manual_score = 5 WHERE id IN (SELECT g.id FROM grade g
            JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa
            ON sa.id = sn.assignment_id JOIN base_cell c ON c.id = g.cell_id
            WHERE sa.student_id = 'bob' AND c.name = 'national')"""))
    engine.dispose()
    return released


def test_every_step_twice_changes_no_grade(graded: Path, course: Course) -> None:
    before, rubric = grades(graded), rubric_rows(graded)
    assert before[0][:5] == ("alice", "phases", 0.0, 4.0, None) or any(r[3] == 4.0 for r in before)
    for _ in range(2):
        collect_batch(graded, "review6")
        autograde(graded, "review6", workers=1)
        feedback(graded, "review6")
        init_course(course, graded)
        init_course(course, graded, force=True)
        assert grades(graded) == before
        assert rubric_rows(graded) == rubric
    assert len(list_backups(graded)) == 4  # pruned to MOBILIZING_BACKUP_KEEP
    autograde(graded, "review6", force=True, workers=1)  # --force re-records, manual grades stay
    assert [r[3] for r in grades(graded)] == [r[3] for r in before]


def test_resubmission_after_grading_is_named_and_recoverable(graded: Path) -> None:
    before = grades(graded)
    drop(graded, "alice", {"review6.ipynb": _dump(answered(graded, {"phases": "A new answer.", "national": "x"}))},
         START + timedelta(days=1))
    report = collect_batch(graded, "review6")
    note = next(line for line in report.lines() if line.startswith("collect: alice: resubmitted after grading"))
    kept = Path(note.split("the earlier submission is kept in ")[1])
    assert "First the Report" in (kept / "review6.ipynb").read_text()
    autograde(graded, "review6", workers=1)
    after = {r[:2]: r for r in grades(graded)}
    assert after[("alice", "phases")][3] == 4.0  # the earlier grade is still there, flagged to grade again

    engine = create_engine(f"sqlite:///{graded / 'gradebook.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE grade SET manual_score = NULL"))
    engine.dispose()
    backup = next(b for b in list_backups(graded) if b.name.endswith("-collect") and b.path == kept.parents[2])
    restore_backup(graded, backup.name)
    assert grades(graded) == before
