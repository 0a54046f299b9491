"""Fixtures: the sample activity specs (tests/fixtures/activities/sample.yaml, by id) and a fresh
progress file; the activity, widget and pulse tests use them through their conftest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from course_tools.activities.progress import ProgressStore
from course_tools.content.models import ActivityFile
from tests.paths import REPO

SAMPLE = REPO / "tests" / "fixtures" / "activities" / "sample.yaml"


def load_sample() -> dict[str, Any]:
    data = ActivityFile.model_validate(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))
    return {a.id: a for a in data.activities}


@pytest.fixture(scope="session")
def specs() -> dict[str, Any]:
    return load_sample()


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / ".progress.json")
