"""Match: one dropdown of right-hand items per left-hand item."""

from __future__ import annotations

import ipywidgets as widgets

from course_tools.activities.specs import MatchSpec
from course_tools.widgets.base import ActivityView, dropdown, label, select


class MatchView(ActivityView):
    spec: MatchSpec

    def build(self) -> widgets.Widget:
        choices = [(c, c) for c in self.spec.choices()]
        self.dropdowns: dict[str, widgets.Dropdown] = {}
        rows = []
        for number, pair in enumerate(self.spec.pairs, start=1):
            self.dropdowns[pair.id] = dropdown(choices, f"{self.spec.right_label}:")
            rows += [label(f"{number}. {self.spec.left_label}: {pair.left}", strong=True), self.dropdowns[pair.id]]
        return widgets.VBox(rows)

    def answer(self) -> dict[str, str | None]:
        return {pid: d.value for pid, d in self.dropdowns.items()}

    def set_answer(self, answer: dict[str, str | None]) -> None:
        for pid, d in self.dropdowns.items():
            value = (answer or {}).get(pid)
            select(d, value)


VIEW = MatchView
