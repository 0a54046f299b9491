"""Build a real nbgrader class for the rubric tests and the benchmark: `course-tools init` and
`assign` (nbgrader generate_assignment), students in the gradebook, their notebooks in
`submitted/` exactly as `nbgrader collect` leaves them, then autograde (nbgrader's preprocessors)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from course_tools.content.loader import Course
from course_tools.grading.coursedir import init_course
from course_tools.grading.lifecycle import assign, autograde
from course_tools.rubric.course import CourseContext

ASSIGNMENT = "review6"
FIRST = ["Ana", "Bo", "Chidi", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jun", "Kofi", "Lena"]
LAST = ["Abebe", "Bauer", "Costa", "Diallo", "Eriksen", "Fofana", "Garcia", "Haddad", "Ito", "Jovanovic"]
XSS = ('<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> '
       '<b>bold?</b> The first phase would publicize the Report.')


def student_id(number: int) -> str:
    return f"s{number:04d}"


def sample_answer(course: Course, question_id: str, rng: random.Random) -> str:
    """An answer built from some of the question's key points, so highlighting has something to find."""
    question = next(q for q in course.assignments[ASSIGNMENT].questions if q.id == question_id)
    points = [k.text for k in question.instructor.key_points]
    chosen = rng.sample(points, rng.randint(1, len(points)))
    return " ".join(chosen)


def submit(root: Path, course: Course, student: str, answers: dict[str, str], when: datetime,
           assignment: str = ASSIGNMENT) -> None:
    """Write a submission the way `nbgrader collect` stores it (notebook plus timestamp.txt)."""
    released = root / "release" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")


def build_class(root: Path, course: Course, students: int, seed: int = 6, due: datetime | None = None,
                late_every: int = 0, special: dict[int, dict[str, str | None]] | None = None,
                db: str | None = None) -> list[str]:
    """A course directory with `students` autograded submissions of Review #6; returns the ids.
    `special` replaces answers of chosen students (1-based; None leaves the cell as released);
    every `late_every`-th student submits 20 hours late. `db`: the gradebook's database (default SQLite)."""
    rng = random.Random(seed)
    init_course(course, root, db=db)
    assign(course, root, ASSIGNMENT)
    ctx = CourseContext(root.resolve())
    due = due or datetime(2026, 12, 15, 17, 0)
    ids = [student_id(n) for n in range(1, students + 1)]
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=due)
        for n, sid in enumerate(ids, start=1):
            gb.update_or_create_student(sid, first_name=FIRST[n % len(FIRST)], last_name=LAST[n % len(LAST)],
                                        email=f"{sid}@example.org")
    questions = [q.id for q in course.assignments[ASSIGNMENT].questions]
    for n, sid in enumerate(ids, start=1):
        answers = {q: sample_answer(course, q, rng) for q in questions}
        for question, text in (special or {}).get(n, {}).items():
            if text is None:  # left as released: nbgrader records "No response."
                answers.pop(question)
            else:
                answers[question] = text
        late = late_every and n % late_every == 0
        submit(root, course, sid, answers, due + (timedelta(hours=20) if late else -timedelta(hours=n % 48 + 1)))
    autograde(root, ASSIGNMENT)
    return ids
