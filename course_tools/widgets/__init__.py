"""Thin ipywidgets views over course_tools.activities (placeholder until the activity library lands)."""

from __future__ import annotations

from IPython.display import Markdown, display

from course_tools.content.loader import Course


def show_activity(course: Course, lesson_id: str, activity_id: str) -> None:
    display(Markdown(f"*Activity `{activity_id}` of `{lesson_id}`.*"))


def show_progress(course: Course) -> None:
    display(Markdown("*No activities answered yet.*"))
