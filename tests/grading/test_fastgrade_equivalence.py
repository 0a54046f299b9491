"""Our autograde must leave the gradebook (and the autograded notebooks) exactly as stock
`nbgrader autograde --no-execute` does, on the same submissions: first run, then a --force rerun
after manual grading."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from course_tools.grading.lifecycle import autograde, collect
from tests.support.classroom import XSS
from tests.support.exchange import LATE, ON_TIME, fetch_and_submit, set_submitted_time
from tests.support.gradebook import snapshot


def autograded_files(root: Path) -> dict[str, object]:
    files = {}
    for path in sorted((root / "autograded").rglob("*")):
        if path.is_file():
            content = path.read_text()
            files[str(path.relative_to(root))] = (json.loads(content) if path.suffix == ".ipynb" else content,
                                                  oct(path.stat().st_mode & 0o777))
    return files


def stock_autograde(root: Path, *flags: str) -> None:
    nbgrader = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run([str(nbgrader), "autograde", "review6", "--no-execute", *flags], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def grade_by_hand(root: Path) -> None:
    engine = create_engine(f"sqlite:///{root / 'gradebook.db'}")
    with engine.begin() as conn:
        conn.execute(text("""UPDATE grade SET manual_score = 2 WHERE id IN (
            SELECT g.id FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id
            JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN base_cell c ON c.id = g.cell_id
            WHERE c.name = 'phases')"""))
    engine.dispose()


def test_same_gradebook_as_stock_no_execute(released: Path, tmp_path: Path) -> None:
    fetch_and_submit(released, "alice", {"phases": "Dissemination, then a programme.",
                                         "national": "Ownership matters."}, tmp_path / "alice")
    fetch_and_submit(released, "bob", {"national": "It is where people live. " + XSS}, tmp_path / "bob")
    fetch_and_submit(released, "dmitri", {}, tmp_path / "dmitri")  # not on the roster, nothing answered
    collect(released, "review6")
    set_submitted_time(released, "alice", ON_TIME)
    set_submitted_time(released, "bob", LATE)
    stock = tmp_path / "stock"
    shutil.copytree(released, stock, symlinks=True)

    autograde(released, "review6", workers=1)
    stock_autograde(stock)
    assert snapshot(released) == snapshot(stock)
    assert autograded_files(released) == autograded_files(stock)
    assert ("bob", "review6", "0", "0.0") in snapshot(released)["notebook"]  # late, but nothing graded yet
    # both keep the answer as written (its tags are made inert where it is rendered: render_safe)
    graded = (released / "autograded" / "bob" / "review6" / "review6.ipynb").read_text()
    assert "<img src=x onerror" in graded
    assert "<img src=x" in (released / "submitted" / "bob" / "review6" / "review6.ipynb").read_text()

    for root in (released, stock):
        grade_by_hand(root)
    set_submitted_time(released, "alice", LATE)  # a resubmission after the deadline
    set_submitted_time(stock, "alice", LATE)
    autograde(released, "review6", force=True, workers=2)
    stock_autograde(stock, "--force")
    ours, theirs = snapshot(released), snapshot(stock)
    assert ours == theirs
    assert ("alice", "phases", "None", "2.0", "None", "1") in ours["grade"]
    assert ("bob", "review6", "0", "0.6") in ours["notebook"]  # 30% of the 2 points, via our plugin
    assert autograded_files(released) == autograded_files(stock)
