"""This Python's environment on PATH, for the executables nbgrader runs by name. A module of its own
so the CLI can call it first thing without importing nbgrader (2 s here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def venv_on_path() -> None:
    """Put this Python's bin folder on PATH: nbgrader runs `alembic` (for a new gradebook) and kernels
    by name, and a venv used without activation (.venv/bin/course-tools) does not have them on PATH.
    Called by the CLI and before nbgrader's API is used, never on import (a kernel importing our
    modules keeps its PATH)."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
