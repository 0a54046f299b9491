"""Where the course directory is and what the rubric code needs from it (nbgrader's own config)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from nbgrader.coursedir import CourseDirectory

from course_tools import CourseToolsError
from course_tools.grading.course_config import COURSE_ENV, CoursePaths, default_course_dir, load_config

__all__ = ["COURSE_ENV", "CourseContext", "course_dir", "has_course"]
NO_COURSE = "no course directory yet: run `course-tools init` (then assign, release, collect and autograde)"


def course_dir(explicit: Path | str | None = None) -> Path:
    """`explicit`, else $MOBILIZING_COURSE, else the default of `course-tools init` (course/ in the repo)."""
    return Path(explicit) if explicit else default_course_dir()


def has_course(root: Path) -> bool:
    return CoursePaths(Path(root)).config.is_file()


@dataclass(frozen=True)
class CourseContext:
    """A course directory opened through its nbgrader_config.py."""

    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> CourseContext:
        path = course_dir(root).resolve()
        if not has_course(path):
            raise CourseToolsError(f"{path}: {NO_COURSE}")
        return cls(path)

    @cached_property
    def config(self):
        return load_config(self.root)

    @cached_property
    def coursedir(self) -> CourseDirectory:
        return CourseDirectory(config=self.config)

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    def answer_notebook(self, assignment: str, student: str, notebook: str) -> Path | None:
        """The graded copy of a submission (as formgrader shows it), else the submitted one."""
        cd = self.coursedir
        for folder in (cd.autograded_directory, cd.submitted_directory):
            path = Path(cd.format_path(folder, student, assignment)) / f"{notebook}.ipynb"
            if path.is_file():
                return path
        return None
