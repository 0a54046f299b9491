"""The small API lesson notebooks call: one or two lines per code cell."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from IPython.display import display

from course_tools.content.loader import Course, load_course

_current: dict[str, str] = {}


@lru_cache(maxsize=1)
def course() -> Course:
    """The validated content, loaded once per kernel."""
    return load_course()


def start(lesson_id: str) -> None:
    """Remember which lesson this notebook is, for activities and progress."""
    if lesson_id not in course().lessons:
        raise KeyError(f"unknown lesson '{lesson_id}'")
    _current["lesson"] = lesson_id


def table(name: str) -> pd.DataFrame:
    """Show a data table from content/data (with its source column) and return it."""
    frame = pd.read_csv(course().tables[name], dtype=str).fillna("")
    display(frame.style.hide(axis="index"))
    return frame


def activity(activity_id: str) -> None:
    """Show one activity of the current lesson."""
    from course_tools.widgets import show_activity

    show_activity(course(), _current["lesson"], activity_id)


def progress() -> None:
    """Show the student's progress per lesson (table and chart)."""
    from course_tools.widgets import show_progress

    show_progress(course())


def discussion() -> None:
    """An answer box for the lesson's discussion prompt, saved with the student's progress."""
    from course_tools.activities.specs import ReflectionSpec
    from course_tools.widgets import store_for
    from course_tools.widgets.widget_reflection import ReflectionView

    lesson = course().lessons[_current["lesson"]]
    spec = ReflectionSpec(id="discussion", type="reflection", title="Your answer to the discussion question",
                          instructions="Write a few sentences before the class discussion; you can change them "
                                       "afterwards. Only you see them.",
                          prompt=lesson.discussion_prompt, min_words=25, outline=released_outline(lesson.id))
    display(ReflectionView(spec, lesson.id, store_for(course())).root)


def released_outline(lesson_id: str) -> list[str]:
    """The exit ticket's model answer and key points, once the instructor has released them into the
    student edition (`course-tools edition --release exit_<lesson>`); none before, and none in class."""
    released = course().released.get(f"exit_{lesson_id}")
    if released is None:
        return []
    answer = released.answers[0]
    return [f"Model answer (released by your instructor): {answer.model_answer}", *answer.key_points]
