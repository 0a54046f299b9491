"""What `collect` says besides copying: several submissions from one student (the latest counts,
the earlier stay in the exchange), a resubmission after grading (earlier grades and answers kept),
and the problems of each newly collected submission."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.utils import parse_utc

from course_tools.grading.backup import Backup
from course_tools.grading.intake import BatchReport, Problem, inspect_submission


def _inbound(api: NbGraderAPI) -> Path:
    return Path(api.config.Exchange.root) / api.coursedir.course_id / "inbound"


def earlier_submissions(api: NbGraderAPI, assignment_id: str) -> tuple[dict[str, datetime], list[str]]:
    """The latest submission time per student in the exchange, and a line per student with several."""
    found: dict[str, list[tuple[datetime, str]]] = {}
    inbound = _inbound(api)
    for path in inbound.glob(f"*+{assignment_id}+*") if inbound.is_dir() else []:
        parts = path.name.split("+")
        try:
            found.setdefault(parts[0], []).append((parse_utc(parts[2]), path.name))
        except (IndexError, ValueError):
            continue
    latest, notes = {}, []
    for student, entries in sorted(found.items()):
        entries.sort()
        latest[student] = entries[-1][0]
        if len(entries) > 1:
            when = entries[-1][0].strftime("%Y-%m-%d %H:%M:%S")
            earlier = ", ".join(name for _, name in entries[:-1])
            notes.append(f"{student}: {len(entries)} submissions in the exchange; the latest ({when}) counts, "
                         f"the earlier are kept in {inbound}/ ({earlier})")
    return latest, notes


def submitted_stamps(api: NbGraderAPI, assignment_id: str) -> dict[str, datetime]:
    cd = api.coursedir
    folder = Path(cd.format_path(cd.submitted_directory, ".", "."))
    stamps = {}
    for path in folder.glob(f"*/{assignment_id}"):
        stamp = cd.get_existing_timestamp(str(path))
        if stamp is not None:
            stamps[path.parent.name] = stamp.replace(tzinfo=None) if stamp.tzinfo else stamp
    return stamps


def _graded(api: NbGraderAPI, assignment_id: str, students: list[str]) -> set[str]:
    """Students with a manual grade (formgrader, dashboard) on this assignment."""
    cd = api.coursedir
    with Gradebook(cd.db_url, cd.course_id) as gb:
        have = set()
        for student in students:
            try:
                submission = gb.find_submission(assignment_id, student)
            except Exception:  # MissingEntry: never autograded
                continue
            if any(g.manual_score is not None for nb in submission.notebooks for g in nb.grades):
                have.add(student)
        return have


def keep_replaced(api: NbGraderAPI, assignment_id: str, students: list[str], backup: Backup | None) -> list[str]:
    """Copy the submissions collect is about to replace into the backup; say who had been graded."""
    if not students:
        return []
    cd = api.coursedir
    graded = _graded(api, assignment_id, students)
    notes = []
    for student in students:
        src = Path(cd.format_path(cd.submitted_directory, student, assignment_id))
        kept = ""
        if backup is not None:
            dest = backup.path / "submitted" / student / assignment_id
            shutil.copytree(src, dest)
            for dirpath, _dirs, files in os.walk(dest):
                for name in files:
                    os.chmod(os.path.join(dirpath, name), 0o644)
            kept = f"; the earlier submission is kept in {dest}"
        if student in graded:
            notes.append(f"{student}: resubmitted after grading: the earlier grades stay in the gradebook (flagged "
                         f"to grade again after autograde) and in {backup.path if backup else 'the gradebook'}{kept}")
        else:
            notes.append(f"{student}: resubmitted; the newer submission replaces the earlier{kept}")
    return notes


def report_collected(api: NbGraderAPI, assignment_id: str, students: list[str], roster: set[str],
                     report: BatchReport) -> None:
    """Check each newly collected submission (nothing is repaired here: autograde does that)."""
    from course_tools.grading.fastgrade import release_expectations

    cd = api.coursedir
    with Gradebook(cd.db_url, cd.course_id) as gb:
        names = [nb.name for nb in gb.find_assignment(assignment_id).notebooks]
    expected = release_expectations(cd, assignment_id, names)
    for student in students:
        folder = Path(cd.format_path(cd.submitted_directory, student, assignment_id))
        report.problems += inspect_submission(folder, student, expected).problems
        if student not in roster:
            report.problems.append(Problem(student, "-", "not on the roster (add the student with "
                                                         "`course-tools roster import`; needs attention)"))
        report.graded.append(student)
