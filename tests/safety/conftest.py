"""The grading fixtures (fixture content, a released Review #6) for the safety tests."""

from tests.grading.conftest import course, course_root, released  # noqa: F401 (pytest fixtures)
