"""Rank / prioritise: answer = list of item ids, first = highest (None for an empty position)."""

from __future__ import annotations

from course_tools.activities.result import NOT_YET, ItemResult, Result, empty, scored
from course_tools.activities.specs import RankSpec

Answer = list[str | None]


def check(spec: RankSpec, answer: Answer) -> Result:
    """Each scored position is right when it holds the item the module puts there. An item
    used twice counts only where it is right, so a repeated guess cannot fill every slot."""
    answer = list(answer or [])
    if not any(answer):
        return empty("item for a position")
    texts = {i.id: i.text for i in spec.items}
    items = []
    n = spec.scored_positions
    for position, expected in enumerate(spec.items[:n], start=1):
        chosen = answer[position - 1] if position <= len(answer) else None
        label = f"{spec.position_label} {position}"
        if chosen == expected.id:
            items.append(ItemResult(expected.id, label, True, f"{expected.text}. {expected.why}"))
        elif chosen not in texts:
            items.append(ItemResult(expected.id, label, False, NOT_YET))
        else:
            items.append(ItemResult(expected.id, label, False,
                                    f"you put \"{texts[chosen]}\"; it should be \"{expected.text}\". {expected.why}"))
    repeated = sorted({texts[c] for c in answer if c in texts and answer.count(c) > 1})
    result = scored(items, n, "positions")
    if repeated:
        note = f" You used some items more than once: {'; '.join(repeated)}."
        result = Result(result.score, result.items, result.summary + note)
    return result
