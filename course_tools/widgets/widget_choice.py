"""Multiple choice: one group of radio buttons per question, under its visible prompt."""

from __future__ import annotations

import ipywidgets as widgets

from course_tools.activities.specs import ChoiceSpec
from course_tools.widgets.base import LABEL_STYLE, WIDE, ActivityView, label


class ChoiceView(ActivityView):
    spec: ChoiceSpec

    def build(self) -> widgets.Widget:
        self.radios: dict[str, widgets.RadioButtons] = {}
        rows = []
        for number, question in enumerate(self.spec.questions, start=1):
            radio = widgets.RadioButtons(options=[(o.text, i) for i, o in enumerate(question.options)],
                                         index=None, description=f"Answer {number}:", style=LABEL_STYLE,
                                         layout=WIDE)
            self.radios[question.id] = radio
            rows += [label(f"{number}. {question.prompt}", strong=True), radio]
        return widgets.VBox(rows)

    def answer(self) -> dict[str, int | None]:
        return {qid: radio.value for qid, radio in self.radios.items()}

    def set_answer(self, answer: dict[str, int | None]) -> None:
        for qid, radio in self.radios.items():
            value = (answer or {}).get(qid)
            radio.index = value if isinstance(value, int) and 0 <= value < len(radio.options) else None
