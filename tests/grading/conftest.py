"""Shared set-up for the grading tests: the fixture content, a fresh course, students who
fetch and submit through nbgrader's exchange."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

from course_tools.content.loader import Course, load_course
from course_tools.grading.coursedir import init_course, load_config
from course_tools.grading.lifecycle import assign, release
from course_tools.grading.roster import import_roster

CONTENT = Path(__file__).resolve().parents[1] / "fixtures" / "grading" / "content"
STUDENTS = [("alice", "Alice", "Adeyemi", "alice@example.org"), ("bob", "Bob", "Bauer", "bob@example.org"),
            ("carol", "Carol", "Cruz", "carol@example.org")]
DUE = datetime(2026, 12, 15, 17, 0, 0)


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(CONTENT)


@pytest.fixture(scope="session")
def course_template(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    """A course with the roster, made once: each test gets a copy (the config's paths are relative
    to the folder, so a copy is a complete course of its own)."""
    root = tmp_path_factory.mktemp("course-template") / "course"
    init_course(course, root)
    roster = root.parent / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(",".join(s) + "\n" for s in STUDENTS))
    import_roster(root, roster)
    return root


@pytest.fixture(scope="session")
def released_template(tmp_path_factory: pytest.TempPathFactory, course_template: Path, course: Course) -> Path:
    """The same course with Review #6 assigned and released, made once."""
    root = tmp_path_factory.mktemp("released-template") / "course"
    shutil.copytree(course_template, root, symlinks=True)
    assign(course, root, "review6")
    release(root, "review6")
    return root


@pytest.fixture
def course_root(tmp_path: Path, course_template: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(course_template, root, symlinks=True)
    return root


@pytest.fixture
def released(tmp_path: Path, released_template: Path) -> Path:
    """tmp_path/course with Review #6 released (the same folder `course_root` names, if both are used)."""
    root = tmp_path / "course"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(released_template, root, symlinks=True)
    return root


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
