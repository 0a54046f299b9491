"""Mobilizing Action: Module 6 of A Fair Globalization as Jupyter lessons and an nbgrader review."""

__version__ = "0.1.0"


class CourseToolsError(Exception):
    """A problem the user can fix, reported as one line (file and field where there is one)."""


class ContentError(Exception):
    """Raised with every problem found in content/, one line each (kept here so the CLI need not load content)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
