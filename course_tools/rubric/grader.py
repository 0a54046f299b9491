"""The grading service the dashboard, the CLI and scripts share: rubric, queue, save, edit.

Every change goes to rubric.db AND nbgrader's gradebook in the same call; scores are always
derived from (current rubric, applied items, adjustment), so `sync` can rebuild the gradebook's
manual grades from rubric.db at any time.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from course_tools import CourseToolsError
from course_tools.content.loader import Course, load_course
from course_tools.content.models import Assignment, CalibrationAnswer, Question
from course_tools.generate.assignments import gradable_assignments
from course_tools.grading.backup import backup_course
from course_tools.grading.databases import rubric_location
from course_tools.rubric import scoring
from course_tools.rubric.answers import read_answer
from course_tools.rubric.blind import labels_for
from course_tools.rubric.course import CourseContext
from course_tools.rubric.identity import current_grader
from course_tools.rubric.queue import Entry, build_queue, gradebook_rows
from course_tools.rubric.scoring import Item, QuestionRubric, Score
from course_tools.rubric.store import RubricGrade, RubricStore, now
from course_tools.rubric.sync import Write, gradebook_comment, write_gradebook


class Grading:
    """Rubric grading of one course directory."""

    def __init__(self, root: Path | str | None = None, course: Course | None = None, grader: str | None = None):
        self.ctx = CourseContext.open(root)
        self.course = course or load_course()
        self._grader = grader
        self.store = RubricStore(rubric_location(self.ctx.root, self.ctx.db_url))  # the config is read once
        self._seeded: set[str] = set()
        self.specs = gradable_assignments(self.course)

    @property
    def grader(self) -> str:
        """Who grades: the name given, else asked at each use (course_tools.rubric.identity), because in
        the hub's shared grading service one kernel may serve several graders."""
        return current_grader(self._grader)

    # --- rubric ----------------------------------------------------------------------------------
    def assignments(self) -> list[str]:
        """Assignments that have a rubric: Review #6, then the exit tickets in lesson order."""
        return [a.id for a in self.specs.values() if any(q.instructor.rubric for q in a.questions)]

    def assignment(self, assignment: str) -> Assignment:
        if assignment not in self.specs:
            raise CourseToolsError(f"assignment '{assignment}': not in content "
                                   f"(known: {', '.join(self.specs) or 'none'})")
        return self.specs[assignment]

    def rubrics(self, assignment: str) -> dict[str, QuestionRubric]:
        if assignment not in self._seeded:
            spec = self.assignment(assignment)
            changed = self.store.seed(scoring.from_content(assignment, q) for q in spec.questions)
            self._seeded.add(assignment)
            for _assignment, question, item_id in changed:  # content changed points of items in use
                self.store.note_rescored(assignment, question, item_id, self.rescore(assignment, question, item_id))
        return self.store.rubrics(assignment)

    def rubric(self, assignment: str, question: str) -> QuestionRubric:
        rubrics = self.rubrics(assignment)
        if question not in rubrics:
            raise CourseToolsError(f"{assignment}: no question '{question}' (known: {', '.join(rubrics)})")
        return rubrics[question]

    def question(self, assignment: str, question: str) -> Question:
        for q in self.assignment(assignment).questions:
            if q.id == question:
                return q
        raise CourseToolsError(f"{assignment}: no question '{question}'")

    def key_points(self, assignment: str, question: str) -> dict[str, tuple[str, list[str]]]:
        """key point id -> (text, terms), for highlighting."""
        return {k.id: (k.text, list(k.terms)) for k in self.question(assignment, question).instructor.key_points}

    def calibration(self, assignment: str, question: str) -> list[CalibrationAnswer]:
        """The weak, adequate and strong sample answers graders read before grading (from content)."""
        return list(self.question(assignment, question).instructor.calibration)

    # --- queue -----------------------------------------------------------------------------------
    def queue(self, assignment: str, question: str) -> list[Entry]:
        self.rubric(assignment, question)
        rows = gradebook_rows(self.ctx.db_url, assignment, question)
        labels = labels_for(self.store, self.ctx.root, assignment, (r["student"] for r in rows))
        return build_queue(rows, labels, self.store.grades(assignment, question), question)

    def answer(self, assignment: str, entry: Entry, question: str) -> str | None:
        return read_answer(self.ctx.answer_notebook(assignment, entry.student, entry.notebook), question)

    # --- grading ---------------------------------------------------------------------------------
    def _write(self, rubric: QuestionRubric, grades: list[RubricGrade], check: bool = False) -> list[RubricGrade]:
        """Score each grade on the current rubric; write the gradebook and rubric.db under rubric.db's
        lock, so graders in other processes wait and a stale save (`check`) writes nothing."""
        scored, writes = [], []
        for grade in grades:
            score = scoring.compute(rubric, grade.applied, grade.adjustment)
            scored.append(replace(grade, score=score.total))
            writes.append(Write(grade.student, rubric.question, score, gradebook_comment(rubric, grade, score)))
        self.store.put(scored, check=check, write_through=lambda: write_gradebook(
            self.ctx.db_url, rubric.assignment, writes, self.ctx.config))
        return scored

    def save(self, assignment: str, question: str, student: str, applied: list[str] | tuple[str, ...],
             adjustment: float = 0.0, comment: str = "", expected_version: int | None = None,
             grader: str | None = None) -> Score:
        """Grade one answer; return its score (as written to nbgrader). With `expected_version` (the
        version of the grade the grader loaded, 0 if none) a grade saved meanwhile by someone else
        raises StaleGrade instead of being overwritten. `grader` records someone other than this
        session's grader (a moderation resolution that takes the second grader's grade)."""
        rubric = self.rubric(assignment, question)
        score = scoring.compute(rubric, applied, adjustment)  # an unknown item raises before anything is written
        grade = RubricGrade(assignment, student, question, tuple(i.id for i in scoring.ordered(rubric, applied)),
                            float(adjustment), comment, grader or self.grader, now(), version=expected_version or 0)
        self._write(rubric, [grade], check=expected_version is not None)
        return score

    def clear(self, assignment: str, question: str, student: str) -> None:
        """Remove a rubric grade; the answer needs grading again in nbgrader too."""
        self.rubric(assignment, question)
        write_gradebook(self.ctx.db_url, assignment, [Write(student, question, None, None)],
                        self.ctx.config)
        self.store.delete(assignment, student, question)

    def edit_item(self, assignment: str, question: str, item_id: str, *, points: float | None = None,
                  description: str | None = None) -> int:
        """Change a rubric item and re-score every answer that received it; return how many."""
        rubric = self.rubric(assignment, question)
        if item_id not in rubric.ids:
            raise CourseToolsError(f"{assignment}/{question}: no rubric item '{item_id}' "
                                   f"(known: {', '.join(rubric.ids)})")
        _check_points(rubric, points)
        backup_course(self.ctx.root, "rubric-edit")
        change = self.store.update_item(assignment, question, item_id, self.grader, points=points,
                                        description=description)
        if not change:
            return 0
        rescored = self.rescore(assignment, question, item_id)
        self.store.note_rescored(assignment, question, item_id, rescored)
        return rescored

    def add_item(self, assignment: str, question: str, item_id: str, description: str, points: float) -> None:
        rubric = self.rubric(assignment, question)
        if item_id in rubric.ids:
            raise CourseToolsError(f"{assignment}/{question}: rubric item '{item_id}' exists (use `rubric edit`)")
        _check_points(rubric, float(points))
        key_point = item_id[3:] if item_id.startswith("kp-") else None
        self.store.add_item(assignment, question, Item(item_id, description.strip(), float(points), key_point),
                            self.grader)

    def rescore(self, assignment: str, question: str, item_id: str | None = None) -> int:
        """Re-score the answers that received `item_id` (all graded answers if None)."""
        rubric = self.rubric(assignment, question)
        grades = [g for g in self.store.grades(assignment, question).values()
                  if item_id is None or item_id in g.applied]
        return len(self._write(rubric, grades))

    def sync(self, assignment: str) -> int:
        """Rewrite nbgrader's manual grades from rubric.db for every question (repairs any drift)."""
        backup_course(self.ctx.root, "rubric-sync")
        return sum(self.rescore(assignment, question) for question in self.rubrics(assignment))



def _check_points(rubric: QuestionRubric, points: float | None) -> None:
    """The same bound as `course-tools check`: no item outweighs the whole question."""
    if points is not None and (points != points or abs(points) > rubric.max_points):
        raise CourseToolsError(f"{rubric.assignment}/{rubric.question}: {points:g} points is outside "
                               f"±{rubric.max_points:g} (the question's points)")
