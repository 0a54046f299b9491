"""Activity specs from tests/fixtures/activities/sample.yaml, by id."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from course_tools.content.models import ActivityFile
from tests.paths import REPO

SAMPLE = REPO / "tests" / "fixtures" / "activities" / "sample.yaml"


def load_sample() -> dict[str, Any]:
    data = ActivityFile.model_validate(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))
    return {a.id: a for a in data.activities}


@pytest.fixture(scope="session")
def specs() -> dict[str, Any]:
    return load_sample()
