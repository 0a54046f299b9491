"""A student's side of the nbgrader exchange, for tests and benchmarks: the fixture course's content and
roster, answering a released notebook, fetching and submitting through nbgrader's own exchange classes."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

from course_tools.grading.coursedir import load_config

CONTENT = Path(__file__).resolve().parents[1] / "fixtures" / "grading" / "content"
STUDENTS = [("alice", "Alice", "Adeyemi", "alice@example.org"), ("bob", "Bob", "Bauer", "bob@example.org"),
            ("carol", "Carol", "Cruz", "carol@example.org")]
DUE = datetime(2026, 12, 15, 17, 0, 0)


def answer(path: Path, answers: dict[str, str]) -> None:
    """Write answers into the cells whose grade_id is given, as a student would."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, path)


def fetch_and_submit(root: Path, student: str, answers: dict[str, str], home: Path,
                     assignment_id: str = "review6") -> Path:
    """Student side through nbgrader's own exchange classes (what the Assignments panel calls)."""
    config = load_config(root)
    config.Exchange.assignment_dir = str(home)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment_id
    coursedir.student_id = student
    auth = Authenticator(config=config)
    home.mkdir(parents=True, exist_ok=True)
    ExchangeFetchAssignment(coursedir=coursedir, authenticator=auth, config=config).start()
    answer(home / assignment_id / f"{assignment_id}.ipynb", answers)
    ExchangeSubmit(coursedir=coursedir, authenticator=auth, config=config).start()
    return home / assignment_id


def set_submitted_time(root: Path, student: str, when: datetime, assignment_id: str = "review6") -> None:
    """Pretend a collected submission arrived at `when` (the exchange stamps it with 'now')."""
    stamp = root / "submitted" / student / assignment_id / "timestamp.txt"
    os.chmod(stamp, 0o644)
    stamp.write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


LATE = DUE + timedelta(days=2, hours=1)  # three started days: 30% under the fixture's policy
ON_TIME = DUE - timedelta(days=1)
