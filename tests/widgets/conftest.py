"""Views are tested in process: set `.value`, call `.click()`, read the feedback and the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from course_tools.activities.progress import ProgressStore
from tests.activities.conftest import load_sample


@pytest.fixture(scope="session")
def specs() -> dict[str, Any]:
    return load_sample()


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / ".progress.json")
