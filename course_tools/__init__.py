"""Mobilizing Action: Module 6 of A Fair Globalization as Jupyter lessons and an nbgrader review."""

__version__ = "0.1.0"


class CourseToolsError(Exception):
    """A problem the user can fix, reported as one line (file and field where there is one)."""
