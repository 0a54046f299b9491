"""Running course-tools in the test process and editing content files, for tests that need either."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

import yaml

from course_tools.cli import main


class Capture:
    """stdout and stderr of one in-process CLI call (module-scoped fixtures cannot use capsys)."""

    def readouterr(self, argv: list[str]) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            assert main(argv) == 0
        return out.getvalue(), err.getvalue()


def run(capsys: Capture, *argv: str) -> tuple[str, list[str]]:
    out, err = capsys.readouterr(list(argv))
    return out, err.splitlines()


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    """Load a content file, change it in place, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
