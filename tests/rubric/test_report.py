"""Report, export and feedback agree with the rubric grades."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from course_tools.cli import main
from course_tools.grading.export import export
from course_tools.grading.feedback import feedback
from course_tools.rubric.analytics import class_analytics
from course_tools.rubric.grader import Grading
from course_tools.widgets.instructor import analytics as widget_analytics
from tests.support.classroom import student_id

A = "review6"


def grade_some(grading: Grading) -> None:
    grading.save(A, "q1", student_id(1), ["kp-phase-one", "kp-phase-two"], 0, "Add the elements.")
    grading.save(A, "q1", student_id(2), ["kp-phase-one", "explains-sequence", "kp-phase-two",
                                          "applies-case"])
    grading.save(A, "q1", student_id(3), ["distorts"])
    grading.save(A, "q3", student_id(1), ["kp-policy-areas"], 0.5)


def test_report_writes_scores_stats_item_counts_and_charts(grading: Grading, capsys: pytest.CaptureFixture) -> None:
    grade_some(grading)
    assert main(["report", "--course", str(grading.ctx.root)]) == 0
    out = capsys.readouterr().out
    folder = grading.ctx.root / "reports"
    scores = pd.read_csv(folder / "review6_scores.csv").set_index("student_id")
    assert scores.loc[student_id(1), "q1"] == 2.0 and scores.loc[student_id(2), "q1"] == 4.0
    assert scores.loc[student_id(3), "q1"] == 0.0 and scores.loc[student_id(1), "q3"] == 1.5
    questions = pd.read_csv(folder / "review6_questions.csv").set_index("question")
    assert questions.loc["q1", "graded"] == 3 and questions.loc["q1", "to_grade"] == 1
    assert questions.loc["q1", "mean"] == 2.0 and questions.loc["q1", "median"] == 2.0
    assert questions.loc["q2", "graded"] == 1  # the "No response." answer, graded 0 by nbgrader
    items = pd.read_csv(folder / "review6_rubric_items.csv").set_index(["question", "item"])
    assert items.loc[("q1", "kp-phase-one"), "given"] == 2 and items.loc[("q1", "kp-phase-one"), "graded"] == 3
    assert items.loc[("q1", "distorts"), "given"] == 1 and items.loc[("q1", "applies-case"), "given"] == 1
    assert items.loc[("q1", "applies-case"), "level"] == "applies"
    late = pd.read_csv(folder / "review6_late.csv")
    assert list(late.student_id) == [student_id(2), student_id(4)]
    for chart in ("review6_hist.png", "review6_rubric_items.png"):
        assert (folder / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "per question:" in out and "wrote" in out
    assert "rubric items least often given (what the class missed):" in out


def test_export_and_feedback_agree_with_the_dashboard(grading: Grading, tmp_path: Path) -> None:
    grade_some(grading)
    export(grading.ctx.root, A, tmp_path / "grades.csv")
    exported = pd.read_csv(tmp_path / "grades.csv").set_index("student_id")
    mine = class_analytics(grading, A).scores.set_index("student_id")
    for question in ("q1", "q3"):
        assert exported[question].fillna(-1).tolist() == mine[question].fillna(-1).tolist()  # -1: not graded
    assert exported.loc[student_id(1), "q1"] == 2.0 and exported.loc[student_id(2), "q1"] == 4.0
    feedback(grading.ctx.root, A, release_it=False)
    page = (grading.ctx.root / "feedback" / student_id(1) / A / f"{A}.html").read_text(encoding="utf-8")
    assert "Rubric: 2 / 4 points" in page and "Add the elements." in page
    assert "(+1) Phase one: publicize the Report and build support" in page
    assert "(+1) Phase two: start action" in page and "Phase one use" not in page


def test_analytics_view_shows_tables_and_charts(grading: Grading, monkeypatch: pytest.MonkeyPatch) -> None:
    grade_some(grading)
    shown: list = []
    monkeypatch.setattr(widget_analytics, "display", shown.append)
    report = widget_analytics.analytics(grading.ctx.root)
    view = shown[0]
    images = [w for box in view.children if hasattr(box, "children") for w in box.children
              if w.__class__.__name__ == "Image"]
    assert report is not None and len(images) == 2 and "Per question" in view.children[1].value


def test_analytics_without_a_course_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list = []
    monkeypatch.setattr(widget_analytics, "display", shown.append)
    assert widget_analytics.analytics(tmp_path) is None
    assert "run `course-tools init`" in shown[0].data
