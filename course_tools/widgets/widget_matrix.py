"""Coherence matrix: one labelled dropdown per cell; after checking, the DataFrame and a heatmap."""

from __future__ import annotations

import ipywidgets as widgets

from course_tools.activities import matrix
from course_tools.activities.result import Result
from course_tools.activities.specs import MatrixSpec
from course_tools.widgets import charts
from course_tools.widgets.base import ActivityView, dropdown, label, png, select, table


class MatrixView(ActivityView):
    spec: MatrixSpec

    def build(self) -> widgets.Widget:
        levels = [(lv.label, lv.value) for lv in self.spec.levels]
        self.cells: dict[str, widgets.Dropdown] = {}
        rows = [label(f"Scenario: {self.spec.scenario}", strong=True)]
        for row in self.spec.rows:
            rows.append(label(f"{row.label} policy", strong=True))
            for column in self.spec.columns:
                cell = dropdown(levels, f"effect on {column.label}:", "— rate —")
                self.cells[matrix.key(row.id, column.id)] = cell
                rows.append(cell)
        return widgets.VBox(rows)

    def answer(self) -> dict[str, int | None]:
        return {k: d.value for k, d in self.cells.items()}

    def set_answer(self, answer: dict[str, int | None]) -> None:
        for k, d in self.cells.items():
            value = (answer or {}).get(k)
            select(d, value)

    def extras(self, result: Result) -> list[widgets.Widget]:
        frame = matrix.frame(self.spec, self.answer())
        labels = {lv.value: lv.label for lv in self.spec.levels}
        shown = frame.apply(lambda col: col.map(lambda v: "–" if v != v else labels[int(v)]))
        return [table(shown.reset_index(names="Policy"), "Your coherence matrix"),
                png(charts.heatmap(frame, labels, "Coherence matrix"),
                    "Heatmap of the table above: each cell is labelled with your rating.")]


VIEW = MatrixView
