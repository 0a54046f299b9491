"""The grading dashboard in JupyterLab in Debian's Chromium: no serious or critical axe-core violation;
grade three submissions by clicking rubric items, then read the scores back through nbgrader's API and
formgrader's own API; an answer holding HTML and script shows as text and runs nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from playwright.sync_api import expect

from course_tools.content.loader import Course
from course_tools.rubric.course import CourseContext
from course_tools.rubric.store import RubricStore
from tests.browser.a11y import audit, explain
from tests.support.classroom import XSS, build_class
from tests.support.servers import course_server, dashboard_notebook

pytestmark = pytest.mark.browser

A = "review6"
DASH = ".jp-NotebookPanel:not(.lm-mod-hidden) .ma-dashboard"
# What the grader clicks for the 1st, 2nd and 3rd submission in the queue, and the q1 score it gives.
CLICKS = [(["kp-phase-one", "kp-phase-two"], 2.0), (["explains-sequence"], 1.0), (["kp-phase-one", "distorts"], 0.0)]


@pytest.fixture(scope="module")
def class_in_lab(lab, course: Course) -> Path:
    """Three autograded submissions in a course folder under the lab's root, and a notebook that
    points the generated dashboard notebook at it through $MOBILIZING_COURSE."""
    root = lab.root / "rubric_course"
    build_class(root, course, 3, special={2: {"q1": XSS}})
    dashboard_notebook(lab.root, root, "grading_dashboard_test.ipynb")
    return root


@pytest.fixture(scope="module")
def formgrader(class_in_lab: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """formgrader of the course, served from its own directory."""
    with course_server(class_in_lab, tmp_path_factory.mktemp("formgrader")) as server:
        yield server


def _wait_graded(page, count: int) -> None:
    page.locator(f"{DASH} .ma-progress").get_by_text(f"{count} of 3 answers to q1 graded").wait_for()


@pytest.fixture(scope="module")
def graded(lab, browser_context, class_in_lab: Path) -> dict[str, float]:
    """Grade q1 of all three submissions in the dashboard; return student -> score."""
    page = browser_context.new_page()
    try:
        return _grade_in_dashboard(lab, page, class_in_lab)
    finally:
        page.close()


def test_dashboard_grades_reach_nbgrader(graded: dict[str, float]) -> None:
    assert sorted(graded.values()) == sorted(score for _items, score in CLICKS)


def _grade_in_dashboard(lab, page, class_in_lab: Path) -> dict[str, float]:
    lab.open(page, "instructor/grading_dashboard_test.ipynb")
    lab.run_all(page)
    page.locator(DASH).wait_for()
    assert "Error displaying widget" not in page.inner_text("body")
    _wait_graded(page, 0)
    blocking = audit(page, "JupyterLab grading dashboard", include=[DASH])  # counts printed at the end of the run
    assert not blocking, explain(blocking)
    _calibration_is_shown_first(page)
    seen: dict[str, tuple[list[str], float]] = {}
    texts, shot = [], False
    for number, (items, score) in enumerate(CLICKS):
        heading = page.locator(f"{DASH} .ma-heading h3")
        label = heading.inner_text().strip()
        assert label.startswith("Submission ") and label not in seen
        answer = page.locator(f"{DASH} .ma-answer")
        texts.append(answer.inner_text())
        assert answer.locator("script, img, b").count() == 0
        for item in items:
            page.locator(f"{DASH} .ma-item-{item} input[type=checkbox]").check()
        page.locator(f"{DASH} .ma-score").get_by_text(f"Score: {score:g} / 4").wait_for()
        if not shot and "<img" not in texts[-1]:  # the docs image shows an ordinary answer
            shot = _screenshot(lab, page)
        page.locator(f"{DASH} button.ma-save-next").click()
        _wait_graded(page, number + 1)
        seen[label] = (items, score)
        if number + 1 < len(CLICKS):  # the next answer arrives after the progress bar: wait for it
            expect(heading).not_to_have_text(label)
    page.locator(f"{DASH} .ma-status").get_by_text("All 3 answers to this question are graded").wait_for()
    assert page.evaluate("() => window.__xss === undefined")
    assert any("<script>window.__xss=2</script>" in t and '<img src=x onerror="window.__xss=1">' in t
               for t in texts)

    labels = {v: k for k, v in RubricStore.for_course(class_in_lab).labels(A).items()}
    ctx = CourseContext(class_in_lab)
    with Gradebook(ctx.db_url, ctx.course_id) as gb:
        for label, (_items, score) in seen.items():
            grade = gb.find_grade("q1", A, A, labels[label])
            assert grade.manual_score == score and not grade.needs_manual_grade
            comment = gb.find_comment("q1", A, A, labels[label]).manual_comment
            assert f"**Rubric: {score:g} / 4 points**" in comment

    return {labels[label]: score for label, (_items, score) in seen.items()}


def _screenshot(lab, page) -> bool:
    """The whole dashboard, uncropped: a viewport tall enough for it, the notebook scrolled to its top."""
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").evaluate("e => e.scrollTo(0, 0)")
    page.locator(DASH).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    lab.screenshot_element(page.locator(DASH), "dashboard")
    page.set_viewport_size({"width": 1280, "height": 1000})
    return True


def _calibration_is_shown_first(page) -> None:
    """The grader sees the weak, adequate and strong sample answers of q1, with their scores, above
    the queue; the model answer is one click away."""
    panel = page.locator(f"{DASH} details.ma-calibration")
    expect(panel).to_be_visible()
    for title in ("Weak: 1 / 4 points", "Adequate: 3 / 4 points", "Strong: 4 / 4 points"):
        expect(panel.get_by_text(title)).to_be_visible()
    expect(panel.get_by_text("The second phase is to change globalization.")).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and box["y"] < page.locator(f"{DASH} .ma-queue").bounding_box()["y"]
    model = page.locator(f"{DASH} details.ma-model")
    expect(model.get_by_text("Follow-up comes in two steps")).to_be_hidden()
    model.locator("summary").click()
    expect(model.get_by_text("Follow-up comes in two steps")).to_be_visible()
    model.locator("summary").click()


def test_formgrader_shows_the_dashboard_scores(formgrader, page, graded: dict[str, float]) -> None:
    url, token = formgrader
    response = page.request.get(f"{url}/formgrader/api/submitted_notebooks/{A}/{A}?token={token}")
    assert response.ok and response.text().startswith("["), response.text()[:300]
    rows = json.loads(response.text())
    assert {row["student"]: row["score"] for row in rows} == pytest.approx(graded)
    page.goto(f"{url}/formgrader/gradebook/{A}/{A}?token={token}")
    for row in rows:  # the page formgrader's graders see: "Last, First" and "score / max" per submission
        line = page.locator("tr", has_text=f"{row['last_name']}, {row['first_name']}")
        line.locator(".score").get_by_text(f"{graded[row['student']]:g} / 30", exact=True).wait_for()
