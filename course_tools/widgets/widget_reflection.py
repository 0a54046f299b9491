"""A written answer: a labelled text area and a Save button; the text is only ever shown back
inside the text area (never as HTML)."""

from __future__ import annotations

import ipywidgets as widgets

from course_tools.activities.reflection import text_of
from course_tools.activities.specs import ReflectionSpec
from course_tools.widgets.base import WIDE, ActivityView, label


class ReflectionView(ActivityView):
    spec: ReflectionSpec

    def build(self) -> widgets.Widget:
        self.check_button.description = "Save"
        self.check_button.tooltip = "Save your answer"
        self.text = widgets.Textarea(value="", placeholder="Write in your own words.", description="Your answer:",
                                     rows=6, layout=WIDE, style={"description_width": "initial"})
        self.text.add_class("ma-reflection")
        return widgets.VBox([label(self.spec.prompt, strong=True), self.text])

    def answer(self) -> str:
        return text_of(self.spec, self.text.value)

    def set_answer(self, answer: object) -> None:
        self.text.value = text_of(self.spec, answer)


VIEW = ReflectionView
