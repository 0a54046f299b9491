"""Check a submitted notebook's JSON shape, field by field, before anything reads it.

A student controls every byte of the file, so a field may hold any JSON type: a list where nbgrader
expects a grade id, a dict where a cell's text should be. Python code that assumes the type then
fails for the whole batch (`unhashable type: 'list'`). Here each field is checked once:

- a cell that cannot be read as a cell (not an object, unknown cell type, text that is not text)
  makes the file ungradable, named with the cell and the field;
- nbgrader metadata that is not well typed is repaired without guessing: a well-typed grade id
  keeps the cell (intake puts every other field back from the release), else the metadata is dropped and
  the cell shows as a plain cell (the answer then counts as deleted and is put back blank).
"""

from __future__ import annotations

import re
from typing import Any

CELL_TYPES = ("code", "markdown", "raw")
CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # nbformat 4.5's rule
CHECKSUM = re.compile(r"[0-9a-f]{1,128}")  # nbgrader writes an MD5 hex digest
MAX_GRADE_ID = 200  # characters; nbgrader's own ids are short words


def kind(value: Any) -> str:
    """A JSON type name for messages ('a list', 'null', 'a 100000-character text')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"a {len(value)}-character text" if len(value) > 60 else "a text"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def short(value: Any, limit: int = 60) -> str:
    """repr() cut to `limit` characters: a student's value never floods a report line."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def is_checksum(value: Any) -> bool:
    return isinstance(value, str) and CHECKSUM.fullmatch(value) is not None


def _attachments(value: Any) -> bool:
    """nbformat's shape: {name: {mime type: base64 text or list of text}}."""
    return isinstance(value, dict) and all(
        isinstance(name, str) and isinstance(data, dict) and data
        and all(isinstance(k, str) and _is_text(v) for k, v in data.items()) for name, data in value.items())


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def unreadable_cell(index: int, cell: Any) -> str | None:
    """Why cell `index` cannot be read at all (None if it can)."""
    where = f"cell {index + 1}"
    if not isinstance(cell, dict):
        return f"{where} is {kind(cell)}, not a cell"
    cell_type = cell.get("cell_type")
    if cell_type not in CELL_TYPES:
        return f"{where}: cell_type is {short(cell_type) if isinstance(cell_type, str) else kind(cell_type)}, " \
               f"not one of {', '.join(CELL_TYPES)}"
    if not _is_text(cell.get("source")):
        return f"{where}: source is {kind(cell.get('source'))}, not text"
    if cell_type == "code" and not isinstance(cell.get("outputs", []), list):
        return f"{where}: outputs is {kind(cell.get('outputs'))}, not a list"
    return None


def repair_cell(index: int, cell: dict) -> list[str]:
    """Make the cell's metadata well typed in place; one note per repair."""
    where = f"cell {index + 1}"
    notes = []
    if "id" in cell and not (isinstance(cell["id"], str) and CELL_ID.fullmatch(cell["id"])):
        notes.append(f"{where}: id is {kind(cell['id'])}, not a cell id; removed")
        del cell["id"]
    if "attachments" in cell and not _attachments(cell["attachments"]):
        notes.append(f"{where}: attachments is {kind(cell['attachments'])}, not name -> type -> data; removed")
        del cell["attachments"]
    if not isinstance(cell.get("metadata", {}), dict):
        notes.append(f"{where}: metadata is {kind(cell['metadata'])}; shown as a plain cell")
        cell["metadata"] = {}
    meta = cell.setdefault("metadata", {})
    if "nbgrader" not in meta:
        return notes
    nbgrader = meta["nbgrader"]
    if not isinstance(nbgrader, dict):
        notes.append(f"{where}: nbgrader metadata is {kind(nbgrader)}; shown as a plain cell")
        del meta["nbgrader"]
        return notes
    grade_id = nbgrader.get("grade_id")
    if not isinstance(grade_id, str) or not grade_id or len(grade_id) > MAX_GRADE_ID:
        notes.append(f"{where}: nbgrader grade_id is {kind(grade_id)}; shown as a plain cell")
        del meta["nbgrader"]
        return notes
    return notes


def check_shape(raw: dict) -> tuple[str | None, list[str]]:
    """(why the notebook cannot be graded or None, the repairs made in `raw`)."""
    if not isinstance(raw.get("metadata", {}), dict):
        return f"notebook metadata is {kind(raw['metadata'])}, not an object", []
    notes: list[str] = []
    for index, cell in enumerate(raw["cells"]):
        why = unreadable_cell(index, cell)
        if why:
            return why, notes
        notes += repair_cell(index, cell)
    return None, notes
