"""Every generated notebook runs top to bottom in a real kernel without error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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


def test_there_is_a_notebook_per_lesson() -> None:
    names = {p.name for p in NOTEBOOK_PATHS}
    assert {"00_overview.ipynb", "01_global_follow_up.ipynb", "06_support.ipynb"} <= names
