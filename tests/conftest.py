"""Shared fixtures: the repository's content, a scratch copy of it, the seed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_tools.content.loader import Course, load_course
from tests.paths import CONTENT


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(CONTENT)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of content/ to break on purpose."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))
