"""Classify: answer = {card id: group id}."""

from __future__ import annotations

from course_tools.activities.result import NOT_YET, ItemResult, Result, empty, scored
from course_tools.activities.specs import ClassifySpec

Answer = dict[str, str | None]


def check(spec: ClassifySpec, answer: Answer) -> Result:
    answer = answer or {}
    if all(not answer.get(c.id) for c in spec.cards):
        return empty("group for a card")
    labels = {g.id: g.label for g in spec.groups}
    items = []
    for card in spec.cards:
        chosen = answer.get(card.id)
        if chosen == card.group:
            items.append(ItemResult(card.id, card.text, True, f"{labels[card.group]}. {card.why}"))
        elif chosen not in labels:
            items.append(ItemResult(card.id, card.text, False, NOT_YET))
        else:
            items.append(ItemResult(card.id, card.text, False,
                                    f"you chose {labels[chosen]}; it belongs in {labels[card.group]}. {card.why}"))
    return scored(items, len(spec.cards), "cards")
