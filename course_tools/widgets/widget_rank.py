"""Rank: one dropdown per position (position 1 = first), so ordering needs no dragging."""

from __future__ import annotations

import ipywidgets as widgets

from course_tools.activities.specs import RankSpec
from course_tools.widgets.base import ActivityView, dropdown, label, select


class RankView(ActivityView):
    spec: RankSpec

    def build(self) -> widgets.Widget:
        options = [(i.text, i.id) for i in self.spec.shuffled()]
        self.positions = [dropdown(options, f"{self.spec.position_label} {n}:")
                          for n in range(1, len(self.spec.items) + 1)]
        note = ("Every position counts." if self.spec.scored is None else
                f"Only the first {self.spec.scored} position(s) are checked; order the rest as you think best.")
        return widgets.VBox([label(note), *self.positions])

    def answer(self) -> list[str | None]:
        return [d.value for d in self.positions]

    def set_answer(self, answer: list[str | None]) -> None:
        answer = list(answer or [])
        for n, d in enumerate(self.positions):
            value = answer[n] if n < len(answer) else None
            select(d, value)


VIEW = RankView
