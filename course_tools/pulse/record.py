"""What a kernel tells the class pulse about one Check: ids, score and the options chosen, never free text.

A student's answer is hostile data and may hold their own words (a plan's reason, the name of what
they assess): only values the activity itself offers leave the kernel (an option id or text of the
spec, a number on a scale), shown with the spec's own labels. Anything else is dropped.
"""

from __future__ import annotations

import re
from typing import Any

MAX_LABEL = 80


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1] + "…"


def _walk(value: Any):
    """Every dict in a dumped spec; a list of strings (e.g. distractors) comes as {"": [...]}."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        if strings := [item for item in value if isinstance(item, str)]:
            yield {"": strings}
        for item in value:
            yield from _walk(item)


def spec_vocabulary(spec: Any) -> tuple[dict[str, str], set[str]]:
    """(label of each id in the spec, every string the spec offers)."""
    dump = spec.model_dump()
    labels: dict[str, str] = {}
    strings: set[str] = set()
    for node in _walk(dump):
        for key in ("text", "label", "prompt", "left"):
            if isinstance(node.get("id"), str) and isinstance(node.get(key), str):
                labels.setdefault(node["id"], node[key])
        strings.update(v for v in node.values() if isinstance(v, str))
        strings.update(v for v in node.get("", []))
    return labels, strings


def _key_label(key: str, labels: dict[str, str]) -> str:
    if key in labels:
        return _short(labels[key])
    parts = re.split(r"[/|:]", key)
    return _short(" × ".join(labels.get(p, p) for p in parts))


def choices(spec: Any, answer: Any) -> dict[str, list[str]]:
    """Per question (labelled as the student saw it), the options chosen, from the spec's vocabulary."""
    labels, strings = spec_vocabulary(spec)
    level_labels = {lv.value: lv.label for lv in getattr(spec, "levels", [])}
    question_options = {q.id: [o.text for o in q.options] for q in getattr(spec, "questions", [])}

    def option(key: str, value: Any) -> str | None:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int):
            if key in question_options:
                opts = question_options[key]
                return _short(opts[value]) if 0 <= value < len(opts) else None
            return _short(level_labels.get(value, str(value)))
        if isinstance(value, float):
            return str(value)
        if isinstance(value, str) and value and (value in labels or value in strings):
            return _short(labels.get(value, value))
        return None  # free text or anything the spec does not offer

    out: dict[str, list[str]] = {}

    def add(key: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        picked = [o for o in (option(key, v) for v in values) if o is not None]
        if picked:
            out.setdefault(_key_label(key, labels), []).extend(picked)

    if isinstance(answer, list):  # a ranking: position -> item
        for number, value in enumerate(answer, start=1):
            add(f"{getattr(spec, 'position_label', 'Position')} {number}", value)
    elif isinstance(answer, dict):
        for key, value in answer.items():
            if str(key).startswith("_"):  # the student's own words (a planner's reason): never sent
                continue
            if isinstance(value, dict):  # e.g. ratings per criterion
                for inner, item in value.items():
                    add(str(inner), item)
            else:
                add(str(key), value)
    return out


def pulse_record(spec: Any, lesson_id: str, answer: Any, score: float) -> dict[str, Any]:
    """The JSON body a kernel posts for one Check (the user comes from the token, never from here)."""
    return {"lesson": lesson_id, "activity": spec.id, "type": getattr(spec, "type", ""),
            "score": round(float(score), 4), "choices": choices(spec, answer)}
