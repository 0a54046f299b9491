"""Every generated notebook runs top to bottom in a real kernel without error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_tools.content.loader import Course
from course_tools.generate.notebooks import lesson_filename
from tests.paths import NOTEBOOKS

NOTEBOOK_PATHS = sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[str(p.relative_to(NOTEBOOKS)) for p in NOTEBOOK_PATHS])
def test_notebook_executes(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBILIZING_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert not code_cells or any(c.outputs for c in code_cells), "nothing was displayed"


def test_there_is_a_notebook_per_lesson(course: Course) -> None:
    names = {p.name for p in NOTEBOOK_PATHS}
    expected = {lesson_filename(course, lesson_id) for lesson_id in course.module.lessons}
    assert len(expected) == len(course.lessons) >= 2
    assert expected <= names, sorted(expected - names)
