"""How a class answered: pandas frames over nbgrader's gradebook and rubric.db.

The student x question table is `course_tools.grading.export.grade_table` (the same numbers
`course-tools export` writes); this module adds per-question statistics, score distributions,
how often each rubric item was given (which key points the class missed) and late submissions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from course_tools.grading.export import grade_table
from course_tools.rubric.grader import Grading
from course_tools.rubric.queue import gradebook_rows
from course_tools.rubric.scoring import QuestionRubric
from course_tools.rubric.store import RubricGrade


@dataclass
class ClassAnalytics:
    assignment: str
    scores: pd.DataFrame  # one row per student: identity, status, one column per question, totals
    graded: pd.DataFrame  # student x question: True where the answer has a grade (not "needs grading")
    questions: pd.DataFrame  # one row per question over graded answers: mean, median, sd, min, max
    items: pd.DataFrame  # one row per rubric item: how many graded answers received it
    late: pd.DataFrame  # the late submissions
    question_ids: list[str]


def graded_mask(grading: Grading, assignment: str, questions: list[str], students: pd.Series) -> pd.DataFrame:
    """True where an answer is graded (by rubric, formgrader or as "No response."): statistics over
    answers still to grade would count them as zeros."""
    mask = pd.DataFrame(False, index=pd.Index(students, name="student_id"), columns=questions)
    for question in questions:
        for row in gradebook_rows(grading.ctx.db_url, assignment, question):
            if row["student"] in mask.index:
                mask.loc[row["student"], question] = not row["needs_manual_grade"]
    return mask


def graded_scores(data: ClassAnalytics, question: str) -> pd.Series:
    scores = data.scores.set_index("student_id")[question]
    return scores[data.graded[question].reindex(scores.index, fill_value=False)].dropna()


def question_stats(scores: pd.DataFrame, graded: pd.DataFrame, rubrics: dict[str, QuestionRubric]) -> pd.DataFrame:
    rows = []
    by_student = scores.set_index("student_id")
    submitted = by_student.status != "not submitted"
    for question, rubric in rubrics.items():
        values = by_student.loc[submitted & graded[question].reindex(by_student.index, fill_value=False), question]
        values = values.dropna()
        rows.append({"question": question, "points": rubric.max_points, "graded": len(values),
                     "to_grade": int(submitted.sum()) - len(values),
                     "mean": values.mean(), "median": values.median(), "sd": values.std(),
                     "min": values.min(), "max": values.max(),
                     "mean_percent": 100 * values.mean() / rubric.max_points if len(values) else float("nan")})
    return pd.DataFrame(rows).round(2)


def item_counts(grades: dict[tuple[str, str], RubricGrade], rubrics: dict[str, QuestionRubric]) -> pd.DataFrame:
    """For each item: how many rubric-graded answers received it, and the share; for key-point
    items the complement is the share of the class that missed that key point."""
    rows = []
    for question, rubric in rubrics.items():
        graded = [g for (_s, q), g in grades.items() if q == question]
        for item in rubric.items:
            given = sum(item.id in g.applied for g in graded)
            rows.append({"question": question, "item": item.id, "points": item.points,
                         "key_point": item.key_point or "", "description": item.description,
                         "graded": len(graded), "given": given,
                         "given_percent": round(100 * given / len(graded), 1) if graded else float("nan")})
    return pd.DataFrame(rows)


def distribution(data: ClassAnalytics, question: str) -> pd.Series:
    """How many graded answers got each score on one question."""
    return graded_scores(data, question).value_counts().sort_index()


def class_analytics(grading: Grading, assignment: str) -> ClassAnalytics:
    rubrics = grading.rubrics(assignment)
    order = [q.id for q in grading.assignment(assignment).questions]
    scores = grade_table(grading.ctx.db_url, assignment, order)
    graded = graded_mask(grading, assignment, order, scores.student_id)
    questions = question_stats(scores, graded, rubrics)
    items = item_counts(grading.store.grades(assignment), rubrics)
    levels = {(q.id, i.id): i.level or "" for q in grading.assignment(assignment).questions
              for i in q.instructor.rubric}
    if len(items):  # which level the class misses: recall (accurate) or understanding (explains, applies)
        items.insert(2, "level", [levels.get(key, "") for key in zip(items.question, items.item, strict=True)])
    late = scores[scores.seconds_late > 0][["student_id", "first_name", "last_name", "submitted", "seconds_late",
                                            "raw_score", "late_penalty", "final_score"]]
    return ClassAnalytics(assignment, scores, graded, questions, items, late.reset_index(drop=True), order)
