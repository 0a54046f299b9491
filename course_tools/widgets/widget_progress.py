"""Progress per lesson: a table and a bar chart, with a button to refresh after answering."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from course_tools.activities.progress import ProgressStore, progress_frame
from course_tools.content.loader import Course
from course_tools.widgets import charts
from course_tools.widgets.base import png, table


class ProgressView:
    def __init__(self, course: Course, store: ProgressStore):
        self.course = course
        self.store = store
        self.refresh_button = widgets.Button(description="Refresh progress", tooltip="Read the progress file again")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.body = widgets.VBox([])
        self.root = widgets.VBox([self.refresh_button, self.body])
        self.root.add_class("ma-progress")
        self.refresh()

    def frame(self) -> pd.DataFrame:
        lessons = []
        for lesson in self.course.ordered_lessons():
            found = self.course.activities.get(lesson.id)
            lessons.append((lesson.id, lesson.title, [a.id for a in found.activities] if found else []))
        return progress_frame(lessons, self.store.read())

    def refresh(self) -> None:
        frame = self.frame()
        done, total = int(frame["Done"].sum()), int(frame["Activities"].sum())
        alt = "; ".join(f"{name}: {score}%" for name, score in zip(frame["Lesson"], frame["Score %"], strict=True))
        chart = charts.bar_chart(list(frame["Lesson"]), list(frame["Score %"]), "Your progress", "score %", 100)
        self.body.children = (
            widgets.HTML(f"<p><b>You have answered {done} of {total} activities.</b> "
                         "Scores count unanswered activities as 0.</p>"),
            table(frame, "Progress per lesson"),
            png(chart, f"Chart of score per lesson: {alt}."),
        )
