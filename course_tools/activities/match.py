"""Match: answer = {pair id: the right-hand text chosen for that left item}."""

from __future__ import annotations

from course_tools.activities.result import NOT_YET, ItemResult, Result, empty, scored
from course_tools.activities.specs import MatchSpec

Answer = dict[str, str | None]


def check(spec: MatchSpec, answer: Answer) -> Result:
    answer = answer or {}
    if all(not answer.get(p.id) for p in spec.pairs):
        return empty("match")
    items = []
    for pair in spec.pairs:
        chosen = answer.get(pair.id)
        if chosen == pair.right:
            items.append(ItemResult(pair.id, pair.left, True, f"{pair.right}. {pair.why}"))
        elif not chosen:
            items.append(ItemResult(pair.id, pair.left, False, NOT_YET))
        else:
            items.append(ItemResult(pair.id, pair.left, False,
                                    f"you chose \"{chosen}\"; the match is \"{pair.right}\". {pair.why}"))
    return scored(items, len(spec.pairs), "matches")
