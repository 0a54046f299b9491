"""What a kernel tells the class pulse about one Check: the answer in the activity's own ids, never free text.

A student's answer is hostile data and may hold their own words (a plan's reason, the name of what
they assess): only values the activity itself offers leave the kernel (an option id or text of the
spec, a number on its scale; for a written reflection, its word count), and the pulse checks every one
of them against the course again (`offered_answer(..., strict=True)`), then scores the answer and
labels the options itself, so a posted record cannot invent a question, an option or a score.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from course_tools.activities import check
from course_tools.activities.reflection import score_for_words, text_of, word_count

MAX_LABEL = 80
MAX_WORDS = 100_000  # a reflection's word count as posted: max_chars (at most a few thousand) bounds the real one


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

    if getattr(spec, "type", "") == "reflection":
        return {}  # a word count is not an option
    out: dict[str, list[str]] = {}

    def add(key: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        picked = [o for o in (option(key, v) for v in values) if o is not None]
        if picked:
            seen = out.setdefault(_key_label(key, labels), [])
            seen.extend(o for o in picked if o not in seen)  # an option counts once per student

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


class NotOffered(ValueError):
    """A value the activity does not offer (strict mode); the message names the field."""


def _ids(items: Any) -> set[str]:
    return {item.id for item in items}


def offered_answer(spec: Any, answer: Any, strict: bool = False) -> Any:
    """`answer` reduced to what `spec` offers, in the spec's ids: the same shape `check` takes, minus
    free text (a planner's reason, a self-assessment's subject; a reflection becomes {"words": n}).
    With `strict` (the pulse, on what a kernel posted) anything else raises NotOffered instead of
    being dropped, naming the field, e.g. "answer.q1: option 7 is not one of the question's 2"."""

    def refuse(where: str, message: str) -> None:
        if strict:
            raise NotOffered(f"answer{where}: {message}")

    def mapping(value: Any, allowed_keys: set[str], keep: Callable[[str, Any], bool]) -> dict[str, Any]:
        if not isinstance(value, dict):
            refuse("", "expected an object")
            return {}
        out = {}
        for key, item in value.items():
            if key not in allowed_keys:
                refuse(f".{str(key)[:40]}", "not a question of this activity")
            elif item is None or item == "":
                out[key] = None
            elif keep(key, item):
                out[key] = item
            else:
                refuse(f".{key}", f"{str(item)[:40]!r} is not an option this activity offers")
        return out

    kind = getattr(spec, "type", "")
    if kind == "choice":
        sizes = {q.id: len(q.options) for q in spec.questions}
        return mapping(answer, set(sizes), lambda key, item: type(item) is int and 0 <= item < sizes[key])
    if kind == "classify":
        groups = _ids(spec.groups)
        return mapping(answer, _ids(spec.cards), lambda key, item: isinstance(item, str) and item in groups)
    if kind == "match":
        rights = set(spec.choices())
        return mapping(answer, _ids(spec.pairs), lambda key, item: isinstance(item, str) and item in rights)
    if kind == "matrix":
        cells = {f"{r.id}/{c.id}" for r in spec.rows for c in spec.columns}
        levels = {lv.value for lv in spec.levels}
        return mapping(answer, cells, lambda key, item: type(item) is int and item in levels)
    if kind == "planner":
        parts = {p.id: p for p in spec.parts}
        value = {k: v for k, v in answer.items() if k != "_reason"} if isinstance(answer, dict) and not strict \
            else answer

        def part_choice(key: str, item: Any) -> bool:
            options = _ids(parts[key].options)
            return (isinstance(item, list) and len(item) == len(set(item)) <= (len(options) if parts[key].many else 1)
                    and all(isinstance(o, str) and o in options for o in item))
        return mapping(value, set(parts), part_choice)
    if kind == "rank":
        items = _ids(spec.items)
        if not isinstance(answer, list) or len(answer) > len(spec.items):
            refuse("", f"expected a list of at most {len(spec.items)} items")
            return []
        ranked = []
        for position, item in enumerate(answer):
            if item is None or (isinstance(item, str) and item in items):
                ranked.append(item)
            else:
                refuse(f"[{position}]", f"{str(item)[:40]!r} is not an item of this activity")
                ranked.append(None)
        return ranked
    if kind == "sliders":
        criteria = _ids(spec.criteria)
        ratings = answer.get("ratings") if isinstance(answer, dict) else None
        if strict and (not isinstance(answer, dict) or set(answer) != {"ratings"}):
            refuse("", 'expected {"ratings": {criterion: rating}}')
        return {"ratings": mapping(ratings, criteria, lambda key, item: type(item) is int
                                   and spec.minimum <= item <= spec.maximum)}
    if kind == "reflection":
        if not strict:
            return {"words": word_count(text_of(spec, answer))}
        words = answer.get("words") if isinstance(answer, dict) and set(answer) == {"words"} else None
        if type(words) is not int or not 0 <= words <= MAX_WORDS:
            refuse("", f'expected {{"words": a count from 0 to {MAX_WORDS}}}')
        return {"words": words}
    refuse("", f"activity type {kind!r} is not counted by the pulse")
    return None


def pulse_score(spec: Any, answer: Any) -> float | None:
    """The score of an offered answer, by the activities' own checkers (None: nothing answered)."""
    if getattr(spec, "type", "") == "reflection":
        return score_for_words(spec, answer["words"]) if answer["words"] else None
    result = check(spec, answer)
    return result.score if result.answered else None


def pulse_record(spec: Any, lesson_id: str, answer: Any) -> dict[str, Any]:
    """The JSON body a kernel posts for one Check (the user comes from the token; the score and the
    options' labels from the pulse's own copy of the course)."""
    return {"lesson": lesson_id, "activity": spec.id, "answer": offered_answer(spec, answer)}
