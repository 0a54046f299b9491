"""What `collect` does besides copying, the same for the exchange and for an LMS zip: back up the
databases and every submission about to be replaced, say who resubmitted (earlier grades and
answers kept), check each newly collected submission (intake) and the roster; for the exchange,
several submissions from one student (the latest counts) and folders owned by another account."""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.utils import parse_utc

from course_tools.grading.backup import Backup, backup_course
from course_tools.grading.coursedir import settings_exchange, submitted_folders
from course_tools.grading.exchange_guard import require_own_exchange
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
    stamps = {}
    for path in submitted_folders(cd, assignment_id).values():
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
            except MissingEntry:  # never autograded
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
    from course_tools.grading.intake import release_expectations

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


# nbgrader's ExchangeCollect logs this when a submission folder's owner is not the student
CHEATING = re.compile(r"(?P<path>/\S.*?) claims to be submitted by (?P<student>\S+) but is owned by "
                      r"(?P<owner>\S+); cheating attempt\?")


def owner_problems(log: str) -> list[Problem]:
    """nbgrader's "cheating attempt?" warnings as problem lines. A folder owned by the account that
    runs collect (local mode: students and instructor share one account) is not evidence."""
    me = getpass.getuser()
    found = []
    for match in CHEATING.finditer(log):
        if match["owner"] != me:
            found.append(Problem(match["student"], "-", f"the exchange folder {Path(match['path']).name} claims to "
                                 f"be from {match['student']} but is owned by the account '{match['owner']}' "
                                 "(nbgrader: cheating attempt?; needs attention)"))
    return found


def fingerprint(folder: Path) -> str:
    """A hash of a submission's files and their names (timestamp.txt included): changed or not."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def fingerprints(api: NbGraderAPI, assignment_id: str) -> dict[str, str]:
    return {student: fingerprint(path) for student, path in submitted_folders(api.coursedir, assignment_id).items()}


def collect_steps(root: Path, assignment_id: str, report: BatchReport,
                  replaced: Callable[[NbGraderAPI], list[str]],
                  file_them: Callable[[NbGraderAPI, Backup | None], None]) -> BatchReport:
    """The one collect path (exchange and LMS zip): back up the databases, keep each submission
    about to be `replaced` in that backup, `file_them` into submitted/, then check every
    submission whose files changed (intake) and whether its student is on the roster."""
    from course_tools.grading.coursedir import open_api
    from course_tools.grading.roster import on_roster

    api = open_api(root)
    cd = api.coursedir
    backup = backup_course(Path(cd.root), "collect")
    report.notes += keep_replaced(api, assignment_id, replaced(api), backup)
    before = fingerprints(api, assignment_id)
    file_them(api, backup)
    after = fingerprints(api, assignment_id)
    changed = sorted(s for s in after if before.get(s) != after[s])
    report_collected(api, assignment_id, changed, on_roster(cd.db_url, cd.course_id), report)
    return report


def exchange_collect(root: Path, assignment_id: str) -> BatchReport:
    """`nbgrader collect` from the exchange (the latest submission of each student counts)."""
    from course_tools.grading.lifecycle import check

    report = BatchReport("collect", verb="collected")

    def replaced(api: NbGraderAPI) -> list[str]:
        latest, notes = earlier_submissions(api, assignment_id)
        report.notes.extend(notes)
        before = submitted_stamps(api, assignment_id)
        return [s for s, stamp in latest.items() if s in before and stamp > before[s]]

    def file_them(api: NbGraderAPI, _backup: Backup | None) -> None:
        require_own_exchange(settings_exchange(Path(root)), api.coursedir.course_id, f"collect {assignment_id}")
        result = check(f"collect {assignment_id}", api.collect(assignment_id, update=True))
        report.problems.extend(owner_problems(result.get("log", "")))

    from course_tools.grading.runlock import course_lock

    with course_lock(root, f"collect {assignment_id}", report.notes):
        return collect_steps(root, assignment_id, report, replaced, file_them)
