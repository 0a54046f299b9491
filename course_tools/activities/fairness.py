"""Choice items that cannot be gamed: the key is not given away by its length or by the wording
of the wrong options.

Test-wise students pick the longest option, or avoid options with absolutes ("only", "alone"),
since writers qualify the right answer and exaggerate the wrong ones. An item where that works
measures test-wiseness, not understanding of the module."""

from __future__ import annotations

import re

from course_tools.activities.specs import ChoiceQuestion

LONGEST_MARGIN = 1.3  # the key may be longest, but not by more than this factor over every distractor
ABSOLUTES = ("only", "alone", "no one", "nobody", "nothing", "never", "always", "replace", "all", "every",
             "entirely", "solely")


def absolutes(text: str) -> set[str]:
    """The give-away absolutes in a text (whole words, any case)."""
    lowered = text.lower()
    return {word for word in ABSOLUTES if re.search(rf"\b{re.escape(word)}\b", lowered)}


def give_aways(question: ChoiceQuestion) -> list[str]:
    """One line per way this item lets a student find the key without knowing the module."""
    key = next(o for o in question.options if o.correct)
    distractors = [o for o in question.options if not o.correct]
    found = []
    longest_wrong = max(len(o.text) for o in distractors)
    if len(key.text) > LONGEST_MARGIN * longest_wrong:
        found.append(f"the key is the longest option by far ({len(key.text)} characters against at most "
                     f"{longest_wrong}): make the options of similar length")
    for option in distractors:
        extra = sorted(absolutes(option.text) - absolutes(key.text))
        if extra:
            found.append(f"the wrong option '{option.text[:40]}' gives itself away with "
                         f"{', '.join(repr(w) for w in extra)}, which the key lacks")
    return found


def strategy_score(questions: list[ChoiceQuestion], pick) -> float:
    """Share of questions a blind strategy gets right; `pick(question)` returns an option index."""
    return sum(question.options[pick(question)].correct for question in questions) / len(questions)


def chance(questions: list[ChoiceQuestion]) -> float:
    return sum(1 / len(question.options) for question in questions) / len(questions)
