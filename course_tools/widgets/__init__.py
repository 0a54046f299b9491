"""Thin ipywidgets views over course_tools.activities: one `widget_<type>.py` per activity type (instructor
views in `instructor/`)."""

from __future__ import annotations

from importlib import import_module

from IPython.display import display

from course_tools.activities.progress import ProgressStore, default_path
from course_tools.activities.specs import ACTIVITY_TYPES
from course_tools.content.loader import Course
from course_tools.widgets.base import ActivityView
from course_tools.widgets.widget_progress import ProgressView

# Each activity type's view is `VIEW` in widget_<type>.py (the registry is activities.specs.ACTIVITY_TYPES).
VIEWS: dict[str, type[ActivityView]] = {kind: import_module(f"{__name__}.widget_{kind}").VIEW
                                        for kind in ACTIVITY_TYPES}


def store_for(course: Course) -> ProgressStore:
    return ProgressStore(default_path(course.root))


def make_view(course: Course, lesson_id: str, activity_id: str, store: ProgressStore | None = None) -> ActivityView:
    """Build (without displaying) the view of one activity of a lesson."""
    activities = course.activities.get(lesson_id)
    spec = next((a for a in (activities.activities if activities else []) if a.id == activity_id), None)
    if spec is None:
        raise KeyError(f"lesson '{lesson_id}' has no activity '{activity_id}' (content/activities/{lesson_id}.yaml)")
    return VIEWS[spec.type](spec, lesson_id, store or store_for(course))


def show_activity(course: Course, lesson_id: str, activity_id: str) -> ActivityView:
    view = make_view(course, lesson_id, activity_id)
    display(view.root)
    return view


def show_progress(course: Course) -> ProgressView:
    view = ProgressView(course, store_for(course))
    display(view.root)
    return view
