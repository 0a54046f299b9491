"""How much one submission and one LMS zip may hold, so one file cannot take the grader's machine.

Defaults below; a course changes them in its nbgrader_config.py, e.g.
`c.Intake.max_submission_bytes = 32 * 1024 * 1024`. Each limit is named, with its setting, in the
report line of whatever it refused.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from course_tools import CourseToolsError

DEFAULT_ANSWER_CAP = 2 * 1024 * 1024  # bytes of one answer cell's source (graded cut at the cap)
CONFIG_NAME = "nbgrader_config.py"


def size_text(count: int) -> str:
    """Bytes as people read them: '293 kB', '16 MB', '210 MB' (1 kB = 1024 bytes)."""
    return f"{count / 1024 / 1024:.3g} MB" if count >= 1024 * 1024 else f"{count / 1024:.3g} kB"


@dataclass(frozen=True)
class Limits:
    submission_bytes: int = 16 * 1024 * 1024  # all files of one student's submission
    cells: int = 1000  # cells of one notebook
    zip_bytes: int = 100 * 1024 * 1024  # uncompressed total of an LMS zip

    SETTINGS = {"submission_bytes": "max_submission_bytes", "cells": "max_cells", "zip_bytes": "max_zip_bytes"}

    def describe(self, name: str) -> str:
        """'16 MB cap (c.Intake.max_submission_bytes)': the limit and where to change it."""
        value = getattr(self, name)
        amount = size_text(value) if name.endswith("bytes") else f"{value}-cell"
        return f"{amount} cap (c.Intake.{self.SETTINGS[name]} in {CONFIG_NAME})"

    @classmethod
    def from_config(cls, config) -> Limits:
        section = config.get("Intake", {}) if config is not None else {}
        values = {}
        for item in fields(cls):
            setting = cls.SETTINGS[item.name]
            if setting in section:
                value = section[setting]
                if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                    raise CourseToolsError(f"{CONFIG_NAME}: c.Intake.{setting} = {value!r}: "
                                           "not a positive whole number")
                values[item.name] = value
        return cls(**values)


@lru_cache(maxsize=8)
def _course_limits(root: str, mtime: float) -> Limits:
    from course_tools.grading.course_config import load_config

    return Limits.from_config(load_config(Path(root)))


def limits_for(path: Path) -> Limits:
    """The limits of the course that holds `path` (the nearest nbgrader_config.py above it)."""
    for folder in [Path(path).resolve(), *Path(path).resolve().parents][:5]:
        config = folder / CONFIG_NAME
        if config.is_file():
            return _course_limits(str(folder), config.stat().st_mtime)
    return Limits()
