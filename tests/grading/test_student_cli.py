"""The student side with nbgrader's own CLI: fetch, answer, validate, submit, as two students."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from course_tools.grading.lifecycle import collect
from tests.support.exchange import answer

BIN = Path(sys.executable).parent


def nbgrader(course_root: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """As documented: JUPYTER_CONFIG_PATH points nbgrader at the course's nbgrader_config.py."""
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(course_root), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_fetch_validate_submit_with_the_cli(released: Path, tmp_path: Path) -> None:
    for student in ("alice", "bob"):
        home = tmp_path / student
        home.mkdir()
        done = nbgrader(released, home, "fetch_assignment", "review6", "--Exchange.assignment_dir=.")
        assert done.returncode == 0, done.stderr
        notebook = home / "review6" / "review6.ipynb"
        if student == "alice":
            answer(notebook, {"phases": "Dissemination first, then a programme.", "national": "Ownership."})
        else:
            answer(notebook, {"phases": "Dissemination first, then a programme."})
        result = nbgrader(released, home / "review6", "validate", "review6.ipynb")
        if student == "alice":
            assert "Success! Your notebook passes all the tests." in result.stdout, result.stdout + result.stderr
        else:
            assert "VALIDATION FAILED ON 1 CELL(S)!" in result.stdout
            assert "still reads 'YOUR ANSWER HERE'" in result.stdout
            assert "YOUR ANSWER HERE" in result.stdout.split("The following cell failed:")[1]
        done = nbgrader(released, home, "submit", "review6", "--student", student, "--Exchange.assignment_dir=.")
        assert done.returncode == 0, done.stderr
    assert collect(released, "review6") == ["alice", "bob"]
