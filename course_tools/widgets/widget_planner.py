"""Planner: checkboxes (or one dropdown) per part; after checking, the plan as a pandas table,
a summary sentence and a chart of how each part fits the module."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course_tools.activities import planner
from course_tools.activities.result import Result
from course_tools.activities.specs import PlannerSpec
from course_tools.widgets import charts
from course_tools.widgets.base import WIDE, ActivityView, dropdown, label, png, select, table


class PlannerView(ActivityView):
    spec: PlannerSpec

    def build(self) -> widgets.Widget:
        self.boxes: dict[str, dict[str, widgets.Checkbox]] = {}
        self.single: dict[str, widgets.Dropdown] = {}
        rows = []
        for part in self.spec.parts:
            rows.append(label(part.label + (" (choose all that fit)" if part.many else " (choose one)"), strong=True))
            if part.many:
                self.boxes[part.id] = {o.id: widgets.Checkbox(value=False, description=o.text, indent=False,
                                                              layout=WIDE) for o in part.options}
                rows += list(self.boxes[part.id].values())
            else:
                self.single[part.id] = dropdown([(o.text, o.id) for o in part.options], "Choice:")
                rows.append(self.single[part.id])
        self.reason = widgets.Text(value="", description="Why this plan?", placeholder="one line: why it fits",
                                   layout=WIDE, style={"description_width": "initial"})
        rows += [label("Your reason (one line; saved with your plan)", strong=True), self.reason]
        return widgets.VBox(rows)

    def answer(self) -> dict[str, list[str]]:
        out = {pid: [oid for oid, box in boxes.items() if box.value] for pid, boxes in self.boxes.items()}
        out.update({pid: [d.value] if d.value else [] for pid, d in self.single.items()})
        return {**{p.id: out[p.id] for p in self.spec.parts}, planner.REASON: self.reason.value.strip()}

    def set_answer(self, answer: dict[str, list[str]]) -> None:
        answer = answer or {}
        for pid, boxes in self.boxes.items():
            for oid, box in boxes.items():
                box.value = oid in (answer.get(pid) or [])
        for pid, d in self.single.items():
            picked = [o for o in (answer.get(pid) or []) if o in {x[1] for x in d.options}]
            select(d, picked[0] if picked else None)
        self.reason.value = planner.reason_of(answer)

    def extras(self, result: Result) -> list[widgets.Widget]:
        answer = self.answer()
        counts = planner.part_counts(self.spec, answer)
        alt = "; ".join(f"{part}: {row.iloc[0]} fit, {row.iloc[1]} do not" for part, row in counts.iterrows())
        return [
            widgets.HTML(f"<p>{html.escape(planner.plan_summary(self.spec, answer))}</p>"),
            table(planner.plan_frame(self.spec, answer), self.spec.plan_name),
            png(charts.stacked_bars(counts, self.spec.plan_name, "number of choices"), f"Chart: {alt}."),
        ]


VIEW = PlannerView
