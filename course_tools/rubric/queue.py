"""One question's grading queue, read from nbgrader's gradebook in ONE query (plus one on rubric.db).

nbgrader's formgrader walks submissions object by object (slow with large classes, nbgrader #785,
#929); a single joined SELECT keeps a 500-submission queue interactive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from nbgrader.api import (
    Assignment,
    Comment,
    Grade,
    GradeCell,
    Notebook,
    SolutionCell,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from course_tools.grading.gradebook import engine_for
from course_tools.rubric.store import RubricGrade


@dataclass(frozen=True)
class Entry:
    """One submission's answer to the question, as the queue shows it."""

    student: str
    name: str
    label: str
    notebook: str
    max_score: float
    auto_score: float | None
    manual_score: float | None
    extra_credit: float | None
    needs_manual_grade: bool
    gradebook_comment: str | None
    submitted: datetime | None
    seconds_late: float
    rubric: RubricGrade | None = None
    surname: str = ""  # last name from the roster, else the student id: what "students A-M" is matched on

    @property
    def graded(self) -> bool:
        """Graded here, in formgrader, or automatically (an unchanged answer scores 0 as 'No response.')."""
        return self.rubric is not None or not self.needs_manual_grade

    @property
    def no_response(self) -> bool:
        return self.gradebook_comment == "No response." and self.manual_score is None

    @property
    def score(self) -> float | None:
        base = self.manual_score if self.manual_score is not None else self.auto_score
        return None if base is None else base + (self.extra_credit or 0.0)

    @property
    def late(self) -> bool:
        return self.seconds_late > 0


def _statement(assignment: str, question: str):
    solution = aliased(SolutionCell, flat=True)
    grade_cell = aliased(GradeCell, flat=True)
    return (
        select(Student.id, Student.first_name, Student.last_name, SubmittedAssignment.timestamp,
               SubmittedAssignment.extension, Assignment.duedate, Notebook.name, grade_cell.max_score,
               Grade.auto_score, Grade.manual_score, Grade.extra_credit, Grade.needs_manual_grade,
               Comment.auto_comment, Comment.manual_comment)
        .select_from(Grade)
        .join(grade_cell, Grade.cell_id == grade_cell.id)
        .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
        .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .join(Student, SubmittedAssignment.student_id == Student.id)
        .outerjoin(solution, and_(solution.notebook_id == Notebook.id, solution.name == question))
        .outerjoin(Comment, and_(Comment.notebook_id == SubmittedNotebook.id, Comment.cell_id == solution.id))
        .where(Assignment.name == assignment, grade_cell.name == question)
    )


def _seconds_late(timestamp: datetime | None, due: datetime | None, extension: timedelta | None) -> float:
    if timestamp is None or due is None:
        return 0.0
    return max((timestamp - (due + (extension or timedelta()))).total_seconds(), 0.0)


def gradebook_rows(db_url: str, assignment: str, question: str) -> list[dict]:
    """Every submission's row for one question, in one SELECT."""
    with engine_for(db_url).connect() as conn:
        rows = conn.execute(_statement(assignment, question)).all()
    out = []
    for (student, first, last, timestamp, extension, due, notebook, max_score, auto, manual, extra, needs,
         auto_comment, manual_comment) in rows:
        name = " ".join(part for part in (first, last) if part) or student
        out.append(dict(student=student, name=name, surname=(last or "").strip() or student, notebook=notebook,
                        max_score=float(max_score),
                        auto_score=auto, manual_score=manual, extra_credit=extra, needs_manual_grade=bool(needs),
                        gradebook_comment=manual_comment if manual_comment is not None else auto_comment,
                        submitted=timestamp, seconds_late=_seconds_late(timestamp, due, extension)))
    return out


def build_queue(rows: list[dict], labels: dict[str, str], grades: dict[tuple[str, str], RubricGrade],
                question: str) -> list[Entry]:
    """Entries in label order: the order says nothing about who wrote what (blind by default)."""
    entries = [Entry(label=labels[r["student"]], rubric=grades.get((r["student"], question)), **r) for r in rows]
    return sorted(entries, key=lambda e: (e.label, e.student))
