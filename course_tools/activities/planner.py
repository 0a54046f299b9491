"""Planner / builder: answer = {part id: [option ids], "_reason": one line}; the plan is a table
and a summary.

A part is right when it has every `required` option and no `poor` one. Score = parts right / parts.
The student's one-line reason for the plan is saved with it and shown in the summary: choosing is
not yet judging, and the reason is what a class discusses. It is not scored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_tools.activities.result import ItemResult, Result, empty
from course_tools.activities.specs import PlannerSpec

if TYPE_CHECKING:  # pandas costs ~0.6 s to import; only the views' tables need it
    import pandas as pd

Answer = dict[str, list[str] | str]
REASON = "_reason"  # not a valid part id, so it never collides with one
REASON_MAX = 300


def reason_of(answer: Answer | None) -> str:
    """The student's reason for the plan, on one line, at most REASON_MAX characters."""
    value = (answer or {}).get(REASON)
    return " ".join(value.split())[:REASON_MAX] if isinstance(value, str) else ""


def _chosen(spec: PlannerSpec, answer: Answer) -> dict[str, list[str]]:
    answer = answer or {}
    out = {}
    for part in spec.parts:
        known = {o.id for o in part.options}
        picked = answer.get(part.id) or []
        out[part.id] = [o for o in dict.fromkeys(picked) if isinstance(o, str) and o in known]
    return out


def check(spec: PlannerSpec, answer: Answer) -> Result:
    chosen = _chosen(spec, answer)
    if not any(chosen.values()):
        return empty("choice for your plan")
    items: list[ItemResult] = []
    parts_right = 0
    for part in spec.parts:
        options = {o.id: o for o in part.options}
        picked = [options[o] for o in chosen[part.id]]
        missing = [o for o in part.options if o.fit == "required" and o not in picked]
        poor = [o for o in picked if o.fit == "poor"]
        if picked and not missing and not poor:
            parts_right += 1
        for option in picked:
            items.append(ItemResult(option.id, f"{part.label}: {option.text}", option.fit != "poor", option.why))
        for option in missing:
            items.append(ItemResult(option.id, f"{part.label}: {option.text}", False,
                                    f"missing from your plan. {option.why}"))
        if not picked and not missing:
            items.append(ItemResult(part.id, part.label, False, "nothing chosen for this part of the plan."))
    total = len(spec.parts)
    score = parts_right / total
    verdict = "Your plan fits the module." if parts_right == total else (
        "Look again at the parts with items marked Not quite.")
    if not reason_of(answer):
        verdict += " Add one line saying why your plan fits the situation."
    summary = f"Score {round(100 * score)}%: {parts_right} of {total} parts of the plan fit the module. {verdict}"
    return Result(round(score, 4), items, summary)


def plan_frame(spec: PlannerSpec, answer: Answer) -> pd.DataFrame:
    """The student's plan as a table: one row per choice, with whether it fits the module."""
    import pandas as pd

    chosen = _chosen(spec, answer)
    rows = []
    for part in spec.parts:
        options = {o.id: o for o in part.options}
        for option_id in chosen[part.id]:
            option = options[option_id]
            rows.append({"Part of the plan": part.label, "Choice": option.text,
                         "Fits the module": "No" if option.fit == "poor" else "Yes"})
    return pd.DataFrame(rows, columns=["Part of the plan", "Choice", "Fits the module"])


def plan_summary(spec: PlannerSpec, answer: Answer) -> str:
    """One sentence per part: 'Participants: A, B and C.'"""
    chosen = _chosen(spec, answer)
    lines = []
    for part in spec.parts:
        texts = [o.text for o in part.options if o.id in chosen[part.id]]
        if not texts:
            lines.append(f"{part.label}: (nothing chosen yet).")
        elif len(texts) == 1:
            lines.append(f"{part.label}: {texts[0]}.")
        else:
            lines.append(f"{part.label}: {', '.join(texts[:-1])} and {texts[-1]}.")
    reason = reason_of(answer)
    return f"{spec.plan_name}. " + " ".join(lines) + (f" Your reason: {reason}" if reason else "")


def part_counts(spec: PlannerSpec, answer: Answer) -> pd.DataFrame:
    """Per part, how many choices fit the module and how many do not (for the chart)."""
    import pandas as pd

    frame = plan_frame(spec, answer)
    labels = [p.label for p in spec.parts]
    counts = pd.crosstab(frame["Part of the plan"], frame["Fits the module"]) if len(frame) else pd.DataFrame()
    counts = counts.reindex(index=labels, columns=["Yes", "No"], fill_value=0).fillna(0).astype(int)
    return counts.rename(columns={"Yes": "Fits the module", "No": "Does not fit"})
