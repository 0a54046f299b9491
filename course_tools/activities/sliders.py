"""Self-assessment: answer = {"subject": what is assessed, "ratings": {criterion id: rating}}.

There is no right answer: the score records completion, the feedback gives the module's reasoning
for each low or high rating, and the ratings are drawn as a chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_tools.activities.result import ItemResult, Result, empty
from course_tools.activities.specs import SlidersSpec

if TYPE_CHECKING:  # pandas costs ~0.6 s to import; only the views' tables need it
    import pandas as pd

Answer = dict[str, object]


def ratings(spec: SlidersSpec, answer: Answer) -> dict[str, int]:
    """The valid ratings of an answer, by criterion id (out-of-range or unknown ones dropped)."""
    raw = (answer or {}).get("ratings") or {}
    if not isinstance(raw, dict):
        return {}
    out = {}
    for criterion in spec.criteria:
        value = raw.get(criterion.id)
        if isinstance(value, int | float) and spec.minimum <= value <= spec.maximum:
            out[criterion.id] = int(value)
    return out


def check(spec: SlidersSpec, answer: Answer) -> Result:
    rated = ratings(spec, answer)
    if not rated:
        return empty("rating")
    items = []
    for criterion in spec.criteria:
        if criterion.id not in rated:
            items.append(ItemResult(criterion.id, criterion.label, None, "not rated yet."))
            continue
        value = rated[criterion.id]
        advice = criterion.low if value < spec.threshold else criterion.high
        items.append(ItemResult(criterion.id, f"{criterion.label} ({value} of {spec.maximum})", None, advice))
    subject = str((answer or {}).get("subject") or "").strip() or "the institution"
    done = len(rated) / len(spec.criteria)
    weakest = min(rated, key=lambda cid: (rated[cid], cid))
    label = {c.id: c.label for c in spec.criteria}[weakest]
    mean = sum(rated.values()) / len(rated)
    summary = (f"You rated {subject} on {len(rated)} of {len(spec.criteria)} criteria; average "
               f"{mean:.1f} of {spec.maximum}. Where reform is most needed, by your rating: {label}.")
    return Result(round(done, 4), items, summary)


def ratings_frame(spec: SlidersSpec, answer: Answer) -> pd.DataFrame:
    import pandas as pd

    rated = ratings(spec, answer)
    return pd.DataFrame({"Criterion": [c.label for c in spec.criteria],
                         "Rating": [rated.get(c.id) for c in spec.criteria]})
