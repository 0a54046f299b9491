"""The grading fixtures (fixture content, a released Review #6): tests/support/grading_course.py."""

from tests.support.grading_course import (  # noqa: F401 (pytest fixtures)
    course,
    course_root,
    course_template,
    released,
    released_template,
    released_template_pg,
)
