"""Activities: pure logic (items, checking, scoring, feedback), no ipywidgets import.

`check(spec, answer)` dispatches on the spec's `type` to the module of that name.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from course_tools.activities.result import Result
from course_tools.activities.specs import ACTIVITY_TYPES

CHECKERS = {kind: import_module(f"{__name__}.{kind}").check for kind in ACTIVITY_TYPES}


def check(spec: Any, answer: Any) -> Result:
    """Check a student's answer against an activity spec; never raises on a malformed answer
    (an answer saved by an older version of the content simply scores what still matches)."""
    return CHECKERS[spec.type](spec, answer)
