"""The class hub's fixtures and hook (tests/support/hub.py): one hub with real local users per session."""

from tests.support.hub import class_hub, pytest_configure, round_trip  # noqa: F401 (pytest fixtures and hook)
