"""Load `content/` into typed objects, collecting every problem as one line naming file and field."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from course_tools import ContentError
from course_tools.activities.fairness import give_aways
from course_tools.activities.specs import ACTIVITY_TYPES
from course_tools.content.edition import (
    RELEASED_DIR,
    STUDENT,
    ReleasedAssignment,
    StudentLesson,
    WithheldAssignments,
    WithheldExitTickets,
    edition_of,
)
from course_tools.content.location import find_content_dir
from course_tools.content.models import ActivityFile, Assignment, ExitTickets, Lesson, Module
from course_tools.seed import SeedBullet, load_seed

SEED_FILE = Path("source/module6.txt")
EXIT_TICKETS = "exit_tickets.yaml"  # in assignments/: the exit tickets' rubric, not an assignment
M = TypeVar("M", bound=BaseModel)


@dataclass
class Course:
    """Everything in `content/`, validated."""

    root: Path
    module: Module
    lessons: dict[str, Lesson]
    activities: dict[str, ActivityFile]
    assignments: dict[str, Assignment]
    tables: dict[str, Path]
    seed: dict[str, SeedBullet]
    exit_tickets: ExitTickets | WithheldExitTickets | None = None
    edition: str = "full"  # "student": a student edition (course_tools.content.edition), no instructor material
    released: dict[str, ReleasedAssignment] = field(default_factory=dict)  # a student edition's released answers

    def ordered_lessons(self) -> list[Lesson]:
        return [self.lessons[lesson_id] for lesson_id in self.module.lessons]


@dataclass
class _Checker:
    root: Path
    problems: list[str] = field(default_factory=list)

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def report(self, path: Path, where: str, message: str) -> None:
        self.problems.append(f"{self.name(path)}: {where}: {message}")

    def read_yaml(self, path: Path) -> tuple[bool, object]:
        """(True, data) or (False, None) after reporting why the file could not be read."""
        try:
            return True, yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.report(path, "(file)", "missing")
        except UnicodeDecodeError as exc:
            self.report(path, "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "(file)"
            problem = getattr(exc, "problem", None) or str(exc)
            self.report(path, where, f"invalid YAML: {problem}")
        return False, None

    def parse(self, path: Path, model: type[M]) -> M | None:
        ok, data = self.read_yaml(path)
        if not ok:
            return None
        if not isinstance(data, dict):
            self.report(path, "(file)", f"expected a mapping of fields, got {type(data).__name__}")
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.report(path, _loc(error["loc"]), _message(error))
            return None

    def unique(self, path: Path, where: str, values: Iterable[str]) -> None:
        for value, count in Counter(values).items():
            if count > 1:
                self.report(path, where, f"duplicate id '{value}' ({count} times)")

    def seed_ref(self, path: Path, where: str, ref: str, seed: dict[str, SeedBullet]) -> None:
        if ref not in seed:
            self.report(path, where, f"'{ref}' is not a bullet of the module ({SEED_FILE})")


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ACTIVITY_TYPES:
            continue  # discriminator tags add nothing for an author
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


def _message(error: dict) -> str:
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field (check its spelling)"
    return error["msg"]


def load_course(root: Path | None = None) -> Course:
    """Load and validate `content/`; raise ContentError listing every problem."""
    root = Path(root) if root else find_content_dir()
    edition = edition_of(root)
    student = edition == STUDENT
    check = _Checker(root)
    seed_path = root / SEED_FILE
    if not seed_path.is_file():
        raise ContentError([f"{check.name(seed_path)}: (file): missing (the module text)"])
    module_path = root / "module.yaml"
    module = check.parse(module_path, Module)
    seed = load_seed(seed_path, module.seed_headings if module else ())
    lessons: dict[str, Lesson] = {}
    lesson_dir = root / "lessons"
    if module:
        check.unique(module_path, "objectives", (o.id for o in module.objectives))
        check.unique(module_path, "lessons", module.lessons)
        check.unique(module_path, "glossary", (g.term.lower() for g in module.glossary))
        objective_ids = {o.id for o in module.objectives}
        seed_sections = list(dict.fromkeys(b.section for b in seed.values()))
        for section in seed_sections:
            if section not in module.sections:
                check.report(module_path, "sections", f"no title for the seed's section '{section}'")
        for section in module.sections:
            if section not in seed_sections:
                check.report(module_path, f"sections.{section}", "not a section of the seed")
        for i, lesson_id in enumerate(module.lessons):
            path = lesson_dir / f"{lesson_id}.yaml"
            if not path.is_file():
                check.report(module_path, f"lessons[{i}]", f"unknown lesson '{lesson_id}' (no {check.name(path)})")
                continue
            lesson = check.parse(path, StudentLesson if student else Lesson)
            if lesson is None:
                continue
            if lesson.id != lesson_id:
                check.report(path, "id", f"'{lesson.id}' does not match the file name '{lesson_id}'")
            lessons[lesson_id] = lesson
            _check_lesson(check, path, lesson, objective_ids, seed, root)
        for path in sorted(lesson_dir.glob("*.yaml")):
            if path.stem not in module.lessons:
                check.report(path, "id", f"lesson '{path.stem}' is not in {check.name(module_path)} lessons")

    activities = _load_activities(check, root, set(module.lessons) if module else set(), seed)
    if student:  # withheld: asking for them raises InstructorMaterialError, one line naming what
        assignments, exit_tickets = WithheldAssignments(root), WithheldExitTickets()
        released = _load_released(check, root)
    else:
        assignments = _load_assignments(check, root, seed)
        exit_tickets = _load_exit_tickets(check, root, module.lessons if module else [], list(lessons), seed)
        released = {}
    tables = {p.stem: p for p in sorted((root / "data").glob("*.csv"))}
    for path in tables.values():
        _check_table(check, path)
    for lesson_id, lesson in lessons.items():
        for i, table in enumerate(lesson.tables):
            if table not in tables:
                check.report(lesson_dir / f"{lesson_id}.yaml", f"tables[{i}]", f"no table content/data/{table}.csv")
    if module and activities:  # a content set with no activities at all (a grading fixture) has nothing to check
        _check_objectives_assessed(check, module_path, module, activities)
    if module and not check.problems:  # a broken file would also show as lost bullets: report it once
        _check_placement(check, root, lessons, activities)
        _check_coverage(check, root, lessons, None if student else assignments, seed)
    if check.problems:
        raise ContentError(check.problems)
    assert module is not None
    return Course(root, module, lessons, activities, assignments, tables, seed, exit_tickets, edition, released)


def _load_released(check: _Checker, root: Path) -> dict[str, ReleasedAssignment]:
    found = {}
    for path in sorted((root / RELEASED_DIR).glob("*.yaml")):
        released = check.parse(path, ReleasedAssignment)
        if released is None:
            continue
        if released.assignment != path.stem:
            check.report(path, "assignment", f"'{released.assignment}' does not match the file name '{path.stem}'")
        found[released.assignment] = released
    return found


def _check_objectives_assessed(check: _Checker, module_path: Path, module: Module,
                               activities: dict[str, ActivityFile]) -> None:
    """Every objective is assessed by at least one activity (its `objectives`), and every
    objective an activity names exists: an objective nobody checks is a promise the course breaks."""
    known = {o.id for o in module.objectives}
    assessed: set[str] = set()
    for lesson_id, spec in activities.items():
        path = module_path.parent / "activities" / f"{lesson_id}.yaml"
        for i, activity in enumerate(spec.activities):
            for j, objective in enumerate(activity.objectives):
                if objective not in known:
                    check.report(path, f"activities[{i}].objectives[{j}]", f"unknown objective '{objective}'")
            assessed.update(activity.objectives)
    for i, objective in enumerate(module.objectives):
        if objective.id not in assessed:
            check.report(module_path, f"objectives[{i}] ({objective.id})",
                         "assessed by no activity: add it to the `objectives` of an activity that tests it")


def _check_placement(check: _Checker, root: Path, lessons: dict[str, Lesson],
                     activities: dict[str, ActivityFile]) -> None:
    """An activity's `after` names a point of its own lesson (or 'introduction'): a typo would
    otherwise move the activity to the end of the lesson without a word."""
    for lesson_id, spec in activities.items():
        lesson = lessons.get(lesson_id)
        if lesson is None:
            continue
        points = {p.id for p in lesson.points} | {"introduction"}
        for i, activity in enumerate(spec.activities):
            if activity.after is not None and activity.after not in points:
                check.report(root / "activities" / f"{lesson_id}.yaml", f"activities[{i}].after",
                             f"'{activity.after}' is not a point of lesson '{lesson_id}' "
                             f"(one of: {', '.join(sorted(points))})")


def _check_lesson(check: _Checker, path: Path, lesson: Lesson, objective_ids: set[str],
                  seed: dict[str, SeedBullet], root: Path) -> None:
    check.unique(path, "points", (p.id for p in lesson.points))
    for i, objective in enumerate(lesson.objectives):
        if objective not in objective_ids:
            check.report(path, f"objectives[{i}]", f"unknown objective '{objective}' (see module.yaml)")
    sections = {b.section for b in seed.values()}
    for i, section in enumerate(lesson.seed_sections):
        if section not in sections:
            check.report(path, f"seed_sections[{i}]", f"'{section}' is not a section of the module")
    for i, point in enumerate(lesson.points):
        check.seed_ref(path, f"points[{i}].seed", point.seed, seed)
    if "\n\n" in lesson.introduction.strip():
        check.report(path, "introduction", "more than one paragraph: the introduction is a one-paragraph hook "
                                           "(the points say the rest)")
    if lesson.points and not 2 <= len(lesson.takeaways) <= 4:
        check.report(path, "takeaways", f"{len(lesson.takeaways)} given: a lesson closes with 2 to 4 key takeaways")


def _load_activities(check: _Checker, root: Path, lesson_ids: set[str],
                     seed: dict[str, SeedBullet]) -> dict[str, ActivityFile]:
    found: dict[str, ActivityFile] = {}
    for path in sorted((root / "activities").glob("*.yaml")):
        spec = check.parse(path, ActivityFile)
        if spec is None:
            continue
        if spec.lesson != path.stem:
            check.report(path, "lesson", f"'{spec.lesson}' does not match the file name '{path.stem}'")
        if lesson_ids and spec.lesson not in lesson_ids:
            check.report(path, "lesson", f"unknown lesson '{spec.lesson}'")
        check.unique(path, "activities", (a.id for a in spec.activities))
        for i, activity in enumerate(spec.activities):
            for j, ref in enumerate(activity.seed):
                check.seed_ref(path, f"activities[{i}].seed[{j}]", ref, seed)
            for j, question in enumerate(getattr(activity, "questions", None) or []):
                if activity.type == "choice":
                    for line in give_aways(question):
                        check.report(path, f"activities[{i}].questions[{j}] ({question.id})", line)
        found[spec.lesson] = spec
    return found


def _load_assignments(check: _Checker, root: Path, seed: dict[str, SeedBullet]) -> dict[str, Assignment]:
    found: dict[str, Assignment] = {}
    for path in sorted((root / "assignments").glob("*.yaml")):
        if path.name == EXIT_TICKETS:
            continue
        assignment = check.parse(path, Assignment)
        if assignment is None:
            continue
        if assignment.id != path.stem:
            check.report(path, "id", f"'{assignment.id}' does not match the file name '{path.stem}'")
        if assignment.due:
            try:
                datetime.fromisoformat(assignment.due)
            except ValueError:
                check.report(path, "due", f"'{assignment.due}' is not an ISO date-time (2026-12-15T17:00:00)")
        check.unique(path, "questions", (q.id for q in assignment.questions))
        for i, question in enumerate(assignment.questions):
            check.seed_ref(path, f"questions[{i}].seed", question.seed, seed)
            where = f"questions[{i}].instructor"
            check.unique(path, f"{where}.key_points", (k.id for k in question.instructor.key_points))
            check.unique(path, f"{where}.rubric", (r.id for r in question.instructor.rubric))
            for j, key_point in enumerate(question.instructor.key_points):
                check.seed_ref(path, f"{where}.key_points[{j}].seed", key_point.seed, seed)
        found[assignment.id] = assignment
    return found


def _load_exit_tickets(check: _Checker, root: Path, lesson_ids: list[str], loaded: list[str],
                       seed: dict[str, SeedBullet]) -> ExitTickets | None:
    """The exit tickets' rubric, if the course has one: it must cover every (loaded) lesson, once."""
    path = root / "assignments" / EXIT_TICKETS
    if not path.is_file():
        return None
    tickets = check.parse(path, ExitTickets)
    if tickets is None:
        return None
    check.unique(path, "rubric", (r.id for r in tickets.rubric))
    check.unique(path, "lessons", (t.lesson for t in tickets.lessons))
    have = {t.lesson for t in tickets.lessons}
    for i, ticket in enumerate(tickets.lessons):
        if lesson_ids and ticket.lesson not in lesson_ids:
            check.report(path, f"lessons[{i}].lesson", f"unknown lesson '{ticket.lesson}'")
        for j, key_point in enumerate(ticket.key_points):
            check.seed_ref(path, f"lessons[{i}].key_points[{j}].seed", key_point.seed, seed)
    for lesson_id in loaded:
        if lesson_id not in have:
            check.report(path, "lessons", f"no exit-ticket entry for lesson '{lesson_id}'")
    return tickets


def _check_table(check: _Checker, path: Path) -> None:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        check.report(path, "(file)", f"unreadable CSV: {exc}")
        return
    if not rows:
        check.report(path, "(file)", "no rows")
        return
    if "source" not in rows[0]:
        check.report(path, "source", "every table needs a source column")
        return
    for i, row in enumerate(rows, start=2):
        if not (row.get("source") or "").strip():
            check.report(path, f"line {i}.source", "empty source")


def _check_coverage(check: _Checker, root: Path, lessons: dict[str, Lesson],
                    assignments: dict[str, Assignment] | None, seed: dict[str, SeedBullet]) -> None:
    """Nothing of the module may be lost: every bullet is taught, every question asked (the questions
    only where the assignments are: a student edition has none)."""
    taught = {p.seed for lesson in lessons.values() for p in lesson.points}
    asked = {q.seed for a in assignments.values() for q in a.questions} if assignments is not None else set()
    for bullet in seed.values():
        if assignments is None and bullet.kind == "question":
            continue
        covered = asked if bullet.kind == "question" else taught
        if bullet.id not in covered:
            where = "assignments" if bullet.kind == "question" else "lessons"
            check.report(root / SEED_FILE, bullet.id, f"not covered by any of content/{where}: '{bullet.text[:60]}...'")
