"""Pure score computation: which rubric items an answer received, plus an adjustment, gives a
score within the question's bounds. Kept free of I/O so every rule is tested directly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from course_tools.content.models import Question


@dataclass(frozen=True)
class Item:
    """A rubric item as graded now (its points may have been edited since the content was written)."""

    id: str
    description: str
    points: float
    key_point: str | None = None


@dataclass(frozen=True)
class QuestionRubric:
    """One question's current rubric: its items in order and the bounds of its score."""

    assignment: str
    question: str
    max_points: float
    items: tuple[Item, ...]
    extra_credit: bool = False

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"question '{self.question}' has no rubric item '{item_id}'")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


@dataclass(frozen=True)
class Score:
    """What goes into nbgrader: `manual` within [0, max]; any excess as `extra` (extra credit only)."""

    raw: float
    manual: float
    extra: float

    @property
    def total(self) -> float:
        return self.manual + self.extra


def from_content(assignment_id: str, question: Question) -> QuestionRubric:
    items = tuple(Item(r.id, r.description, float(r.points), r.key_point) for r in question.instructor.rubric)
    return QuestionRubric(assignment_id, question.id, float(question.points), items, question.extra_credit)


def compute(rubric: QuestionRubric, applied: Iterable[str], adjustment: float = 0.0) -> Score:
    """Sum of the applied items' points plus the adjustment, never below 0, never above the
    question's points unless the question allows extra credit. Unknown item ids are errors: a
    grade must never silently lose an item."""
    chosen = set(applied)
    unknown = chosen - set(rubric.ids)
    if unknown:
        raise KeyError(f"question '{rubric.question}' has no rubric item(s) {', '.join(sorted(unknown))}")
    raw = round(sum(i.points for i in rubric.items if i.id in chosen) + float(adjustment), 6)
    bounded = max(raw, 0.0)
    if not rubric.extra_credit:
        bounded = min(bounded, rubric.max_points)
    manual = min(bounded, rubric.max_points)
    return Score(raw=raw, manual=manual, extra=round(bounded - manual, 6))


def ordered(rubric: QuestionRubric, applied: Iterable[str]) -> list[Item]:
    """The applied items in rubric order (stable comments and feedback)."""
    chosen = set(applied)
    return [item for item in rubric.items if item.id in chosen]
