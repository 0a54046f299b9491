"""The rubric class fixtures: tests/support/rubric_class.py. Every rubric test runs on SQLite and on PostgreSQL."""

from tests.support.postgres import both_databases  # noqa: F401 (pytest fixture `db_kind`)
from tests.support.rubric_class import SPECIAL, built_class, built_class_pg, class_dir, grading  # noqa: F401 (fixtures)
