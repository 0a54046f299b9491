"""The schema of `content/`: what a course author may write, checked field by field.

Instructor-only material (notes, key points, model answers, rubrics) always sits under a
field named `instructor` or `instructor_note`, so builds for students can leave it out and
tests can prove that they do.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from course_tools.activities.specs import ActivitySpec

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    """Unknown fields are errors: a typo in a field name must not silently drop content."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
    points: list[Point] = Field(default_factory=list)
    why_it_matters: list[Context] = Field(default_factory=list)
    tables: list[Id] = Field(default_factory=list, description="CSV tables from content/data.")
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


class RubricItem(Strict):
    """One line of a question's rubric. Ids `kp-<key point id>` tie the item to a key point, so the
    grading dashboard can highlight that key point's terms in an answer."""

    id: Id
    description: Text
    points: float = Field(description="Positive adds, negative deducts.")

    @model_validator(mode="after")
    def _not_zero(self) -> RubricItem:
        if self.points == 0:
            raise ValueError(f"rubric item '{self.id}': points must not be 0 (positive adds, negative deducts)")
        return self

    @property
    def key_point(self) -> str | None:
        return self.id[3:] if self.id.startswith("kp-") else None


class QuestionInstructor(Strict):
    """Never released to students."""

    key_points: list[KeyPoint] = Field(min_length=1)
    model_answer: Text
    rubric: list[RubricItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rubric_names_key_points(self) -> QuestionInstructor:
        """A `kp-` item must name a key point of this question: a typo would silently lose highlighting."""
        known = {k.id for k in self.key_points}
        for item in self.rubric:
            if item.key_point is not None and item.key_point not in known:
                raise ValueError(f"rubric item '{item.id}' names key point '{item.key_point}', which this "
                                 f"question does not have (known: {', '.join(sorted(known))})")
        return self


class Question(Strict):
    id: Id
    seed: Text = Field(description="Seed id of the question, e.g. review.1.")
    prompt: Text
    points: float = Field(gt=0)
    extra_credit: bool = Field(default=False, description="Rubric scores may exceed `points`.")
    instructor: QuestionInstructor

    @model_validator(mode="after")
    def _rubric_fits_points(self) -> Question:
        """Full marks must be reachable from the rubric, and no single item may outweigh the question."""
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
