"""Views are tested in process: set `.value`, call `.click()`, read the feedback and the file.
The sample activities and a progress file: tests/support/samples.py."""

from tests.support.samples import specs, store  # noqa: F401 (pytest fixtures)
