"""The student edition of `content/`: what a student's server may read, and the clear error for the rest.

A student edition (`course-tools edition --student DIR`) keeps the lessons without their instructor
notes, the activities, the data tables and the module text; it leaves out every assignment file
(Review #6's key points, model answers, rubric and calibration answers; the exit tickets' rubric and
model answers). Its `content/edition.yaml` says so, and the loader then hands out placeholders that
raise `InstructorMaterialError` when code reaches for the missing material, so a student kernel gets
one line saying why, never a traceback into pydantic or a silently empty mapping.

Model answers an instructor has released (`--release exit_policy_forum`, after the class has answered)
are in `content/released/<assignment id>.yaml`: the model answer and key points of each question, never
the rubric or the calibration answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NoReturn

import yaml
from pydantic import Field

from course_tools import CourseToolsError
from course_tools.content.models import Lesson
from course_tools.schema import Id, Strict, Text

MARKER = "edition.yaml"
RELEASED_DIR = "released"
STUDENT = "student"
# Field names that hold instructor material in content/ (models.py keeps it under these names).
INSTRUCTOR_FIELDS = ("instructor", "instructor_note")


class InstructorMaterialError(CourseToolsError):
    """Instructor material asked for in a student edition. One line in a kernel too: IPython shows what
    `_render_traceback_` returns instead of a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def withheld_message(what: str) -> str:
    return f"{what} instructor material: not in the student edition"


def edition_of(root: Path) -> str:
    """'student' for a student edition (its marker file says so), else 'full' (the author's content/)."""
    path = root / MARKER
    if not path.is_file():
        return "full"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CourseToolsError(f"{path}: (file): unreadable edition marker ({exc})") from None
    if not isinstance(data, dict) or data.get("edition") != STUDENT:
        raise CourseToolsError(f"{path}: edition: expected 'student'")
    return STUDENT


def marker_text() -> str:
    return ("# Written by `course-tools edition --student`: this content folder is the student edition.\n"
            f"edition: {STUDENT}\n"
            "withheld: [assignments, exit tickets, instructor notes]\n")


class WithheldAssignments(Mapping[str, object]):
    """`Course.assignments` of a student edition: every way in names what is withheld."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _refuse(self, what: str) -> NoReturn:
        raise InstructorMaterialError(withheld_message(what))

    def __getitem__(self, key: str) -> NoReturn:
        self._refuse(f"{key}'s questions, model answers, key points and rubric are")

    def __iter__(self) -> Iterator[str]:
        self._refuse("the assignments (model answers, key points, rubric, calibration answers) are")

    def __len__(self) -> int:
        self._refuse("the assignments (model answers, key points, rubric, calibration answers) are")

    def __contains__(self, key: object) -> bool:
        self._refuse(f"{key}'s questions, model answers, key points and rubric are")

    def __repr__(self) -> str:
        return "<assignments withheld from the student edition>"


class WithheldExitTickets:
    """`Course.exit_tickets` of a student edition (not None: code that asks for them must hear why)."""

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):
            raise AttributeError(name)
        raise InstructorMaterialError(withheld_message(f"the exit tickets' {name} (model answers, key points, "
                                                       "rubric) are"))

    def __bool__(self) -> bool:
        raise InstructorMaterialError(withheld_message("the exit tickets' model answers and rubric are"))

    def __repr__(self) -> str:
        return "<exit tickets withheld from the student edition>"


class StudentLesson(Lesson):
    """A lesson as the student edition holds it: no instructor note (asking for it says why)."""

    instructor_note: None = None

    def __getattribute__(self, name: str) -> object:
        if name == "instructor_note":
            lesson = object.__getattribute__(self, "__dict__").get("id", "?")
            raise InstructorMaterialError(withheld_message(f"lesson '{lesson}''s instructor note is"))
        return super().__getattribute__(name)


def strip_instructor(data: object) -> object:
    """A YAML document without any field named `instructor` or `instructor_note`, at any depth."""
    if isinstance(data, dict):
        return {k: strip_instructor(v) for k, v in data.items() if k not in INSTRUCTOR_FIELDS}
    if isinstance(data, list):
        return [strip_instructor(v) for v in data]
    return data


class ReleasedAnswer(Strict):
    question: Id
    prompt: Text
    model_answer: Text
    key_points: list[Text] = Field(default_factory=list)


class ReleasedAssignment(Strict):
    """content/released/<id>.yaml of a student edition: answers the instructor has released."""

    assignment: Id
    answers: list[ReleasedAnswer] = Field(min_length=1)
