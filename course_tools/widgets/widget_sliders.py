"""Self-assessment: a labelled scale per criterion; after checking, a bar chart and advice."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course_tools.activities import sliders
from course_tools.activities.result import Result
from course_tools.activities.specs import SlidersSpec
from course_tools.widgets import charts
from course_tools.widgets.base import LABEL_STYLE, WIDE, ActivityView, label, png, table


class SlidersView(ActivityView):
    spec: SlidersSpec

    def build(self) -> widgets.Widget:
        self.subject = widgets.Text(description=self.spec.subject_label, style=LABEL_STYLE, layout=WIDE,
                                    placeholder="type a name")
        # A row of radio buttons per criterion, not an IntSlider: its handle has no accessible name
        # (axe-core: aria-input-field-name, serious); radios are labelled and move with the arrow keys.
        self.sliders: dict[str, widgets.RadioButtons] = {}
        rows = [self.subject, label(f"Scale: {self.spec.scale}")]
        scale = list(range(self.spec.minimum, self.spec.maximum + 1))
        for criterion in self.spec.criteria:
            self.sliders[criterion.id] = widgets.RadioButtons(
                options=scale, value=self.spec.threshold, orientation="horizontal",
                description=f"{criterion.label}:", style=LABEL_STYLE)
            rows += [label(criterion.question), self.sliders[criterion.id]]
        return widgets.VBox(rows)

    def answer(self) -> dict[str, object]:
        return {"subject": self.subject.value.strip(),
                "ratings": {cid: s.value for cid, s in self.sliders.items()}}

    def set_answer(self, answer: dict[str, object]) -> None:
        answer = answer or {}
        self.subject.value = str(answer.get("subject") or "")
        rated = sliders.ratings(self.spec, answer)
        for cid, slider in self.sliders.items():
            slider.value = rated.get(cid, self.spec.threshold)

    def extras(self, result: Result) -> list[widgets.Widget]:
        frame = sliders.ratings_frame(self.spec, self.answer())
        subject = self.subject.value.strip() or "the institution"
        alt = "; ".join(f"{r.Criterion} {r.Rating}" for r in frame.itertuples())
        chart = charts.bar_chart(list(frame["Criterion"]), list(frame["Rating"]),
                                 f"Self-assessment: {subject}", f"rating ({self.spec.scale})", self.spec.maximum)
        return [png(chart, f"Chart of your ratings: {alt}."),
                table(frame, f"Your ratings of {html.unescape(subject)}")]


VIEW = SlidersView
