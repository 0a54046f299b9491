"""Fixtures: a real nbgrader class of four autograded Review #6 submissions, built once per session and
copied for each test that changes it (the rubric and safety tests use it through their conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_tools.content.loader import Course
from course_tools.rubric.grader import Grading
from tests.support.classroom import XSS, build_class
from tests.support.postgres import PostgresServer, copy_course

# Student 3 answers q1 with markup and script; student 4 leaves q2 as released; student 2 is late.
SPECIAL = {3: {"q1": XSS}, 4: {"q2": None}}


def _build(root: Path, course: Course, db: str | None = None) -> Path:
    build_class(root, course, 4, late_every=2, special=SPECIAL, db=db)
    return root


@pytest.fixture(scope="session")
def built_class(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    return _build(tmp_path_factory.mktemp("rubric") / "course", course)


@pytest.fixture(scope="session")
def built_class_pg(tmp_path_factory: pytest.TempPathFactory, course: Course, postgres: PostgresServer) -> Path:
    """The same class with its gradebook in PostgreSQL (nbgrader's own autograde writing to it)."""
    return _build(tmp_path_factory.mktemp("rubric-pg") / "course", course, postgres.database("rubric"))


@pytest.fixture
def class_dir(built_class: Path, tmp_path: Path, db_kind: str, request: pytest.FixtureRequest) -> Path:
    template = request.getfixturevalue("built_class_pg") if db_kind == "postgresql" else built_class
    return copy_course(template, tmp_path / "course", request)


@pytest.fixture
def grading(class_dir: Path, course: Course) -> Grading:
    return Grading(class_dir, course, grader="tester")
