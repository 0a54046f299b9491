"""The course's own activities: enough per lesson, and each one's model answer scores 100%
(so content and checking agree), while an empty answer is never scored."""

from __future__ import annotations

from typing import Any

import pytest

from course_tools.activities import check, matrix
from course_tools.content.loader import Course, load_course
from tests.paths import CONTENT

COURSE = load_course(CONTENT)
ALL = [(lesson, spec) for lesson, file in COURSE.activities.items() for spec in file.activities]


def model_answer(spec: Any) -> Any:
    """The answer the content itself says is right."""
    match spec.type:
        case "choice":
            return {q.id: next(i for i, o in enumerate(q.options) if o.correct) for q in spec.questions}
        case "classify":
            return {c.id: c.group for c in spec.cards}
        case "match":
            return {p.id: p.right for p in spec.pairs}
        case "rank":
            return [i.id for i in spec.items]
        case "planner":
            return {p.id: [o.id for o in p.options if o.fit != "poor"][: None if p.many else 1] for p in spec.parts}
        case "sliders":
            return {"subject": "UNDP", "ratings": {c.id: spec.maximum for c in spec.criteria}}
        case "matrix":
            signs = {"negative": min, "positive": max}
            values = [lv.value for lv in spec.levels]
            return {matrix.key(c.row, c.column): signs[c.sign](values) if c.sign in signs else 0
                    for c in spec.expected}
        case "reflection":
            return " ".join(spec.outline) or "word " * spec.min_words
    raise AssertionError(spec.type)


def test_every_action_area_has_two_activities_and_the_overview_a_diagnostic(course: Course) -> None:
    for lesson_id in course.module.lessons:
        count = len(course.activities[lesson_id].activities)
        assert count >= (1 if lesson_id == "overview" else 2), lesson_id
    assert course.activities["overview"].activities[0].type == "choice"
    types = {spec.type for _, spec in ALL}
    assert types == {"choice", "classify", "match", "rank", "planner", "sliders", "matrix", "reflection"}


@pytest.mark.parametrize(("lesson", "spec"), ALL, ids=[f"{lesson}/{spec.id}" for lesson, spec in ALL])
def test_model_answer_scores_full_and_empty_answer_none(lesson: str, spec: Any) -> None:
    result = check(spec, model_answer(spec))
    assert result.score == 1, result.lines
    assert not any(item.correct is False for item in result.items), result.lines
    assert not check(spec, {} if spec.type != "rank" else []).answered


@pytest.mark.parametrize(("lesson", "spec"), ALL, ids=[f"{lesson}/{spec.id}" for lesson, spec in ALL])
def test_feedback_cites_the_module(lesson: str, spec: Any) -> None:
    """Each activity names the module bullets its feedback uses."""
    assert spec.seed, f"{lesson}/{spec.id} has no seed refs"
    assert all(ref in COURSE.seed for ref in spec.seed)
