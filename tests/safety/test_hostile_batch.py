"""One batch of good, broken and hostile submissions through `collect` and `autograde` (the CLI,
as an instructor runs it): the good ones are graded, each bad one is named on one line, nothing
crashes, the submitted files stay as they came."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbgrader.api import Gradebook, MissingEntry

from course_tools.content.loader import Course
from course_tools.grading.coursedir import init_course, open_api
from course_tools.grading.intake import DEFAULT_ANSWER_CAP
from course_tools.grading.lifecycle import assign, release
from course_tools.grading.roster import import_roster
from tests.support.cli import Capture, run
from tests.support.exchange import STUDENTS
from tests.support.submissions import A, drop_all

NOT_GRADED = {"eve", "frank", "grace"}


@pytest.fixture(scope="module")
def released_once(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    """A released Review #6 with the grading tests' roster, shared by this module's tests."""
    base = tmp_path_factory.mktemp("batch")
    root = base / "course"
    init_course(course, root)
    roster = base / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(",".join(s) + "\n" for s in STUDENTS))
    import_roster(root, roster)
    assign(course, root, A)
    release(root, A)
    return root


@pytest.fixture(scope="module")
def batch(released_once: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run of collect, autograde and feedback over the whole batch (the CLI, in process)."""
    released = released_once
    capsys = Capture()
    roster = tmp_path_factory.mktemp("more") / "more.csv"
    names = ["eve", "frank", "grace", "heidi", "ivan", "judy", "ken", "leo", "mia", "nick", "olga", "pat", "quinn"]
    roster.write_text("id,first_name,last_name,email\n" + "".join(f"{n},{n.title()},Test,\n" for n in names))
    import_roster(released, roster)
    expect = drop_all(released)
    collect_out, collect_err = run(capsys, "collect", A, "--course", str(released))
    grade_out, grade_err = run(capsys, "autograde", A, "--course", str(released))
    feedback_out, feedback_err = run(capsys, "feedback", A, "--course", str(released))
    return {"root": released, "expect": expect, "collect": (collect_out, collect_err), "grade": (grade_out, grade_err),
            "feedback": (feedback_out, feedback_err)}


def test_every_problem_named_and_the_rest_graded(batch: dict) -> None:
    root, expect = batch["root"], batch["expect"]
    collect_out, collect_err = batch["collect"]
    grade_out, grade_err = batch["grade"]
    assert any(line.startswith("collect: bob: 2 submissions in the exchange; the latest") for line in collect_err)
    for student, phrase in expect.items():
        mine = [line for line in grade_err if line.startswith(f"autograde: {student}: ")]
        if phrase is None:
            assert not [line for line in mine if "needs attention" in line], mine
        else:
            assert any(phrase in line for line in mine), (student, phrase, grade_err)
            assert any(phrase in line for line in collect_err if line.startswith(f"collect: {student}: "))
    assert "collect: collected 17 submission(s)" in collect_out
    noise = [line for line in collect_err + grade_err if "submission_secret.txt" in line or "timestamp.txt" in line]
    assert not noise, noise  # nbgrader's own files in a submission are not "extra files"
    graded = set(expect) - NOT_GRADED
    assert f"autograde: graded {len(graded)} submission(s)" in grade_out
    for student in ("eve", "frank", "grace", "heidi", "mia", "nick", "olga", "zed"):
        assert student in grade_out.split("need attention:")[1]
    for student in ("alice", "bob", "carol", "judy", "ken", "leo", "quinn"):
        assert f" {student} (" not in grade_out

    api = open_api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for student in NOT_GRADED:
            with pytest.raises(MissingEntry):
                gb.find_submission(A, student)
        for student in graded:
            assert gb.find_submission(A, student).student.id == student
        assert gb.find_grade("national", A, A, "heidi").auto_score == 0  # deleted answer: put back blank
        assert gb.find_comment("national", A, A, "heidi").auto_comment == "No response."
        assert gb.find_grade_cell("phases", A, A).max_score == 4  # ken's 400 points changed nothing
        assert gb.find_grade("phases", A, A, "ken").max_score == 4


def _cells(root: Path, student: str) -> dict[str, str]:
    nb = json.loads((root / "autograded" / student / A / f"{A}.ipynb").read_text())
    return {c["metadata"].get("nbgrader", {}).get("grade_id", f"#{i}"): "".join(c["source"])
            for i, c in enumerate(nb["cells"])}


def test_graded_copies_are_repaired_and_submissions_kept(batch: dict) -> None:
    root = batch["root"]
    release = json.loads((root / "release" / A / f"{A}.ipynb").read_text())
    prompt = next(c for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("locked"))
    leo = _cells(root, "leo")
    assert leo[prompt["metadata"]["nbgrader"]["grade_id"]] == "".join(prompt["source"])
    assert "Ignore the rubric" in (root / "submitted" / "leo" / A / f"{A}.ipynb").read_text()  # evidence kept
    assert len(_cells(root, "nick")["phases"].encode()) < DEFAULT_ANSWER_CAP + 200
    assert (root / "submitted" / "nick" / A / f"{A}.ipynb").stat().st_size > 3_000_000
    assert "national \ufffd\ufffd ownership" in _cells(root, "olga")["national"]
    assert _cells(root, "pat")["phases"].startswith("First the Report")
    assert "<img src=x onerror" in _cells(root, "carol")["phases"]  # kept as written: rendering makes it safe
    quinn = json.loads((root / "autograded" / "quinn" / A / f"{A}.ipynb").read_text())
    output = quinn["cells"][-1]["outputs"][0]["data"]
    assert set(output) == {"text/plain"} and "<b>raw output</b>" in "".join(output["text/plain"])
    assert json.loads((root / "submitted" / "bob" / A / f"{A}.ipynb").read_text())  # the later one
    assert "draft" not in _cells(root, "bob")["phases"]


def test_feedback_for_everyone_graded_and_safe(batch: dict) -> None:
    root = batch["root"]
    out, err = batch["feedback"]
    assert "feedback: 14 feedback file(s) released" in out
    assert any(line.startswith("feedback: pat: feedback in ") and "not released" in line for line in err)
    carol = (root / "feedback" / "carol" / A / f"{A}.html").read_text()
    assert "<img src=x" not in carol and "&lt;img src=x onerror" in carol
    released_files = list((root / "exchange" / "mobilizing-action" / "feedback").glob("*.html"))
    assert len(released_files) == 13
