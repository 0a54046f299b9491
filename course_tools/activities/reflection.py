"""A written answer: answer = the text. Nothing here judges content: a machine cannot tell a good
national follow-up plan from a bad one. It says whether the answer is a full one or a draft, and
shows the outline a strong answer covers, so the student can compare for themselves."""

from __future__ import annotations

import re

from course_tools.activities.result import ItemResult, Result
from course_tools.activities.specs import ReflectionSpec


def text_of(spec: ReflectionSpec, answer: object) -> str:
    """The answer as saved: a string, trimmed, at most spec.max_chars characters."""
    return answer.strip()[:spec.max_chars] if isinstance(answer, str) else ""


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def score_for_words(spec: ReflectionSpec, words: int) -> float:
    """A full answer scores 1, a draft (fewer than min_words) 0.5: the class pulse scores a reflection
    from its word count alone, since the text never leaves the student's kernel."""
    return 1.0 if words >= spec.min_words else 0.5


def check(spec: ReflectionSpec, answer: object) -> Result:
    text = text_of(spec, answer)
    if not text:
        return Result(0.0, [], "Nothing written yet: write your answer, then press Save.", False)
    words = word_count(text)
    items = [ItemResult(f"outline-{n}", "A strong answer", None, point) for n, point in enumerate(spec.outline, 1)]
    score = score_for_words(spec, words)
    if score < 1:
        return Result(score, items, f"Saved as a draft ({words} words): a full answer has at least "
                                    f"{spec.min_words}. Compare it with the outline below.")
    return Result(score, items, f"Saved ({words} words). Compare your answer with the outline below.")

