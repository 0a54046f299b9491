"""Fixtures: a real nbgrader class of four autograded Review #6 submissions, built once per session and
copied for each test that changes it (the rubric and safety tests use it through their conftest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_tools.content.loader import Course
from course_tools.rubric.grader import Grading
from tests.support.classroom import XSS, build_class
from tests.support.postgres import PostgresServer, copy_course

# Student 3 answers q1 with markup and script; student 4 leaves q2 as released; student 2 is late.
SPECIAL = {3: {"q1": XSS}, 4: {"q2": None}}


@pytest.fixture(scope="session")
def built_class(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    root = tmp_path_factory.mktemp("rubric") / "course"
    build_class(root, course, 4, late_every=2, special=SPECIAL)
    return root


@pytest.fixture(scope="session")
def built_class_pg(tmp_path_factory: pytest.TempPathFactory, course: Course,
                   postgres: PostgresServer) -> tuple[Path, str]:
    """The same class with its gradebook in PostgreSQL (nbgrader's own autograde writing to it)."""
    root = tmp_path_factory.mktemp("rubric-pg") / "course"
    url = postgres.database("rubric")
    build_class(root, course, 4, late_every=2, special=SPECIAL, db=url)
    return root, url


@pytest.fixture
def class_dir(built_class: Path, tmp_path: Path, db_kind: str, request: pytest.FixtureRequest) -> Path:
    if db_kind == "postgresql":
        template, url = request.getfixturevalue("built_class_pg")
        return copy_course(template, url, tmp_path / "course", request.getfixturevalue("postgres"))
    return Path(shutil.copytree(built_class, tmp_path / "course"))


@pytest.fixture
def grading(class_dir: Path, course: Course) -> Grading:
    return Grading(class_dir, course, grader="tester")
