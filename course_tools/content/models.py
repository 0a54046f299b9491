"""The schema of `content/`: what a course author may write, checked field by field.

Instructor-only material (notes, key points, model answers, rubrics) always sits under a
field named `instructor` or `instructor_note`, so builds for students can leave it out and
tests can prove that they do.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from course_tools.activities.specs import ActivitySpec
from course_tools.schema import Id, Strict, Text


class Objective(Strict):
    id: Id
    text: Text = Field(description="Measurable: starts with a verb such as explain, compare, plan.")


class GlossaryEntry(Strict):
    term: Text
    definition: Text
    source: Text = Field(description="'module' for the seed, or the facts.md source.")


class Module(Strict):
    """content/module.yaml: the module's identity, objectives, lesson order and glossary."""

    id: Id
    title: Text
    subtitle: Text
    label: Text = Field(description="How sources are cited, e.g. 'Module 6'.")
    sections: dict[Id, Text] = Field(min_length=1, description="Seed section id -> its title in citations.")
    seed_headings: list[Text] = Field(default_factory=list, description=(
        "Seed lines that open a section without an 'Action:' line."))
    description: Text
    objectives: list[Objective] = Field(min_length=1)
    lessons: list[Id] = Field(min_length=1, description="Lesson ids in teaching order.")
    glossary: list[GlossaryEntry] = Field(min_length=1)


class Point(Strict):
    """One point of the module, faithful to the seed bullet it cites."""

    id: Id
    seed: Text = Field(description="Id of the seed bullet, e.g. global-follow-up.4.2.")
    text: Text = Field(description="The module's point, faithful in meaning.")
    explain: str = Field(default="", description="Optional plain-language gloss.")


class Context(Strict):
    """'Why it matters': a fact from facts.md, with its source."""

    text: Text
    source: Text


class Lesson(Strict):
    """content/lessons/<id>.yaml: one action area (or the overview)."""

    id: Id
    title: Text
    seed_sections: list[Text] = Field(description="Seed sections this lesson teaches.")
    objectives: list[Id] = Field(min_length=1, description="Ids of module objectives.")
    introduction: Text
    case: str = Field(default="", description="This lesson's step in the running (fictional) country case.")
    points: list[Point] = Field(default_factory=list)
    why_it_matters: list[Context] = Field(default_factory=list)
    tables: list[Id] = Field(default_factory=list, description="CSV tables from content/data.")
    takeaways: list[Text] = Field(default_factory=list, description="Key takeaways: 2-4 lines closing the lesson.")
    discussion_prompt: Text
    instructor_note: Text


class ActivityFile(Strict):
    """content/activities/<lesson id>.yaml: the activities of one lesson, in order."""

    lesson: Id
    activities: list[ActivitySpec] = Field(default_factory=list)


class KeyPoint(Strict):
    id: Id
    text: Text
    seed: Text
    terms: list[Text] = Field(
        default_factory=list, description="Words that show an answer uses this key point."
    )


Level = Literal["accurate", "explains", "applies"]
CalibrationLevel = Literal["weak", "adequate", "strong"]
CALIBRATION_LEVELS: tuple[str, ...] = ("weak", "adequate", "strong")


class RubricItem(Strict):
    """One line of a question's rubric. Ids `kp-<key point id>` tie the item to a key point, so the
    grading dashboard can highlight that key point's terms in an answer. A positive item says what
    it rewards: getting the module right (accurate), explaining it in one's own words (explains) or
    using it on a case (applies); the last two are what copying the lesson cannot earn."""

    id: Id
    description: Text
    points: float = Field(description="Positive adds, negative deducts.")
    level: Level | None = Field(default=None, description="accurate, explains or applies (positive items).")

    @model_validator(mode="after")
    def _not_zero(self) -> RubricItem:
        if self.points == 0:
            raise ValueError(f"rubric item '{self.id}': points must not be 0 (positive adds, negative deducts)")
        if self.points > 0 and self.level is None:
            raise ValueError(f"rubric item '{self.id}': a positive item needs a level (accurate, explains, applies)")
        return self

    @property
    def key_point(self) -> str | None:
        return self.id[3:] if self.id.startswith("kp-") else None


class CalibrationAnswer(Strict):
    """A sample answer graders read before grading, with the rubric items it earns and its score."""

    level: CalibrationLevel
    text: Text
    items: list[Id] = Field(default_factory=list, description="Ids of the rubric items it earns.")
    score: float = Field(ge=0, description="Expected score: the items' points, kept within the question's.")
    note: str = Field(default="", description="Why it earns that score, for graders.")


class QuestionInstructor(Strict):
    """Never released to students."""

    key_points: list[KeyPoint] = Field(min_length=1)
    model_answer: Text
    rubric: list[RubricItem] = Field(default_factory=list)
    calibration: list[CalibrationAnswer] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rubric_names_key_points(self) -> QuestionInstructor:
        """A `kp-` item must name a key point of this question: a typo would silently lose highlighting."""
        known = {k.id for k in self.key_points}
        for item in self.rubric:
            if item.key_point is not None and item.key_point not in known:
                raise ValueError(f"rubric item '{item.id}' names key point '{item.key_point}', which this "
                                 f"question does not have (known: {', '.join(sorted(known))})")
        return self


def _check_calibration(points: float, rubric: list[RubricItem], calibration: list[CalibrationAnswer],
                       extra_credit: bool = False) -> None:
    """Weak, adequate and strong, in that order, each scored as its items add up, scores rising."""
    if not calibration:
        return
    levels = tuple(c.level for c in calibration)
    if levels != CALIBRATION_LEVELS:
        raise ValueError(f"calibration: levels are {', '.join(levels)}; write weak, adequate, strong in that order")
    by_id = {item.id: item.points for item in rubric}
    for answer in calibration:
        unknown = [i for i in answer.items if i not in by_id]
        if unknown:
            raise ValueError(f"calibration '{answer.level}': no rubric item(s) {', '.join(unknown)}")
        expected = max(sum(by_id[i] for i in set(answer.items)), 0.0)
        expected = expected if extra_credit else min(expected, points)
        if abs(expected - answer.score) > 1e-9:
            raise ValueError(f"calibration '{answer.level}': score {answer.score:g}, but its items give "
                             f"{expected:g}")
    scores = [c.score for c in calibration]
    if not scores[0] < scores[1] < scores[2]:
        raise ValueError(f"calibration: scores {', '.join(f'{s:g}' for s in scores)} must rise from weak "
                         "to adequate to strong")


class Question(Strict):
    id: Id
    seed: Text = Field(description="Seed id of the question, e.g. review.1.")
    prompt: Text
    points: float = Field(gt=0)
    extra_credit: bool = Field(default=False, description="Rubric scores may exceed `points`.")
    instructor: QuestionInstructor

    @model_validator(mode="after")
    def _rubric_fits_points(self) -> Question:
        """Full marks must be reachable from the rubric, no single item may outweigh the question, and
        some item must reward explaining or applying, not only reproducing."""
        rubric = self.instructor.rubric
        if not rubric:
            return self
        positive = sum(item.points for item in rubric if item.points > 0)
        if positive < self.points:
            raise ValueError(f"rubric: positive items add up to {positive:g}, less than the question's "
                             f"{self.points:g} points (full marks would be unreachable)")
        for item in rubric:
            if abs(item.points) > self.points:
                raise ValueError(f"rubric item '{item.id}': {item.points:g} points is more than the whole "
                                 f"question ({self.points:g})")
        if not any(item.level in ("explains", "applies") for item in rubric):
            raise ValueError("rubric: no item at level 'explains' or 'applies' (copying the lesson would "
                             "earn full marks)")
        _check_calibration(self.points, rubric, self.instructor.calibration, self.extra_credit)
        return self


class LatePolicy(Strict):
    kind: Literal["none", "zero", "percent_per_day"] = "none"
    percent_per_day: float = Field(default=0, ge=0, le=100)
    cap_percent: float = Field(default=100, ge=0, le=100)


class Assignment(Strict):
    """content/assignments/<id>.yaml: an nbgrader assignment of manually graded answers."""

    id: Id
    title: Text
    instructions: Text
    due: str | None = Field(default=None, description="ISO date-time, e.g. 2026-12-15T17:00:00.")
    late_policy: LatePolicy = Field(default_factory=LatePolicy)
    questions: list[Question] = Field(min_length=1)


class ExitTicketLesson(Strict):
    """The instructor side of one lesson's exit ticket (its prompt is the lesson's discussion prompt)."""

    lesson: Id
    key_points: list[KeyPoint] = Field(min_length=1)
    model_answer: Text = Field(description="A short strong answer, for graders.")
    calibration: list[CalibrationAnswer] = Field(default_factory=list)


class ExitTickets(Strict):
    """content/assignments/exit_tickets.yaml: one rubric for every lesson's exit ticket."""

    points: float = Field(default=2, gt=0)
    instructions: Text
    rubric: list[RubricItem] = Field(min_length=1)
    lessons: list[ExitTicketLesson] = Field(min_length=1)

    @model_validator(mode="after")
    def _each_ticket_is_a_question(self) -> ExitTickets:
        """Each lesson's ticket must pass the checks of a Review #6 question (the errors name the lesson)."""
        for ticket in self.lessons:
            try:
                Question(id="discussion", seed=f"lesson.{ticket.lesson}", prompt="(the discussion prompt)",
                         points=self.points, instructor=QuestionInstructor(
                             key_points=ticket.key_points, model_answer=ticket.model_answer,
                             rubric=self.rubric, calibration=ticket.calibration))
            except ValueError as exc:
                first = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
                raise ValueError(f"lesson '{ticket.lesson}': {first.removeprefix('Value error, ')}") from None
        return self
