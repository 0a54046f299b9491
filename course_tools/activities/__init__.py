"""Activities: pure logic (items, checking, scoring, feedback), no ipywidgets import.

`check(spec, answer)` dispatches on the spec's `type` to the module of that name.
"""

from __future__ import annotations

from typing import Any

from course_tools.activities import choice, classify, match, matrix, planner, rank, reflection, sliders
from course_tools.activities.result import Result

CHECKERS = {
    "choice": choice.check,
    "classify": classify.check,
    "match": match.check,
    "rank": rank.check,
    "planner": planner.check,
    "sliders": sliders.check,
    "matrix": matrix.check,
    "reflection": reflection.check,
}


def check(spec: Any, answer: Any) -> Result:
    """Check a student's answer against an activity spec; never raises on a malformed answer
    (an answer saved by an older version of the content simply scores what still matches)."""
    return CHECKERS[spec.type](spec, answer)
