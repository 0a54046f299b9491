"""Each lesson as an app (Voila, a server extension of the same Jupyter server): no code or prompts,
the same activities and progress file, the overview links to every lesson in the app view, and axe
finds no serious or critical violation on the page. Screenshot: artifacts/browser/app_view.png."""

from __future__ import annotations

import json

import pytest

from course_tools.content.loader import Course
from course_tools.generate.apps import APP_ROOT
from course_tools.generate.notebooks import lesson_filename
from tests.browser.a11y import audit, explain
from tests.support.browser import answer_first_control
from tests.support.servers import open_app

pytestmark = pytest.mark.browser

APP_ACTIVITY = ".ma-activity"
LESSONS = ["overview", "global_follow_up", "national_follow_up", "policy_coherence", "policy_dialogue",
           "policy_forum", "support"]


def answer_first(page) -> tuple[str, str]:
    return answer_first_control(page.locator(APP_ACTIVITY).first)


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lesson_as_app_has_no_code_responds_saves_and_passes_axe(lab, page, course: Course, lesson_id: str) -> None:
    filename = lesson_filename(course, lesson_id)
    open_app(lab, page, filename)
    body = page.inner_text("body")
    assert "ct.activity(" not in body and "ct.start(" not in body and "Traceback" not in body
    assert page.locator(".jp-InputArea-editor:visible, .jp-InputPrompt:visible, .CodeMirror:visible").count() == 0
    answer_box = 1  # under the discussion prompt
    assert page.locator(APP_ACTIVITY).count() == len(course.activities[lesson_id].activities) + answer_box
    assert course.lessons[lesson_id].title in body
    activity_id, feedback = answer_first(page)
    assert any(word in feedback for word in ("✔ Right", "✘ Not quite", "• Note")), feedback
    saved = json.loads(lab.progress.read_text(encoding="utf-8"))["activities"]
    assert f"{lesson_id}/{activity_id}" in saved  # the same progress file as the notebook
    # Our page: everything Voila shows (the rendered cells and our widgets).
    blocking = audit(page, f"app view {filename}", include=["body"])
    assert not blocking, explain(blocking)
    if lesson_id == "overview":
        page.locator(APP_ACTIVITY).first.scroll_into_view_if_needed()
        lab.screenshot(page, "app_view")


def test_overview_app_links_to_the_six_lessons_in_the_app_view(lab, page, course: Course) -> None:
    open_app(lab, page, lesson_filename(course, "overview"))
    lessons = [lesson_filename(course, lesson_id) for lesson_id in course.module.lessons[1:]]
    assert len(lessons) == 6
    hrefs = page.eval_on_selector_all("a[href$='.ipynb']", "els => els.map(e => e.href)")
    for name in lessons:
        assert any(href.endswith(f"/voila/render/{name}") for href in hrefs), (name, hrefs)
    own = page.locator(f"a[href='{APP_ROOT}{lesson_filename(course, 'overview')}']")
    assert own.count() == 1 and "Open as app" in own.inner_text()  # the link JupyterLab shows
    page.locator("a", has_text=course.lessons[course.module.lessons[1]].title).first.click()
    page.wait_for_url(f"**/voila/render/{lessons[0]}**")
    page.wait_for_selector(APP_ACTIVITY, timeout=120_000)
    # The next lesson's navigation keeps to the app view too.
    nxt = page.locator(f"a[href='{lessons[1]}']").first
    assert nxt.count() == 1
