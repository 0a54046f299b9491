"""Keyboard only: one activity of each type is answered and checked in the app view with Tab, the arrow
keys, Space and Enter (no mouse), and the result is announced in text (a role="status" region)."""

from __future__ import annotations

import pytest

from course_tools.content.loader import Course
from course_tools.generate.notebooks import lesson_filename
from tests.support.servers import open_app

pytestmark = pytest.mark.browser

# What a keyboard user does on each kind of control before tabbing on.
KEYS = {"radio": "ArrowRight", "checkbox": " ", "select-one": "ArrowDown"}
FOCUSED = """() => { const e = document.activeElement;
    const activity = e && e.closest('.ma-activity');
    return {kind: e.type || e.tagName.toLowerCase(), check: e.classList.contains('ma-check'),
            activity: activity ? [...activity.classList].find(c => c.startsWith('ma-activity-')) : null}; }"""


def first_of_each_type(course: Course) -> dict[str, tuple[str, str]]:
    seen: dict[str, tuple[str, str]] = {}
    for lesson_id in course.module.lessons:
        for activity in course.activities[lesson_id].activities:
            seen.setdefault(activity.type, (lesson_id, activity.id))
    return seen


def answer_by_keyboard(page, activity_id: str) -> list[str]:
    """Tab into the activity, work every control by keyboard, press Enter on Check; return the keys."""
    activity = page.locator(f".ma-activity-{activity_id}")
    activity.scroll_into_view_if_needed()
    # Start from the activity's heading, as a reader who has just read the instructions.
    activity.locator("h3").first.evaluate("h => { h.tabIndex = -1; h.focus(); }")
    pressed = []
    for _ in range(300):
        page.keyboard.press("Tab")
        pressed.append("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["activity"] == f"ma-activity-{activity_id}", f"Tab left the activity: {focused}"
        if focused["check"]:
            page.keyboard.press("Enter")
            return [*pressed, "Enter"]
        if focused["kind"] in ("text", "textarea"):
            page.keyboard.type("Our national ministry")
            pressed.append("typing")
        elif focused["kind"] in KEYS:
            page.keyboard.press(KEYS[focused["kind"]])
            pressed.append(KEYS[focused["kind"]])
    raise AssertionError(f"Check not reached by Tab in {activity_id}")


def test_one_activity_of_each_type_by_keyboard_only(lab, page, course: Course) -> None:
    chosen = first_of_each_type(course)
    assert set(chosen) == {"choice", "classify", "match", "rank", "planner", "sliders", "matrix", "reflection"}
    by_lesson: dict[str, list[tuple[str, str]]] = {}
    for kind, (lesson_id, activity_id) in chosen.items():
        by_lesson.setdefault(lesson_id, []).append((kind, activity_id))
    for lesson_id, activities in by_lesson.items():
        open_app(lab, page, lesson_filename(course, lesson_id))
        for kind, activity_id in activities:
            keys = answer_by_keyboard(page, activity_id)
            activity = page.locator(f".ma-activity-{activity_id}")
            announced = activity.locator(".ma-feedback [role=status]")
            announced.locator("li").first.wait_for()
            text = announced.inner_text()
            assert "Nothing answered yet" not in text, f"{kind}: the keyboard answer did not register: {text}"
            activity.locator(".ma-status").get_by_text("Saved.", exact=True).wait_for()
            print(f"keyboard {kind} ({activity_id}): {len(keys)} keys, announced: {text.splitlines()[0]}")
