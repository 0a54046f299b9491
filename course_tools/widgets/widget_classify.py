"""Classify: one dropdown per card (keyboard-usable, no drag and drop)."""

from __future__ import annotations

import ipywidgets as widgets

from course_tools.activities.specs import ClassifySpec
from course_tools.widgets.base import ActivityView, dropdown, label, select


class ClassifyView(ActivityView):
    spec: ClassifySpec

    def build(self) -> widgets.Widget:
        groups = [(g.label, g.id) for g in self.spec.groups]
        self.dropdowns: dict[str, widgets.Dropdown] = {}
        rows = []
        for number, card in enumerate(self.spec.cards, start=1):
            self.dropdowns[card.id] = dropdown(groups, f"Card {number} goes in:", "— choose a group —")
            rows += [label(f"{number}. {card.text}", strong=True), self.dropdowns[card.id]]
        return widgets.VBox(rows)

    def answer(self) -> dict[str, str | None]:
        return {cid: d.value for cid, d in self.dropdowns.items()}

    def set_answer(self, answer: dict[str, str | None]) -> None:
        for cid, d in self.dropdowns.items():
            value = (answer or {}).get(cid)
            select(d, value)


VIEW = ClassifyView
