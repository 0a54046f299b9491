"""What checking an answer gives back: a score, a verdict per item, and feedback lines.

Feedback is words first ("Right" / "Not quite") with a ✔/✘ mark, never colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RIGHT = "✔ Right"
WRONG = "✘ Not quite"
OPEN = "• Note"
# An item left blank gets no key: otherwise answering one item and pressing Check would show the
# answers to all the others, and a learner could score full marks without reasoning once.
NOT_YET = "not answered yet: choose your answer, then press Check again (the feedback comes with it)."


@dataclass(frozen=True)
class ItemResult:
    """One item of an answer (a card, a question, a position...)."""

    id: str
    label: str
    correct: bool | None  # None: no right answer (self-assessment, unanswered)
    feedback: str

    @property
    def line(self) -> str:
        mark = OPEN if self.correct is None else RIGHT if self.correct else WRONG
        return f"{mark}: {self.label}: {self.feedback}"


@dataclass(frozen=True)
class Result:
    """The outcome of `check(spec, answer)`; `score` runs from 0 to 1."""

    score: float
    items: list[ItemResult] = field(default_factory=list)
    summary: str = ""
    answered: bool = True

    @property
    def right(self) -> int:
        return sum(1 for i in self.items if i.correct)

    @property
    def complete(self) -> bool:
        """Every item answered: only then may an explanation covering all items be shown."""
        return self.answered and not any(item.feedback == NOT_YET for item in self.items)

    @property
    def lines(self) -> list[str]:
        return [self.summary, *(i.line for i in self.items)]


def empty(what: str = "item") -> Result:
    """The result of an answer with nothing in it: no score, and a nudge instead of a verdict."""
    return Result(0.0, [], f"Nothing answered yet: choose at least one {what}, then press Check.", False)


def scored(items: list[ItemResult], total: int, noun: str = "items") -> Result:
    """Score = right items / total items, with a one-line summary in words."""
    right = sum(1 for i in items if i.correct)
    score = right / total if total else 0.0
    if right == total:
        verdict = f"All {total} {noun} right."
    elif right == 0:
        verdict = f"0 of {total} {noun} right yet: read the feedback below and try again."
    else:
        verdict = f"{right} of {total} {noun} right: look again at the ones marked Not quite."
    return Result(round(score, 4), items, f"Score {round(100 * score)}%. {verdict}")
