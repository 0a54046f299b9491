"""Multiple-choice knowledge check: answer = {question id: index of the chosen option}."""

from __future__ import annotations

from course_tools.activities.result import NOT_YET, ItemResult, Result, empty, scored
from course_tools.activities.specs import ChoiceSpec

Answer = dict[str, int | None]


def check(spec: ChoiceSpec, answer: Answer) -> Result:
    """Every question counts; an unanswered question is wrong, unless nothing is answered."""
    answer = answer or {}
    if all(answer.get(q.id) is None for q in spec.questions):
        return empty("option")
    items = []
    for number, question in enumerate(spec.questions, start=1):
        where = f"Question {number}"  # the prompt is on screen right above; repeating it buries the feedback
        chosen = answer.get(question.id)
        right = next(o for o in question.options if o.correct)
        if chosen is None or not 0 <= chosen < len(question.options):
            items.append(ItemResult(question.id, where, False, NOT_YET))
            continue
        option = question.options[chosen]
        text = option.feedback if option.correct else (
            f"\"{option.text}\": {option.feedback} The answer is \"{right.text}\".")
        items.append(ItemResult(question.id, where, option.correct, text))
    return scored(items, len(spec.questions), "questions")
