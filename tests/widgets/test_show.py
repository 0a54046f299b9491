"""The notebook entry points: every activity in content builds, and the progress view reflects
the progress file (a table and a bar chart)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from course_tools.activities.progress import PROGRESS_ENV
from course_tools.content.loader import Course
from course_tools.widgets import make_view, show_activity, show_progress
from tests.support.widgets import PNG_IMG

pytestmark = pytest.mark.filterwarnings("ignore:No saved progress yet")


@pytest.fixture(autouse=True)
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "progress.json"
    monkeypatch.setenv(PROGRESS_ENV, str(path))
    return path


def test_every_content_activity_builds_shows_its_task_and_checks(course: Course) -> None:
    """What a learner sees first: the title and instructions, controls, a Check button; Check before
    answering says so instead of giving anything away."""
    for lesson_id, file in course.activities.items():
        for spec in file.activities:
            view = make_view(course, lesson_id, spec.id)
            heading = view.root.children[0].value
            assert html.escape(spec.title) in heading and html.escape(spec.instructions) in heading, spec.id
            assert view.root.children[1].children, f"{spec.id}: no controls"
            assert view.check_button.description in ("Check", "Save")  # Save: a written reflection
            view.check_button.click()
            feedback = view.feedback.value.lower()
            if type(view).__name__ == "SlidersView":  # a rating starts answered, at the sliders' middle
                assert "you rated" in feedback, (spec.id, view.feedback.value)
            else:
                assert ("answered yet" in feedback or "written yet" in feedback) and "right:" not in feedback, (
                    spec.id, view.feedback.value)


def test_unknown_activity_names_the_file(course: Course) -> None:
    with pytest.raises(KeyError, match="content/activities/support.yaml"):
        make_view(course, "support", "no-such-activity")


def test_progress_view_after_answering(course: Course, progress_file: Path) -> None:
    view = show_activity(course, "overview", "diagnostic")
    questions = view.spec.questions
    first = questions[0]
    view.radios[first.id].value = next(i for i, o in enumerate(first.options) if o.correct)  # one right
    for question in questions[1:]:  # the rest wrong
        view.radios[question.id].value = next(i for i, o in enumerate(question.options) if not o.correct)
    view.check_button.click()
    assert progress_file.is_file()
    progress = show_progress(course)
    intro, table, chart = progress.body.children
    assert "You have answered 1 of" in intro.value
    assert "Overview" in table.value and "<table" in table.value
    assert PNG_IMG in chart.children[0].value
    assert f"{round(100 / len(questions))}%" in chart.children[1].value  # one of the questions right


def test_progress_view_refresh_reads_the_file_again(course: Course) -> None:
    progress = show_progress(course)
    assert "You have answered 0 of" in progress.body.children[0].value
    view = make_view(course, "support", "funding")
    view.single["resources"].value = "extra-budgetary"
    view.check_button.click()
    progress.refresh_button.click()
    assert "You have answered 1 of" in progress.body.children[0].value


def test_progress_view_with_a_corrupt_file(course: Course, progress_file: Path) -> None:
    progress_file.write_text("garbage", encoding="utf-8")
    with pytest.warns(UserWarning, match="could not be read"):
        progress = show_progress(course)
    assert "You have answered 0 of" in progress.body.children[0].value
