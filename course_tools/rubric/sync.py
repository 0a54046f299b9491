"""Rubric grades into nbgrader's gradebook: the manual score (and extra credit) of the answer's
grade cell, and a comment listing the applied items, so formgrader, feedback and export agree with
the dashboard. The late penalty of each touched submission is recomputed on its new score with the
course's own late-penalty plugin, as `course-tools feedback` and `export` do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nbgrader.api import (
    Assignment,
    Comment,
    Grade,
    Gradebook,
    SubmittedAssignment,
)
from traitlets.config import Config

from course_tools import CourseToolsError
from course_tools.grading.gradebook import answer_rows
from course_tools.grading.late import penalty_function
from course_tools.rubric.scoring import QuestionRubric, Score, ordered
from course_tools.rubric.store import RubricGrade


@dataclass(frozen=True)
class Write:
    student: str
    question: str
    score: Score | None  # None: clear the manual grade (back to "needs grading")
    comment: str | None


def _points(value: float) -> str:
    return f"{value:+g}"


def gradebook_comment(rubric: QuestionRubric, grade: RubricGrade, score: Score) -> str:
    """Markdown for nbgrader's comment (feedback renders it): score, each applied item with its
    points, the adjustment and the grader's own words."""
    lines = [f"**Rubric: {score.total:g} / {rubric.max_points:g} points**", ""]
    items = ordered(rubric, grade.applied)
    lines += [f"- ({_points(item.points)}) {item.description}" for item in items] or ["- No rubric item applied."]
    if grade.adjustment:
        lines.append(f"- ({_points(grade.adjustment)}) Adjustment")
    if score.raw != score.total:
        lines.append(f"- Score kept within 0 and {rubric.max_points:g}" + (" (plus extra credit)"
                                                                             if rubric.extra_credit else ""))
    if grade.comment.strip():
        lines += ["", grade.comment.strip()]
    return "\n".join(lines)


def write_gradebook(db_url: str, course_id: str, assignment: str, writes: Iterable[Write],
                    config: Config | None = None) -> int:
    """Apply every write in one transaction; return how many answers changed. Grades and comments
    are fetched with one query each, however many writes there are."""
    writes = list(writes)
    if not writes:
        return 0
    students = {w.student for w in writes}
    questions = {w.question for w in writes}
    with Gradebook(db_url, course_id) as gb:
        db = gb.db
        grades = {(s, c): row for (s, _, c), row in answer_rows(db, Grade, assignment, students, questions).items()}
        comments = {(s, c): row for (s, _, c), row in answer_rows(db, Comment, assignment, students, questions).items()}
        for w in writes:
            grade = grades.get((w.student, w.question))
            if grade is None:
                raise CourseToolsError(f"{assignment}/{w.question}: no gradebook entry for '{w.student}' "
                                       f"(run `course-tools autograde {assignment}` first)")
            if w.score is None:  # as formgrader does when a manual score is cleared
                grade.manual_score, grade.extra_credit = None, None
            else:
                grade.manual_score = w.score.manual
                grade.extra_credit = w.score.extra or None
            grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
            if (w.student, w.question) in comments:
                comments[(w.student, w.question)].manual_comment = w.comment
        db.commit()
        if config is not None:
            _late_penalties(gb, config, assignment, students)
    return len(writes)


def _late_penalties(gb: Gradebook, config: Config, assignment: str, students: set[str]) -> None:
    """nbgrader computes a penalty from the score at autograde time; compute it again on the new score."""
    penalty = penalty_function(config, assignment)
    for submission in gb.db.query(SubmittedAssignment).join(Assignment).filter(
            Assignment.name == assignment, SubmittedAssignment.student_id.in_(students)):
        for notebook in submission.notebooks:
            notebook.late_submission_penalty = penalty(submission.student_id, notebook.score,
                                                       submission.total_seconds_late)
    gb.db.commit()
