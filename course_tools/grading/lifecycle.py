"""The assignment lifecycle as thin calls into nbgrader's Python API (NbGraderAPI).

Each step checks nbgrader's result and turns a failure into one CourseToolsError line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from course_tools import CourseToolsError
from course_tools.grading.backup import backup_course
from course_tools.grading.coursedir import (
    open_api,
    register_assignments,
    settings_exchange,
    submitted_folders,
    sync_source,
)
from course_tools.grading.exchange_guard import require_own_exchange
from course_tools.grading.intake import BatchReport, Problem, inspect_submission
from course_tools.grading.runlock import course_lock

if TYPE_CHECKING:
    from course_tools.content.loader import Course

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def check(step: str, result: dict | None) -> dict:
    if result is None or not result.get("success", False):
        log = (result or {}).get("log", "") + (result or {}).get("error", "")
        lines = [line.strip() for line in log.splitlines() if line.strip()]
        errors = [line for line in lines if "ERROR" in line or "CRITICAL" in line] or lines
        raise CourseToolsError(f"{step}: {errors[-1] if errors else 'nbgrader failed without a message'}")
    return result


def assign(course: Course, root: Path, assignment_id: str, force: bool = False) -> str:
    """Copy the source from content, then `nbgrader generate_assignment` (the student version)."""
    from course_tools.generate.assignments import course_assignments

    sources = course_assignments(course)
    if assignment_id not in sources:
        raise CourseToolsError(f"assignment '{assignment_id}': not in content (known: {', '.join(sources)})")
    api = open_api(root)
    note = sync_source(Path(root), sources[assignment_id], force)
    register_assignments(api.coursedir.db_url, api.coursedir.course_id, {assignment_id: sources[assignment_id]})
    check(f"assign {assignment_id}", api.generate_assignment(assignment_id, force=True, create=True))
    return note


def release(root: Path, assignment_id: str) -> None:
    api = open_api(root)
    released = Path(api.coursedir.root) / api.coursedir.release_directory / assignment_id
    if not released.is_dir():
        raise CourseToolsError(f"{released}: not generated yet; run `course-tools assign {assignment_id}`")
    require_own_exchange(settings_exchange(Path(root)), api.coursedir.course_id, f"release {assignment_id}")
    check(f"release {assignment_id}", api.release_assignment(assignment_id))


def submitted_students(api: NbGraderAPI, assignment_id: str) -> list[str]:
    return sorted(submitted_folders(api.coursedir, assignment_id))


def collect(root: Path, assignment_id: str) -> list[str]:
    """`nbgrader collect` from the local exchange; returns the students with a submission."""
    collect_batch(root, assignment_id)
    return submitted_students(open_api(root), assignment_id)


def collect_batch(root: Path, assignment_id: str) -> BatchReport:
    """`nbgrader collect` through the one collect path (backups, intake, roster) that `collect
    --zip` shares: see grading/intake_collect.py."""
    from course_tools.grading.intake_collect import exchange_collect

    return exchange_collect(root, assignment_id)


def autograde(root: Path, assignment_id: str, force: bool = False, progress: Progress = _quiet,
              workers: int = 2) -> int:
    """`autograde_batch`, returning how many submissions were graded (problems go to `progress`)."""
    report = autograde_batch(root, assignment_id, force=force, progress=progress, workers=workers)
    for line in report.lines():
        progress(line)
    return len(report.graded)


def autograde_batch(root: Path, assignment_id: str, force: bool = False, progress: Progress = _quiet,
                    workers: int = 2) -> BatchReport:
    """Fast path for manual-only assignments (no kernel, batched gradebook writes); else nbgrader's
    own autograde, student by student. A bad submission is reported; the others are graded."""
    notes: list[str] = []
    with course_lock(root, f"autograde {assignment_id}", notes):
        report = _autograde_batch(root, assignment_id, force, progress, workers)
    report.notes[:0] = notes
    return report


def _autograde_batch(root: Path, assignment_id: str, force: bool, progress: Progress, workers: int) -> BatchReport:
    from course_tools.grading.fastgrade import fast_autograde, is_manual_only
    from course_tools.grading.intake import release_expectations

    api = open_api(root)
    backup_course(Path(api.coursedir.root), "autograde")
    if is_manual_only(api.coursedir.db_url, api.coursedir.course_id, assignment_id):
        return fast_autograde(api, assignment_id, force=force, progress=progress, workers=workers)
    report = BatchReport("autograde")
    cd = api.coursedir
    with Gradebook(cd.db_url, cd.course_id) as gb:
        names = [nb.name for nb in gb.find_assignment(assignment_id).notebooks]
    expected = release_expectations(cd, assignment_id, names)
    students = submitted_students(api, assignment_id)
    for number, student in enumerate(students, start=1):
        folder = Path(cd.format_path(cd.submitted_directory, student, assignment_id))
        inspection = inspect_submission(folder, student, expected)
        report.problems += inspection.problems
        if inspection.notebooks or not inspection.problems:
            try:
                check(f"autograde {assignment_id} {student}", api.autograde(assignment_id, student, force=force))
                report.graded.append(student)
            except CourseToolsError as exc:
                report.problems.append(Problem(student, "-", f"nbgrader failed: {exc} (needs attention)"))
        progress(f"autograde: {number}/{len(students)}")
    return report
