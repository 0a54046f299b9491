"""axe-core in JupyterLab: every lesson's rendered text and widgets, and the grading dashboard, have no
serious or critical violation. (The app view is audited in test_app_view.py, the pulse page in
tests/hub/test_pulse_hub.py.) The counts per page are printed at the end of the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_tools.content.loader import Course
from course_tools.generate.notebooks import lesson_filename
from tests.browser.a11y import audit, explain
from tests.support.classroom import build_class
from tests.support.servers import dashboard_notebook

pytestmark = pytest.mark.browser

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# Only what our notebooks put on the page: rendered Markdown and cell outputs (our widgets). JupyterLab's
# own chrome (menus, toolbars, side panels, the code editors and prompts) is JupyterLab's to audit.
OURS = [f"{PANEL} .jp-MarkdownOutput", f"{PANEL} .jp-OutputArea-output"]


def _settled(page) -> None:
    page.wait_for_function("() => !document.body.innerText.includes('Loading widget...')", timeout=60_000)
    assert "Error displaying widget" not in page.inner_text("body")


@pytest.mark.parametrize("lesson_id", ["overview", "global_follow_up", "national_follow_up", "policy_coherence",
                                       "policy_dialogue", "policy_forum", "support"])
def test_lesson_in_jupyterlab_has_no_serious_violation(lab, page, course: Course, lesson_id: str) -> None:
    filename = lesson_filename(course, lesson_id)
    lab.open(page, filename)
    lab.run_all(page)
    _settled(page)
    page.locator(f"{PANEL} .ma-activity").first.wait_for()
    blocking = audit(page, f"JupyterLab {filename}", include=OURS)
    assert not blocking, explain(blocking)


@pytest.fixture(scope="module")
def dashboard_course(lab, course: Course) -> Path:
    root = lab.root / "a11y_course"
    build_class(root, course, 2)
    dashboard_notebook(lab.root, root, "grading_dashboard_a11y.ipynb")
    return root


def test_grading_dashboard_has_no_serious_violation(lab, page, dashboard_course: Path) -> None:
    lab.open(page, "instructor/grading_dashboard_a11y.ipynb")
    lab.run_all(page)
    page.locator(f"{PANEL} .ma-dashboard").wait_for()
    _settled(page)
    blocking = audit(page, "JupyterLab grading dashboard", include=[f"{PANEL} .ma-dashboard"])
    assert not blocking, explain(blocking)
