"""The rubric class fixtures: tests/support/rubric_class.py."""

from tests.support.rubric_class import SPECIAL, built_class, class_dir, grading  # noqa: F401 (pytest fixtures)
