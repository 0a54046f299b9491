"""The assignment lifecycle as thin calls into nbgrader's Python API (NbGraderAPI).

Each step checks nbgrader's result and turns a failure into one CourseToolsError line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nbgrader.apps import NbGraderAPI

from course_tools import CourseToolsError
from course_tools.build.assignments import course_assignments
from course_tools.content.loader import Course
from course_tools.grading.coursedir import CoursePaths, open_api, register_assignments, sync_source
from course_tools.grading.late import reapply_late_penalties

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _check(step: str, result: dict | None) -> dict:
    if result is None or not result.get("success", False):
        log = (result or {}).get("log", "") + (result or {}).get("error", "")
        lines = [line.strip() for line in log.splitlines() if line.strip()]
        errors = [line for line in lines if "ERROR" in line or "CRITICAL" in line] or lines
        raise CourseToolsError(f"{step}: {errors[-1] if errors else 'nbgrader failed without a message'}")
    return result


def assign(course: Course, root: Path, assignment_id: str, force: bool = False) -> str:
    """Copy the source from content, then `nbgrader generate_assignment` (the student version)."""
    sources = course_assignments(course)
    if assignment_id not in sources:
        raise CourseToolsError(f"assignment '{assignment_id}': not in content (known: {', '.join(sources)})")
    api = open_api(root)
    note = sync_source(Path(root), sources[assignment_id], force)
    register_assignments(Path(root), api.coursedir.course_id, {assignment_id: sources[assignment_id]})
    _check(f"assign {assignment_id}", api.generate_assignment(assignment_id, force=True, create=True))
    return note


def release(root: Path, assignment_id: str) -> None:
    api = open_api(root)
    released = Path(api.coursedir.root) / api.coursedir.release_directory / assignment_id
    if not released.is_dir():
        raise CourseToolsError(f"{released}: not generated yet; run `course-tools assign {assignment_id}`")
    _check(f"release {assignment_id}", api.release_assignment(assignment_id))


def submitted_students(api: NbGraderAPI, assignment_id: str) -> list[str]:
    folder = Path(api.coursedir.root) / api.coursedir.submitted_directory
    return sorted(p.parent.name for p in folder.glob(f"*/{assignment_id}") if p.is_dir())


def collect(root: Path, assignment_id: str) -> list[str]:
    """`nbgrader collect` from the local exchange; returns the students with a submission."""
    api = open_api(root)
    _check(f"collect {assignment_id}", api.collect(assignment_id, update=True))
    return submitted_students(api, assignment_id)


def autograde(root: Path, assignment_id: str, force: bool = False, progress: Progress = _quiet,
              workers: int = 2) -> int:
    """Fast path for manual-only assignments (no kernel, batched gradebook writes); else nbgrader's
    own autograde, student by student so progress can be shown."""
    from course_tools.grading.fastgrade import fast_autograde, is_manual_only

    api = open_api(root)
    if is_manual_only(api.coursedir.db_url, api.coursedir.course_id, assignment_id):
        return fast_autograde(api, assignment_id, force=force, progress=progress, workers=workers)
    students = submitted_students(api, assignment_id)
    for number, student in enumerate(students, start=1):
        _check(f"autograde {assignment_id} {student}", api.autograde(assignment_id, student, force=force))
        progress(f"autograde: {number}/{len(students)}")
    return len(students)


def late_penalties(root: Path, assignment_id: str) -> int:
    api = open_api(root)
    return reapply_late_penalties(api.coursedir.db_url, api.coursedir.course_id, assignment_id, api.config)


def feedback(root: Path, assignment_id: str, release_it: bool = True) -> int:
    """Apply late penalties to the graded work, generate feedback HTML and release it."""
    late_penalties(root, assignment_id)
    api = open_api(root)
    _check(f"feedback {assignment_id}", api.generate_feedback(assignment_id, force=True))
    if release_it:
        _check(f"release feedback {assignment_id}", api.release_feedback(assignment_id))
    folder = CoursePaths(Path(api.coursedir.root)).root / api.coursedir.feedback_directory
    return len(list(folder.glob(f"*/{assignment_id}/*.html")))
