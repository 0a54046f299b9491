"""Where `content/` is: a module of its own so commands that only need the path (every grading
command, through the course folder) do not import the content models."""

from __future__ import annotations

import os
from pathlib import Path

CONTENT_ENV = "MOBILIZING_CONTENT"


def find_content_dir(start: Path | None = None) -> Path:
    """The content folder: $MOBILIZING_CONTENT, else the nearest `content/` above `start`
    (the current directory), else the one beside this package in a source checkout."""
    if env := os.environ.get(CONTENT_ENV):
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "content" / "module.yaml").is_file():
            return folder / "content"
    return Path(__file__).resolve().parents[2] / "content"
