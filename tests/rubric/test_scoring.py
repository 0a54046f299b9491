"""Scores from rubric items: sums, bounds, extra credit, unknown items."""

from __future__ import annotations

import pytest

from course_tools.content.loader import Course
from course_tools.rubric.scoring import Item, QuestionRubric, compute, from_content, ordered

RUBRIC = QuestionRubric("a", "q", 4.0, (Item("kp-a", "A", 1.0, "a"), Item("kp-b", "B", 2.0, "b"),
                                          Item("kp-c", "C", 2.0, "c"), Item("distorts", "Wrong", -1.0)))


def test_applied_items_and_adjustment_add_up() -> None:
    score = compute(RUBRIC, ["kp-a", "kp-b"], 0.5)
    assert (score.raw, score.manual, score.extra, score.total) == (3.5, 3.5, 0.0, 3.5)


def test_negative_items_deduct() -> None:
    assert compute(RUBRIC, ["kp-b", "distorts"]).total == 1.0


def test_score_never_below_zero() -> None:
    score = compute(RUBRIC, ["distorts"], -2)
    assert score.raw == -3.0 and score.total == 0.0


def test_score_never_above_the_question_without_extra_credit() -> None:
    score = compute(RUBRIC, ["kp-a", "kp-b", "kp-c"], 1)
    assert score.raw == 6.0 and (score.manual, score.extra) == (4.0, 0.0)


def test_extra_credit_goes_beyond_the_points_as_nbgrader_extra_credit() -> None:
    generous = QuestionRubric("a", "q", 4.0, RUBRIC.items, extra_credit=True)
    score = compute(generous, ["kp-a", "kp-b", "kp-c"], 1)
    assert (score.manual, score.extra, score.total) == (4.0, 2.0, 6.0)
    assert compute(generous, ["distorts"]).total == 0.0


def test_unknown_item_is_an_error_not_a_silent_zero() -> None:
    with pytest.raises(KeyError, match="kp-z"):
        compute(RUBRIC, ["kp-a", "kp-z"])


def test_ordered_follows_the_rubric_not_the_click_order() -> None:
    assert [i.id for i in ordered(RUBRIC, ["distorts", "kp-c", "kp-a"])] == ["kp-a", "kp-c", "distorts"]


def test_review6_rubrics_reach_exactly_full_marks(course: Course) -> None:
    for question in course.assignments["review6"].questions:
        rubric = from_content("review6", question)
        positive = [i.id for i in rubric.items if i.points > 0]
        assert compute(rubric, positive).total == question.points
        assert all(i.key_point for i in rubric.items if i.id.startswith("kp-"))
