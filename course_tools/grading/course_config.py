"""Which course a command acts on and what its nbgrader_config.py says, without importing nbgrader.

Importing nbgrader costs 1-2 s (its package imports its server extensions, exchange and apps). The
commands that can work without it (feedback, the checks) read the course from here; coursedir.py, which
creates courses with nbgrader's API, re-uses these names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from course_tools import CourseToolsError
from course_tools.content.location import find_content_dir

CONFIG_NAME = "nbgrader_config.py"
COURSE_ENV = "MOBILIZING_COURSE"
NBGRADER_EXCHANGE = "/usr/local/share/nbgrader/exchange"  # Exchange.root's default


def find_course_dir() -> tuple[Path, str]:
    """The course a command acts on, and where that choice came from: the current directory when it
    holds an nbgrader_config.py (nbgrader's own convention), else $MOBILIZING_COURSE, else `course/`
    beside `content/` (the repo root in a checkout)."""
    here = Path.cwd()
    if (here / CONFIG_NAME).is_file():
        return here, "the current directory"
    if env := os.environ.get(COURSE_ENV):
        return Path(env), f"${COURSE_ENV}"
    return find_content_dir().resolve().parent / "course", "the repository's course/"


def default_course_dir() -> Path:
    """See find_course_dir."""
    return find_course_dir()[0]


@dataclass(frozen=True)
class CoursePaths:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def source(self, assignment_id: str) -> Path:
        return self.root / "source" / assignment_id / f"{assignment_id}.ipynb"


def load_config(root: Path) -> Config:
    paths = CoursePaths(Path(root))
    if not paths.config.is_file():
        raise CourseToolsError(f"{paths.config}: no course here; run `course-tools init {root}` first")
    return PyFileConfigLoader(CONFIG_NAME, path=str(paths.root.resolve())).load_config()


@dataclass(frozen=True)
class CourseSettings:
    """What the commands that work without nbgrader need of a course's config (nbgrader's defaults where unset)."""

    root: Path
    course_id: str
    db_url: str
    exchange: Path
    config: Config

    @classmethod
    def load(cls, root: Path) -> CourseSettings:
        return cls.from_config(root, load_config(root))

    @classmethod
    def from_config(cls, root: Path, config: Config) -> CourseSettings:
        """From a config already loaded (nbgrader's defaults where unset)."""
        cd = config.CourseDirectory
        home = Path(cd.root) if "root" in cd else Path(root).resolve()
        db_url = cd.db_url if "db_url" in cd else f"sqlite:///{(home / 'gradebook.db').resolve()}"
        exchange = Path(config.Exchange.root if "root" in config.Exchange else NBGRADER_EXCHANGE)
        return cls(home, cd.get("course_id", ""), db_url, exchange, config)
