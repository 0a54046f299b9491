"""nbgrader source notebooks for every assignment: Review #6 (and any other content assignment)
plus one exit ticket per lesson, derived from its discussion prompt and graded with the rubric of
`content/assignments/exit_tickets.yaml`.

The source notebooks hold model answers and key points inside nbgrader's solution region, so
they are written under `notebooks/instructor/source/`, never beside the lessons students browse;
`course-tools init`/`assign` copy them into the course directory's `source/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode

from course_tools.content.loader import Course
from course_tools.content.models import Assignment, LatePolicy, Lesson, Question, QuestionInstructor
from course_tools.generate.writer import md, new_notebook, write_notebook

SOURCE_DIR = Path("instructor") / "source"
EXIT_TICKET_POINTS = 2.0
ANSWER_STUB = "YOUR ANSWER HERE"


@dataclass(frozen=True)
class SourceQuestion:
    id: str
    prompt: str
    points: float
    solution: str = ""  # instructor-only text, kept inside the solution region


@dataclass(frozen=True)
class AssignmentSource:
    """What an nbgrader assignment needs, whether written in content or derived from a lesson."""

    id: str
    title: str
    instructions: str
    questions: tuple[SourceQuestion, ...]
    due: str | None = None
    late_policy: LatePolicy = field(default_factory=LatePolicy)

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions)


def from_content(assignment: Assignment) -> AssignmentSource:
    questions = []
    for q in assignment.questions:
        key_points = "\n".join(f"- {k.text}" for k in q.instructor.key_points)
        solution = f"**Model answer.** {q.instructor.model_answer}\n\n**Key points**\n\n{key_points}"
        questions.append(SourceQuestion(q.id, q.prompt, q.points, solution))
    return AssignmentSource(assignment.id, assignment.title, assignment.instructions, tuple(questions),
                            assignment.due, assignment.late_policy)


EXIT_INSTRUCTIONS = ("Answer in three to five sentences before you leave. There is no single right answer: "
                     "give your reasons and use an idea from the lesson.")


def exit_ticket(lesson: Lesson) -> AssignmentSource:
    """A one-question exit ticket without a rubric: the lesson's discussion prompt, graded by hand."""
    return AssignmentSource(
        id=f"exit_{lesson.id}", title=f"Exit ticket: {lesson.title}", instructions=EXIT_INSTRUCTIONS,
        questions=(SourceQuestion("discussion", lesson.discussion_prompt, EXIT_TICKET_POINTS),),
    )


def exit_ticket_assignments(course: Course) -> dict[str, Assignment]:
    """The exit tickets that have a rubric, as assignments the grading dashboard grades like Review #6."""
    tickets = course.exit_tickets
    if tickets is None:
        return {}
    by_lesson = {t.lesson: t for t in tickets.lessons}
    found = {}
    for lesson in course.ordered_lessons():
        ticket = by_lesson.get(lesson.id)
        if ticket is None:
            continue
        question = Question(id="discussion", seed=f"lesson.{lesson.id}", prompt=lesson.discussion_prompt,
                            points=tickets.points, instructor=QuestionInstructor(
                                key_points=ticket.key_points, model_answer=ticket.model_answer,
                                rubric=tickets.rubric, calibration=ticket.calibration))
        found[f"exit_{lesson.id}"] = Assignment(id=f"exit_{lesson.id}", title=f"Exit ticket: {lesson.title}",
                                                instructions=tickets.instructions, questions=[question])
    return found


def gradable_assignments(course: Course) -> dict[str, Assignment]:
    """Content assignments, then exit tickets in lesson order: everything with questions and a rubric."""
    return {**course.assignments, **exit_ticket_assignments(course)}


def course_assignments(course: Course) -> dict[str, AssignmentSource]:
    """Every assignment of the course, content ones first, then exit tickets in lesson order."""
    found = {a.id: from_content(a) for a in gradable_assignments(course).values()}
    for lesson in course.ordered_lessons():
        ticket = exit_ticket(lesson)
        found.setdefault(ticket.id, ticket)
    return found


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    """Cell metadata exactly as nbgrader's create_assignment extension writes it."""
    meta: dict = {"grade": grade, "grade_id": grade_id, "locked": locked}
    if points is not None:
        meta["points"] = int(points) if float(points).is_integer() else points
    meta.update({"schema_version": 3, "solution": solution, "task": False})
    return {"nbgrader": meta}


def _points(value: float) -> str:
    return f"{value:g} point{'' if value == 1 else 's'}"


def late_policy_text(policy: LatePolicy) -> str:
    if policy.kind == "zero":
        return "Work submitted after the due date scores zero."
    if policy.kind == "percent_per_day":
        return (f"Late work loses {policy.percent_per_day:g}% of its score per day or part of a day late, "
                f"at most {policy.cap_percent:g}%.")
    return "Late work is accepted without penalty."


def source_notebook(source: AssignmentSource) -> NotebookNode:
    due = f"**Due:** {source.due.replace('T', ' ')} UTC. {late_policy_text(source.late_policy)}\n\n" \
        if source.due else ""
    header = md(f"# {source.title}\n\n{source.instructions}\n\n{due}"
                f"**Total: {_points(source.total_points)}** in {len(source.questions)} "
                f"question{'s' if len(source.questions) != 1 else ''}. Write each answer in the cell under its "
                "question (double-click it, replace the text, then press Shift+Enter). "
                "Use **Validate** and then **Submit** in the Assignments panel.")
    header.metadata = _meta("header", grade=False, solution=False, locked=True)
    cells = [header]
    for number, question in enumerate(source.questions, start=1):
        prompt = md(f"## Question {number} ({_points(question.points)})\n\n{question.prompt}")
        prompt.metadata = _meta(f"{question.id}-prompt", grade=False, solution=False, locked=True)
        body = f"### BEGIN SOLUTION\n{question.solution}\n### END SOLUTION" if question.solution else ANSWER_STUB
        answer = md(body)
        answer.metadata = _meta(question.id, grade=True, solution=True, locked=False, points=question.points)
        cells += [prompt, answer]
    return new_notebook(cells, source.id, title=source.title)


def source_path(out: Path, assignment_id: str) -> Path:
    return out / SOURCE_DIR / assignment_id / f"{assignment_id}.ipynb"


def build_assignments(course: Course, out: Path) -> list[tuple[Path, bool]]:
    written = []
    for source in course_assignments(course).values():
        path = source_path(out, source.id)
        written.append((path, write_notebook(source_notebook(source), path)))
    return written
