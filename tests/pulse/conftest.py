"""The sample activities and a progress file: tests/support/samples.py."""

from tests.support.samples import specs, store  # noqa: F401 (pytest fixtures)
