"""Multiple choice: one group of radio buttons per question, under its visible prompt, options in
the student's own stable order (course_tools/activities/shuffle.py)."""

from __future__ import annotations

import ipywidgets as widgets

from course_tools.activities.shuffle import option_order, student_name
from course_tools.activities.specs import ChoiceSpec
from course_tools.widgets.base import LABEL_STYLE, WIDE, ActivityView, label


class ChoiceView(ActivityView):
    spec: ChoiceSpec

    def build(self) -> widgets.Widget:
        self.radios: dict[str, widgets.RadioButtons] = {}
        rows = []
        student = student_name()
        for number, question in enumerate(self.spec.questions, start=1):
            order = option_order(student, self.spec.id, question.id, len(question.options))
            radio = widgets.RadioButtons(options=[(question.options[i].text, i) for i in order],
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
            known = [index for _, index in radio.options]
            radio.value = value if isinstance(value, int) and value in known else None


VIEW = ChoiceView
