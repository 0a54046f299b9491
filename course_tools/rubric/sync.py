"""Rubric grades into nbgrader's gradebook: the manual score (and extra credit) of the answer's
grade cell, and a comment listing the applied items, so formgrader, feedback and export agree with
the dashboard. The late penalty of each touched submission is recomputed on its new score with the
course's own late-penalty plugin, as `course-tools feedback` and `export` do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from traitlets.config import Config

from course_tools import CourseToolsError
from course_tools.grading.gradebook import set_manual_grades, write_late_penalties
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


def write_gradebook(db_url: str, assignment: str, writes: Iterable[Write], config: Config | None = None) -> int:
    """Apply every write in one transaction (two queries find the rows, however many writes); then
    recompute the touched submissions' late penalties on their new scores. Returns how many answers changed."""
    writes = list(writes)
    if not writes:
        return 0
    missing = set_manual_grades(
        db_url, assignment,
        {(w.student, w.question): (None, None) if w.score is None else (w.score.manual, w.score.extra or None)
         for w in writes},
        {(w.student, w.question): w.comment for w in writes})
    if missing:
        student, question = sorted(missing)[0]
        raise CourseToolsError(f"{assignment}/{question}: no gradebook entry for '{student}' "
                               f"(run `course-tools autograde {assignment}` first)")
    if config is not None:  # nbgrader computed the penalty from the score at autograde time
        write_late_penalties(db_url, assignment, penalty_function(config, assignment), {w.student for w in writes})
    return len(writes)
