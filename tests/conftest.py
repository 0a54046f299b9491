"""Shared fixtures: the repository's content, a scratch copy of it, the seed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_tools.content.loader import Course, load_course
from tests.paths import CONTENT
from tests.support.postgres import db_kind, postgres  # noqa: F401 (pytest fixtures)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (it suffixes node ids with them)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs two workers): one file's tests stay on one worker, so its
    session servers start once; the hub tests all share one worker (real local users and one hub)."""
    for item in items:
        path = Path(str(item.fspath))
        group = "hub" if "hub" in path.parts else path.stem
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(CONTENT)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of content/ to break on purpose."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))
