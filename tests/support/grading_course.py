"""Grading fixtures (the fixture content, a course with its roster, Review #6 released), shared by the
grading and safety tests through their conftest files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_tools.content.loader import Course, load_course
from course_tools.grading.coursedir import init_course
from course_tools.grading.lifecycle import assign, release
from course_tools.grading.roster import import_roster
from tests.support.exchange import CONTENT, STUDENTS
from tests.support.postgres import PostgresServer, copy_course


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(CONTENT)


def course_with_roster(root: Path, course: Course, db: str | None = None) -> Path:
    init_course(course, root, db=db)
    roster = root.parent / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(",".join(s) + "\n" for s in STUDENTS))
    import_roster(root, roster)
    return root


@pytest.fixture(scope="session")
def course_template(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    """A course with the roster, made once: each test gets a copy (the config's paths are relative
    to the folder, so a copy is a complete course of its own)."""
    return course_with_roster(tmp_path_factory.mktemp("course-template") / "course", course)


@pytest.fixture(scope="session")
def released_template(tmp_path_factory: pytest.TempPathFactory, course_template: Path, course: Course) -> Path:
    """The same course with Review #6 assigned and released, made once."""
    root = tmp_path_factory.mktemp("released-template") / "course"
    shutil.copytree(course_template, root, symlinks=True)
    assign(course, root, "review6")
    release(root, "review6")
    return root


@pytest.fixture(scope="session")
def released_template_pg(tmp_path_factory: pytest.TempPathFactory, course: Course, postgres: PostgresServer) -> Path:
    """The released course again, its gradebook in PostgreSQL (made once; tests get clones)."""
    root = course_with_roster(tmp_path_factory.mktemp("released-template-pg") / "course", course,
                              postgres.database("released"))
    assign(course, root, "review6")
    release(root, "review6")
    return root


@pytest.fixture
def course_root(tmp_path: Path, course_template: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(course_template, root, symlinks=True)
    return root


@pytest.fixture
def released(tmp_path: Path, released_template: Path, db_kind: str, request: pytest.FixtureRequest) -> Path:
    """tmp_path/course with Review #6 released (the same folder `course_root` names, if both are used)."""
    root = tmp_path / "course"
    if root.exists():
        shutil.rmtree(root)
    template = request.getfixturevalue("released_template_pg") if db_kind == "postgresql" else released_template
    return copy_course(template, root, request)
