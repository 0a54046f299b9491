"""Write notebooks byte-for-byte deterministically, touching files only when they change."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import NotebookNode

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def new_notebook(cells: list[NotebookNode], prefix: str, **metadata: object) -> NotebookNode:
    """A notebook with kernelspec metadata (so JupyterLab never asks 'Select Kernel') and stable
    cell ids derived from `prefix`, so rebuilding gives identical bytes."""
    for number, cell in enumerate(cells):
        cell["id"] = f"{prefix}-{number:02d}"[-64:]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}, **metadata}
    nbformat.validate(nb)
    return nb


def write_notebook(nb: NotebookNode, path: Path) -> bool:
    """Write `nb` to `path`; return True if the file's bytes changed."""
    text = nbformat.writes(nb) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _tagged(cell: NotebookNode, role: str | None) -> NotebookNode:
    """Record what the cell is for (title, point, activity...): slides and app views key on it."""
    if role:
        cell.metadata["course"] = {"role": role}
    return cell


def md(text: str, role: str | None = None) -> NotebookNode:
    return _tagged(nbformat.v4.new_markdown_cell(text.strip()), role)


def code(text: str, role: str | None = None) -> NotebookNode:
    return _tagged(nbformat.v4.new_code_cell(text.strip()), role)
