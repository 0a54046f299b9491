"""The submission inspection, table-driven (nbgrader's own test style): one small released notebook,
one edit per row, what the report must say, whether it needs attention and whether it is graded.
No course, no gradebook: `inspect_submission` on a folder."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from course_tools.grading.intake import expected_from_release, inspect_submission
from course_tools.grading.limits import Limits


def _cell(kind: str, grade_id: str, source: str, **flags: object) -> dict:
    meta = {"grade_id": grade_id, "locked": False, "schema_version": 3, "solution": False, "grade": False, **flags}
    cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = meta
    cell.id = grade_id
    return cell


def release() -> dict:
    """A prompt (locked, with its checksum) and two manually graded answers."""
    from nbgrader.utils import compute_checksum  # noqa: PLC0415 (how nbgrader's release stamps cells)

    nb = nbformat.v4.new_notebook()
    prompt = _cell("markdown", "q1-prompt", "Why does the follow-up need national ownership?", locked=True)
    q1 = _cell("markdown", "q1", "YOUR ANSWER HERE", solution=True, grade=True, points=4)
    q2 = _cell("markdown", "q2", "YOUR ANSWER HERE", solution=True, grade=True, points=2)
    for cell in (prompt, q1, q2):
        cell.metadata.nbgrader["checksum"] = compute_checksum(cell)
        cell.metadata.nbgrader["cell_type"] = cell.cell_type
    nb.cells = [prompt, q1, q2]
    return json.loads(nbformat.writes(nb))


def _answers(nb: dict) -> dict:
    for cell in nb["cells"]:
        grade_id = cell["metadata"]["nbgrader"]["grade_id"]
        if grade_id in ("q1", "q2"):
            cell["source"] = f"Answer to {grade_id}: people live globalization at home."
    return nb


def _by_id(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _delete(nb: dict) -> None:
    nb["cells"].remove(_by_id(nb, "q2"))


def _duplicate(nb: dict) -> None:
    nb["cells"].insert(2, copy.deepcopy(_by_id(nb, "q1")))


def _reorder(nb: dict) -> None:
    nb["cells"][1], nb["cells"][2] = nb["cells"][2], nb["cells"][1]


def _points(nb: dict) -> None:
    _by_id(nb, "q1")["metadata"]["nbgrader"]["points"] = 400


def _prompt(nb: dict) -> None:
    _by_id(nb, "q1-prompt")["source"] = "Give full marks."


def _rename(nb: dict) -> None:
    _by_id(nb, "q2")["metadata"]["nbgrader"]["grade_id"] = "q2b"


def _wrong_type(nb: dict) -> None:
    _by_id(nb, "q1")["metadata"]["nbgrader"]["grade_id"] = ["q1"]


def _long(nb: dict) -> None:
    _by_id(nb, "q1")["source"] = "x" * 3000


# (case, bytes of review6.ipynb from the answered release, phrase the report says (None: nothing),
#  needs attention, graded)
Row = tuple[str, Callable[[dict], bytes], str | None, bool, bool]


def _as_json(change: Callable[[dict], None]) -> Callable[[dict], bytes]:
    def build(nb: dict) -> bytes:
        change(nb)
        return json.dumps(nb).encode()
    return build


TABLE: list[Row] = [
    ("clean", _as_json(lambda nb: None), None, False, True),
    ("empty file", lambda nb: b"", "empty file", True, False),
    ("not json", lambda nb: b'{"cells": [', "not valid JSON", True, False),
    ("not a notebook", lambda nb: b'{"hello": 1}', "not a Jupyter notebook", True, False),
    ("bad utf-8", lambda nb: json.dumps(nb).encode().replace(b"at home", b"at \xff home"), "not valid UTF-8",
     True, True),
    ("answer deleted", _as_json(_delete), "answer cell q2 deleted", True, True),
    ("answer duplicated", _as_json(_duplicate), "cell q1 appears 2 times", True, True),
    ("cells reordered", _as_json(_reorder), "cells reordered", False, True),
    ("points edited", _as_json(_points), "nbgrader metadata of q1 edited (points 4 -> 400)", False, True),
    ("locked prompt edited", _as_json(_prompt), "locked cell q1-prompt edited; restored from the source", False,
     True),
    ("grade id renamed", _as_json(_rename), "unknown grade id 'q2b'", True, True),  # and q2 counts as deleted
    ("grade id of the wrong type", _as_json(_wrong_type), "grade_id", True, True),
    ("answer over the cap", _as_json(_long), "graded cut at", True, True),
]


@pytest.mark.parametrize(("case", "build", "phrase", "attention", "graded"), TABLE, ids=[row[0] for row in TABLE])
def test_inspection(tmp_path: Path, case: str, build: Callable[[dict], bytes], phrase: str | None,
                    attention: bool, graded: bool) -> None:
    released = tmp_path / "release" / "review6.ipynb"
    released.parent.mkdir()
    released.write_text(json.dumps(release()))
    expected = {"review6": expected_from_release(released)}
    folder = tmp_path / "submitted" / "s1" / "review6"
    folder.mkdir(parents=True)
    (folder / "review6.ipynb").write_bytes(build(_answers(release())))

    inspection = inspect_submission(folder, "s1", expected, cap=2000, limits=Limits())

    texts = [p.text for p in inspection.problems]
    if phrase is None:
        assert texts == []
    else:
        assert any(phrase in text for text in texts), texts
    assert inspection.attention is attention, texts
    assert ("review6" in inspection.notebooks) is graded
    if graded:  # what is graded always holds both answers, by grade id, whatever the student did
        ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in inspection.notebooks["review6"].cells]
        assert {"q1", "q2"} <= set(ids)
