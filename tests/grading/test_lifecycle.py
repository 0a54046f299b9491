"""End to end: init, assign, release, two students submit, collect, autograde, manual grades,
feedback, export."""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook

from course_tools.grading.coursedir import open_api
from course_tools.grading.export import export
from course_tools.grading.feedback import feedback
from course_tools.grading.lifecycle import autograde, collect
from tests.support.exchange import LATE, ON_TIME, fetch_and_submit, set_submitted_time
from tests.support.postgres import both_databases  # noqa: F401 (pytest fixture `db_kind`: SQLite and PostgreSQL)

ALICE = {"phases": "First the Report is spread and discussed; then comes a longer programme of action.",
         "national": "Because people live globalization at home: workers and employers must own the follow-up."}
BOB = {"phases": "Two phases: dissemination, then action."}  # leaves the second question unanswered


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_whole_lifecycle(released: Path, tmp_path: Path) -> None:
    fetch_and_submit(released, "alice", ALICE, tmp_path / "alice")
    fetch_and_submit(released, "bob", BOB, tmp_path / "bob")
    assert collect(released, "review6") == ["alice", "bob"]
    set_submitted_time(released, "alice", ON_TIME)
    set_submitted_time(released, "bob", LATE)

    assert autograde(released, "review6") == 2
    export(released, "review6", tmp_path / "before.csv")
    before = {row["student_id"]: row for row in read_csv(tmp_path / "before.csv")}
    assert (before["alice"]["status"], before["alice"]["phases"]) == ("needs grading", "")  # not graded: not 0
    api = open_api(released)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        bob_missing = gb.find_grade("national", "review6", "review6", "bob")
        assert (bob_missing.auto_score, bob_missing.needs_manual_grade) == (0, False)
        assert gb.find_comment("national", "review6", "review6", "bob").auto_comment == "No response."
        for student, cell, score, comment in [("alice", "phases", 3, "Clear: both phases named."),
                                              ("alice", "national", 5, "Good link to ownership."),
                                              ("bob", "phases", 4, "Both phases, briefly.")]:
            grade = gb.find_grade(cell, "review6", "review6", student)
            grade.manual_score = score
            gb.find_comment(cell, "review6", "review6", student).manual_comment = comment
        gb.db.commit()

    assert feedback(released, "review6") == 2
    html = (released / "feedback" / "alice" / "review6" / "review6.html").read_text()
    assert "Good link to ownership." in html
    assert list((released / "exchange" / "mobilizing-action" / "feedback").glob("*.html"))

    out = tmp_path / "grades.csv"
    assert export(released, "review6", out) == 3
    rows = {row["student_id"]: row for row in read_csv(out)}
    assert list(rows["alice"])[:8] == ["student_id", "first_name", "last_name", "email", "submitted",
                                       "seconds_late", "status", "phases"]
    assert (rows["alice"]["phases"], rows["alice"]["national"]) == ("3.0", "5.0")
    assert (rows["alice"]["raw_score"], rows["alice"]["late_penalty"], rows["alice"]["final_score"]) == \
        ("8.0", "0.0", "8.0")
    assert (rows["bob"]["phases"], rows["bob"]["national"], rows["bob"]["raw_score"]) == ("4.0", "0.0", "4.0")
    assert rows["bob"]["late_penalty"] == "1.2"  # 30% of 4: ten percent for each of three started days
    assert rows["bob"]["final_score"] == "2.8"
    assert int(rows["bob"]["seconds_late"]) == 2 * 86400 + 3600
    assert (rows["carol"]["status"], rows["carol"]["phases"], rows["carol"]["final_score"]) == \
        ("not submitted", "", "0.0")
    assert {row["max_score"] for row in rows.values()} == {"10.0"}

    export(released, "review6", tmp_path / "canvas.csv", "canvas", "Review #6")
    canvas = read_csv(tmp_path / "canvas.csv")
    assert canvas[0]["Student"] == "Points Possible" and canvas[0]["Review #6"] == "10.0"
    assert {r["SIS User ID"]: r["Review #6"] for r in canvas[1:]} == {"alice": "8.0", "bob": "2.8", "carol": "0.0"}
    export(released, "review6", tmp_path / "moodle.csv", "moodle", "Review #6")
    moodle = {r["Email address"]: r for r in read_csv(tmp_path / "moodle.csv")}
    assert moodle["bob@example.org"]["Review #6"] == "2.8"
    assert moodle["bob@example.org"]["Feedback"] == "Late penalty: 1.2 points."
