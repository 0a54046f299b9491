"""Every lesson renders, passes axe-core and responds in JupyterLab in Debian's Chromium, and answers
survive a kernel restart. Screenshots go to artifacts/browser/ (git-ignored)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from course_tools.content.loader import Course
from course_tools.generate.notebooks import lesson_filename
from tests.browser.a11y import audit, explain
from tests.support.browser import answer_first_control

pytestmark = pytest.mark.browser

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
ACTIVITY = f"{PANEL} .ma-activity"
# axe audits only what our notebooks put on the page: rendered Markdown and cell outputs (our widgets).
# JupyterLab's own chrome (menus, toolbars, side panels, the code editors and prompts) is JupyterLab's to audit.
OURS = [f"{PANEL} .jp-MarkdownOutput", f"{PANEL} .jp-OutputArea-output"]
CHARTED = {"planner", "sliders", "matrix"}


def _lessons(course: Course) -> list[str]:
    return list(course.module.lessons)


def _widgets_settled(page) -> None:
    """Wait until no widget is still loading, then assert none failed to display."""
    page.wait_for_function(
        "() => !document.body.innerText.includes('Loading widget...')", timeout=60_000)
    text = page.inner_text("body")
    assert "Error displaying widget" not in text
    assert "Traceback" not in text


def _answer_first_activity(page) -> tuple[str, str]:
    """Answer the first activity by clicking its first control; return (activity id, feedback)."""
    answered = answer_first_control(page.locator(ACTIVITY).first)
    _widgets_settled(page)
    return answered


@pytest.mark.parametrize("lesson_id", ["overview", "global_follow_up", "national_follow_up", "policy_coherence",
                                       "policy_dialogue", "policy_forum", "support"])
def test_lesson_renders_and_responds(lab, page, course: Course, lesson_id: str) -> None:
    """Opened once: it renders every activity, has no serious or critical axe violation in our text and
    widgets (counts printed per page at the end of the run), and its first activity answers and saves."""
    assert lesson_id in _lessons(course)
    filename = lesson_filename(course, lesson_id)
    lab.open(page, filename)
    lab.run_all(page)
    _widgets_settled(page)
    expected = len(course.activities[lesson_id].activities) + 1  # and the answer box under the discussion prompt
    page.locator(ACTIVITY).nth(expected - 1).wait_for(timeout=60_000)  # the last output can come after the others
    assert page.locator(ACTIVITY).count() == expected
    blocking = audit(page, f"JupyterLab {filename}", include=OURS)
    assert not blocking, explain(blocking)
    if lesson_id == "overview":
        assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .ma-progress img").count() == 1
    activity_id, feedback = _answer_first_activity(page)
    assert any(word in feedback for word in ("✔ Right", "✘ Not quite", "• Note")), feedback
    first = course.activities[lesson_id].activities[0]
    if first.type in CHARTED:  # its table and chart appear after checking
        page.locator(ACTIVITY).first.locator(".ma-extra img.ma-chart").wait_for()
        assert page.locator(ACTIVITY).first.locator(".ma-extra table").count() == 1
        page.locator(ACTIVITY).first.locator(".ma-extra img.ma-chart").scroll_into_view_if_needed()
    else:
        page.locator(ACTIVITY).first.locator(".ma-feedback").scroll_into_view_if_needed()
    saved = json.loads(lab.progress.read_text(encoding="utf-8"))["activities"]
    assert f"{lesson_id}/{activity_id}" in saved
    lab.screenshot(page, lesson_id)
    assert not [e for e in page.console_errors if "widget" in e.lower()], page.console_errors


def test_answer_survives_kernel_restart(lab, page, course: Course) -> None:
    """Answer, restart the kernel, run all again: the saved answer and its feedback come back."""
    lab.open(page, lesson_filename(course, "global_follow_up"))
    lab.run_all(page)
    _widgets_settled(page)
    activity_id, _ = _answer_first_activity(page)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    lab.wait_idle(page)
    lab.run_all(page)
    _widgets_settled(page)
    activity = page.locator(f".jp-NotebookPanel:not(.lm-mod-hidden) .ma-activity-{activity_id}")
    activity.locator(".ma-status").get_by_text("Your saved answer").wait_for()
    # text_content, not inner_text: JupyterLab skips laying out cells outside the viewport
    assert "is shown" in activity.locator(".ma-status").text_content()
    assert "Score" in activity.locator(".ma-feedback").text_content()


def test_match_feedback_in_words_and_check_by_keyboard(lab, page, course: Course) -> None:
    """Answer the conveners match (one right, one wrong), press Check with the keyboard. Its screenshot
    (artifacts/browser/activity.png) is the one the README shows."""
    lab.open(page, lesson_filename(course, "policy_dialogue"))
    lab.run_all(page)
    _widgets_settled(page)
    activity = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .ma-activity-conveners")
    spec = next(a for a in course.activities["policy_dialogue"].activities if a.id == "conveners")
    selects = activity.locator("select")
    selects.nth(0).focus()
    selects.nth(0).select_option(label=spec.pairs[0].right)
    selects.nth(1).select_option(label=spec.distractors[0])
    activity.locator("button.ma-check").focus()
    page.keyboard.press("Enter")
    activity.locator(".ma-status").get_by_text("Saved.", exact=True).wait_for()
    feedback = activity.locator(".ma-feedback")
    feedback.locator("li").first.wait_for()
    text = feedback.inner_text()
    assert f"✔ Right: {spec.pairs[0].left}: {spec.pairs[0].right}" in text
    assert f'✘ Not quite: {spec.pairs[1].left}: you chose "{spec.distractors[0]}"' in text
    assert spec.pairs[1].why in text  # says why, in the content's words
    activity.scroll_into_view_if_needed()
    lab.screenshot_element(activity, "activity")


def test_case_role_play_audit_and_capstone(lab, page, course: Course) -> None:
    """The running case shows; the outcome audit responds; the capstone plan and a discussion answer
    are saved as typed (never as HTML) and come back after the kernel restarts."""
    lab.open(page, lesson_filename(course, "support"))
    lab.run_all(page)
    _widgets_settled(page)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".jp-RenderedMarkdown h2", has_text="The case: Maresia (a fictional country)").wait_for()
    audit = panel.locator(".ma-activity-outcome-audit")
    audit.locator("select").first.select_option(index=1)
    audit.locator("button.ma-check").click()
    audit.locator(".ma-feedback li").first.wait_for()
    plan = "Maresia holds a national dialogue <b>with</b> unions, employers and migrant workers' groups."
    capstone = panel.locator(".ma-activity-national-plan")
    capstone.locator("textarea").fill(plan)
    capstone.locator("button.ma-check").click()
    capstone.locator(".ma-status").get_by_text("Saved.", exact=True).wait_for()
    assert "Saved as a draft" in capstone.locator(".ma-feedback").inner_text()
    discussion = panel.locator(".ma-activity-discussion")
    discussion.locator("textarea").fill("Research needs funding before anything else can happen.")
    discussion.locator("button.ma-check").click()
    discussion.locator(".ma-status").get_by_text("Saved.", exact=True).wait_for()
    saved = json.loads(lab.progress.read_text(encoding="utf-8"))["activities"]
    assert saved["support/national-plan"]["answer"] == plan
    assert saved["support/discussion"]["answer"].startswith("Research needs funding")
    assert capstone.locator("b").filter(has_text=re.compile(r"^with$")).count() == 0  # text, not markup
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    lab.wait_idle(page)
    lab.run_all(page)
    _widgets_settled(page)
    assert panel.locator(".ma-activity-national-plan textarea").input_value() == plan


def test_role_play_cards_and_opening_statement(lab, page, course: Course) -> None:
    lab.open(page, lesson_filename(course, "policy_dialogue"))
    lab.run_all(page)
    _widgets_settled(page)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    for role in ("employers' federation", "union confederation", "finance ministry", "labour ministry",
                 "migrant workers' association", "UN Women"):
        assert panel.locator(".jp-RenderedMarkdown td", has_text=role).count() >= 1, role
    statement = panel.locator(".ma-activity-opening-statement")
    statement.locator("textarea").fill("As the labour ministry we want an active employment policy, "
                                       "consulting employers and workers as Convention No. 122 asks; we can "
                                       "accept phased costs if the finance ministry commits to retraining.")
    statement.locator("button.ma-check").click()
    statement.locator(".ma-status").get_by_text("Saved.", exact=True).wait_for()
    assert "Saved (" in statement.locator(".ma-feedback").inner_text()
    statement.scroll_into_view_if_needed()
    lab.screenshot_element(panel.locator(".jp-RenderedMarkdown", has_text="Role-play").first, "roleplay")


def test_scenario_item_names_the_misreading(lab, page, course: Course) -> None:
    """A scenario item answered with a misreading: the feedback names it and says what the module
    says. Its screenshot (artifacts/browser/scenario.png) is the one the README shows."""
    if lab.progress.is_file():  # no answer an earlier test saved is restored into this view
        saved = json.loads(lab.progress.read_text(encoding="utf-8"))
        saved.get("activities", {}).pop("global_follow_up/who-decides", None)
        lab.progress.write_text(json.dumps(saved), encoding="utf-8")
    lab.open(page, lesson_filename(course, "global_follow_up"))
    lab.run_all(page)
    _widgets_settled(page)
    spec = next(a for a in course.activities["global_follow_up"].activities if a.id == "who-decides")
    question = spec.questions[0]
    wrong = next(o for o in question.options if not o.correct and "misreading" in o.feedback)
    activity = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .ma-activity-who-decides")
    radio = activity.get_by_role("radio", name=wrong.text).first
    for attempt in range(3):  # a view still being replaced after Run All can swallow a click
        try:
            radio.check(timeout=15_000)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            lab.wait_idle(page)
            _widgets_settled(page)
    activity.locator("button.ma-check").click()
    activity.locator(".ma-feedback li").first.wait_for()
    text = activity.locator(".ma-feedback").inner_text()
    assert "✘ Not quite" in text and " ".join(wrong.feedback.split()) in " ".join(text.split())
    page.set_viewport_size({"width": 1100, "height": 1700})  # the whole activity and its feedback in view
    activity.scroll_into_view_if_needed()
    lab.screenshot_element(activity, "scenario")
