"""The grading fixtures (fixture content, a released Review #6) for the safety tests."""

from tests.grading.conftest import (  # noqa: F401 (pytest fixtures)
    course,
    course_root,
    course_template,
    released,
    released_template,
)
