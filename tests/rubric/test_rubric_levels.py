"""Rubrics reward understanding: a pasted copy of the lesson cannot reach full marks, the calibration
answers are ordered and scored as their items add up, and every exit ticket has a 2-point rubric."""

from __future__ import annotations

import pytest

from course_tools.content.loader import Course
from course_tools.content.models import Question
from course_tools.generate.assignments import exit_ticket_assignments, gradable_assignments
from course_tools.rubric.highlight import highlight
from course_tools.rubric.scoring import compute, from_content

REVIEW = "review6"


def pasted_lessons(course: Course, question: Question) -> str:
    """What a student who copies the lessons behind a question would hand in: every point (the
    module's words and the plain-language gloss) of each lesson that teaches one of its key points."""
    seeds = {k.seed for k in question.instructor.key_points}
    lessons = [lesson for lesson in course.ordered_lessons() if seeds & {p.seed for p in lesson.points}]
    return "\n\n".join(f"{p.text} {p.explain}".strip() for lesson in lessons for p in lesson.points)


def honest_items(question: Question) -> list[str]:
    """The items a fair grader gives a pasted lesson: every accuracy item (generously, even where the
    lesson only half says it), never an item for explaining in one's own words or applying to a case."""
    return [item.id for item in question.instructor.rubric if item.level == "accurate"]


@pytest.mark.parametrize("number", range(6))
def test_a_pasted_lesson_cannot_reach_full_marks(course: Course, number: int) -> None:
    question = course.assignments[REVIEW].questions[number]
    pasted = pasted_lessons(course, question)
    _html, found = highlight(pasted, {k.id: k.terms for k in question.instructor.key_points})
    # The paste is the real lesson: it uses most of the question's key points...
    assert len(found) >= len(question.instructor.key_points) / 2, (question.id, sorted(found))
    # ...and earns the accuracy items, yet stays below full marks.
    score = compute(from_content(REVIEW, question), honest_items(question))
    assert 0 < score.total < question.points, (question.id, score)
    assert score.total <= 0.6 * question.points, f"{question.id}: accuracy alone earns {score.total:g}"


def test_review_has_levels_and_three_calibration_answers_per_question(course: Course) -> None:
    review = course.assignments[REVIEW]
    assert sum(q.points for q in review.questions) == 30
    for question in review.questions:
        rubric, calibration = question.instructor.rubric, question.instructor.calibration
        assert {"accurate", "explains"} <= {i.level for i in rubric} or {"accurate", "applies"} <= {
            i.level for i in rubric}, question.id
        assert [c.level for c in calibration] == ["weak", "adequate", "strong"], question.id
        scores = [c.score for c in calibration]
        assert 0 <= scores[0] < scores[1] < scores[2] <= question.points, (question.id, scores)
        assert scores[2] == question.points, f"{question.id}: the strong answer should earn full marks"
        for sample in calibration:  # the expected score is what the dashboard computes from its items
            assert compute(from_content(REVIEW, question), sample.items).total == sample.score
        texts = [c.text for c in calibration]
        assert len(set(texts)) == 3 and question.instructor.model_answer not in texts


def test_q3_rewards_the_how_not_remedies(course: Course) -> None:
    q3 = next(q for q in course.assignments[REVIEW].questions if q.id == "q3")
    rubric = " ".join(i.description for i in q3.instructor.rubric).lower()
    assert "trade and finance organizations carry more weight" in rubric
    assert "governments and parliaments share responsibility" in rubric
    assert "policy coherence initiative" not in rubric and "national review" not in rubric
    weak = q3.instructor.calibration[0]
    assert "Policy Coherence Initiatives" in weak.text and weak.score == 0


def test_q2_credits_values_based_globalization(course: Course) -> None:
    q2 = next(q for q in course.assignments[REVIEW].questions if q.id == "q2")
    values = q2.instructor.rubric[[i.id for i in q2.instructor.rubric].index("kp-values-based")]
    assert values.points > 0 and "human rights" in values.description
    assert "can only be carried out" not in q2.instructor.model_answer


def test_every_exit_ticket_has_a_two_point_rubric_with_levels(course: Course) -> None:
    tickets = exit_ticket_assignments(course)
    assert list(tickets) == [f"exit_{lesson.id}" for lesson in course.ordered_lessons()]
    for ticket_id, ticket in tickets.items():
        (question,) = ticket.questions
        lesson = course.lessons[ticket_id.removeprefix("exit_")]
        assert question.prompt == lesson.discussion_prompt and question.points == 2
        assert sum(i.points for i in question.instructor.rubric if i.points > 0) == 2
        assert {i.level for i in question.instructor.rubric} >= {"accurate", "explains", "applies"}
        assert compute(from_content(ticket_id, question), ["uses-idea"]).total < 2  # recall alone
    assert list(gradable_assignments(course))[0] == REVIEW
