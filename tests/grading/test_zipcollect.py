"""`collect --zip`: an LMS download with renamed files goes to the right students."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat

from course_tools.cli import main
from course_tools.grading.lifecycle import autograde


def test_lms_zip_imports_the_right_students(released: Path, tmp_path: Path, capsys) -> None:
    notebook = (released / "release" / "review6" / "review6.ipynb").read_text()
    nb = nbformat.reads(notebook, as_version=4)
    nb.cells[2].source = "Bob's answer."
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice_1001_5001_review6.ipynb", notebook)
        zf.writestr("bob_LATE_1002_5002_review6-1.ipynb", nbformat.writes(nb))
        zf.writestr("carol_1003_5003_notes.txt", "not a notebook")
        zf.writestr("review6.ipynb", notebook)  # no LMS name: cannot tell whose it is
    assert main(["collect", "review6", "--zip", str(archive), "--course", str(released)]) == 0
    out = capsys.readouterr()
    assert "collect: 2 submission(s) from submissions.zip: alice, bob" in out.out
    assert "skipped review6.ipynb" in out.err
    assert sorted(p.name for p in (released / "submitted").iterdir()) == ["alice", "bob"]
    bob = nbformat.read(released / "submitted" / "bob" / "review6" / "review6.ipynb", as_version=4)
    assert bob.cells[2].source == "Bob's answer."
    assert autograde(released, "review6") == 2
