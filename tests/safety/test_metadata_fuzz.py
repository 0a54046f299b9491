"""Type fuzz: every field of an answer cell (nbgrader's metadata and the cell's own) set in turn to
a list, an object, a number, null and a very long text, each as one student of ONE batch. `collect`
and `autograde` (the CLI) always finish; each bad file is named on a line; every good one is graded."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course_tools.content.loader import Course
from course_tools.grading.coursedir import init_course, open_api
from course_tools.grading.lifecycle import assign, release
from course_tools.grading.roster import import_roster
from tests.support.cli import Capture, run
from tests.support.submissions import START, A, answered, drop

NBGRADER_FIELDS = ["grade_id", "points", "solution", "grade", "locked", "task", "schema_version", "cell_type",
                   "checksum"]
CELL_FIELDS = ["source", "cell_type", "metadata", "id", "attachments"]
VALUES = {"list": ["q2"], "dict": {"q": 2}, "number": 3, "null": None, "long": "x" * 100_000}
GOOD = ["good1", "good2", "good3"]


def _variants(root: Path) -> dict[str, bytes]:
    """student id -> notebook bytes, one per (field, value) on the `phases` answer cell."""
    out = {}
    for where, names in (("nb", NBGRADER_FIELDS), ("cell", CELL_FIELDS), ("whole", ["nbgrader"])):
        for name in names:
            for label, value in VALUES.items():
                nb = answered(root)
                cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "phases")
                if where == "nb":
                    cell["metadata"]["nbgrader"][name] = copy.deepcopy(value)
                elif where == "cell":
                    cell[name] = copy.deepcopy(value)
                else:
                    cell["metadata"]["nbgrader"] = copy.deepcopy(value)
                out[f"f-{where}-{name.replace('_', '')}-{label}"] = json.dumps(nb).encode()
    for student in GOOD:
        out[student] = json.dumps(answered(root)).encode()
    return out


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, course: Course) -> dict:
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "course"
    init_course(course, root)
    variants = _variants_after_release(course, root)
    roster = base / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(f"{s},{s},Fuzz,\n" for s in variants))
    import_roster(root, roster)
    for n, (student, data) in enumerate(variants.items()):
        drop(root, student, {f"{A}.ipynb": data}, START + timedelta(seconds=n))
    capsys = Capture()
    return {"root": root, "students": list(variants), "collect": run(capsys, "collect", A, "--course", str(root)),
            "grade": run(capsys, "autograde", A, "--course", str(root))}


def _variants_after_release(course: Course, root: Path) -> dict[str, bytes]:
    assign(course, root, A)
    release(root, A)
    return _variants(root)


# Variants that are still a well-formed notebook (nothing to report): a list of strings is how
# nbformat itself stores a cell's text, a long text is a long answer, 3 is the released schema.
WELL_FORMED = {"f-cell-source-list", "f-cell-source-long", "f-nb-schemaversion-number"}


def test_batch_finishes_naming_each_bad_file(fuzzed: dict) -> None:
    students = fuzzed["students"]
    for step in ("collect", "grade"):
        out, err = fuzzed[step]
        prefix = "collect" if step == "collect" else "autograde"
        for student in students:
            lines = [line for line in err if line.startswith(f"{prefix}: {student}: ")]
            if student in GOOD or student in WELL_FORMED:
                assert not [line for line in lines if "needs attention" in line], (student, lines)
            else:
                assert lines, (step, student, err[:20])
                assert all(len(line) < 400 for line in lines), [line[:200] for line in lines]  # no 100k dumps
    out, _ = fuzzed["collect"]
    assert f"collect: collected {len(students)} submission(s)" in out


def test_every_good_file_graded_and_readable_ones_too(fuzzed: dict) -> None:
    root = fuzzed["root"]
    out, err = fuzzed["grade"]
    api = open_api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        graded = {s.student.id for s in gb.assignment_submissions(A)}
        for student in GOOD:
            assert gb.find_grade("phases", A, A, student).max_score == 4
    assert set(GOOD) | WELL_FORMED <= graded
    # a cell whose text or type cannot be read makes only that file ungradable
    unreadable = {s for s in fuzzed["students"] if s.startswith(("f-cell-source-", "f-cell-celltype-"))} - WELL_FORMED
    assert not unreadable & graded
    assert graded == set(fuzzed["students"]) - unreadable, sorted(set(fuzzed["students"]) - unreadable - graded)
    assert f"autograde: graded {len(graded)} submission(s)" in out
