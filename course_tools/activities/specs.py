"""Schemas of activity types, as a course author writes them in content/activities/*.yaml.

Cross-field rules (a card's group must exist, one correct option per question...) are pydantic
validators, so `course-tools check` reports a broken activity as one line naming file and field.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from course_tools.schema import Id, Strict, Text


def _no_duplicates(what: str, values: list[str]) -> None:
    dupes = sorted(v for v, n in Counter(values).items() if n > 1)
    if dupes:
        raise ValueError(f"duplicate {what}: {', '.join(dupes)}")


class BaseActivity(Strict):
    id: Id
    title: Text
    instructions: Text
    seed: list[Text] = Field(default_factory=list, description="Seed bullets the feedback uses.")
    objectives: list[Id] = Field(default_factory=list, description="Ids of module objectives it assesses.")
    explanation: str = Field(default="", description="Shown after checking: the module's reasoning.")
    after: Id | None = Field(default=None, description=(
        "The lesson point it follows, so it is tried right after the point it tests ('introduction': "
        "a warm-up before the points); none: under 'Put it together', after all points."))


# --- choice -------------------------------------------------------------------------------


class Option(Strict):
    text: Text
    correct: bool = False
    feedback: Text


class ChoiceQuestion(Strict):
    id: Id
    prompt: Text
    options: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _one_correct(self) -> ChoiceQuestion:
        n = sum(o.correct for o in self.options)
        if n != 1:
            raise ValueError(f"question '{self.id}' needs exactly one option with correct: true (found {n})")
        return self


class ChoiceSpec(BaseActivity):
    """Multiple-choice knowledge check with per-option feedback."""

    type: Literal["choice"]
    questions: list[ChoiceQuestion] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ChoiceSpec:
        _no_duplicates("question ids", [q.id for q in self.questions])
        return self


# --- classify -----------------------------------------------------------------------------


class Group(Strict):
    id: Id
    label: Text


class Card(Strict):
    id: Id
    text: Text
    group: Id = Field(description="Id of the group the card belongs to.")
    why: Text = Field(description="Why it belongs there, in the module's words.")


class ClassifySpec(BaseActivity):
    """Assign each card to one of several groups (one dropdown per card: keyboard-usable)."""

    type: Literal["classify"]
    groups: list[Group] = Field(min_length=2)
    cards: list[Card] = Field(min_length=2)

    @model_validator(mode="after")
    def _groups_exist(self) -> ClassifySpec:
        _no_duplicates("group ids", [g.id for g in self.groups])
        _no_duplicates("card ids", [c.id for c in self.cards])
        known = {g.id for g in self.groups}
        for card in self.cards:
            if card.group not in known:
                raise ValueError(f"card '{card.id}' has group '{card.group}', not one of: {', '.join(sorted(known))}")
        return self


# --- match --------------------------------------------------------------------------------


class Pair(Strict):
    id: Id
    left: Text
    right: Text
    why: Text


class MatchSpec(BaseActivity):
    """Match each left item to one right item; `distractors` are extra right items that fit none."""

    type: Literal["match"]
    left_label: Text = "Item"
    right_label: Text = "Match"
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> MatchSpec:
        _no_duplicates("pair ids", [p.id for p in self.pairs])
        _no_duplicates("right items", [p.right for p in self.pairs] + list(self.distractors))
        return self

    def choices(self) -> list[str]:
        """Right-hand options in a stable, author-independent order (sorted), so the answer
        is not given away by the order of the pairs."""
        return sorted([p.right for p in self.pairs] + list(self.distractors), key=str.lower)


# --- rank ---------------------------------------------------------------------------------


class RankItem(Strict):
    id: Id
    text: Text
    why: Text


class RankSpec(BaseActivity):
    """Put items in order. `items` is the right order; only the first `scored` positions are
    checked (all when unset), so 'what comes first' can be asked without inventing an order
    the module does not give."""

    type: Literal["rank"]
    items: list[RankItem] = Field(min_length=2)
    scored: int | None = Field(default=None, ge=1)
    position_label: Text = "Position"

    @model_validator(mode="after")
    def _valid(self) -> RankSpec:
        _no_duplicates("item ids", [i.id for i in self.items])
        if self.scored is not None and self.scored > len(self.items):
            raise ValueError(f"scored ({self.scored}) is more than the number of items ({len(self.items)})")
        return self

    @property
    def scored_positions(self) -> int:
        return self.scored or len(self.items)

    def shuffled(self) -> list[RankItem]:
        """The items as offered to the student: alphabetical, never the answer order."""
        return sorted(self.items, key=lambda i: i.text.lower())


# --- planner ------------------------------------------------------------------------------


class PlanOption(Strict):
    id: Id
    text: Text
    fit: Literal["required", "good", "poor"] = Field(
        description="required: the plan must have it; good: fits the module; poor: does not fit.")
    why: Text


class PlanPart(Strict):
    id: Id
    label: Text
    many: bool = Field(default=True, description="Several choices (checkboxes) or one (dropdown).")
    options: list[PlanOption] = Field(min_length=2)

    @model_validator(mode="after")
    def _valid(self) -> PlanPart:
        _no_duplicates(f"option ids in part '{self.id}'", [o.id for o in self.options])
        if not self.many and sum(o.fit == "required" for o in self.options) > 1:
            raise ValueError(f"part '{self.id}' allows one choice but has more than one required option")
        return self


class PlannerSpec(BaseActivity):
    """Assemble a plan from choices; it is shown as a table, a summary and a chart."""

    type: Literal["planner"]
    plan_name: Text = "Your plan"
    parts: list[PlanPart] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> PlannerSpec:
        _no_duplicates("part ids", [p.id for p in self.parts])
        return self


# --- sliders (self-assessment) ------------------------------------------------------------


class Criterion(Strict):
    id: Id
    label: Text
    question: Text
    low: Text = Field(description="Feedback when the rating is low: what the module asks for.")
    high: Text = Field(description="Feedback when the rating is high.")


class SlidersSpec(BaseActivity):
    """Self-assessment: one slider per criterion; the result is a chart and advice, not a grade."""

    type: Literal["sliders"]
    subject_label: Text = Field(description="Label of the text box naming what is assessed.")
    criteria: list[Criterion] = Field(min_length=2)
    minimum: int = 1
    maximum: int = 5
    scale: Text = "1 = not at all, 5 = fully"
    threshold: int = Field(default=3, description="Ratings below this get the `low` feedback.")

    @model_validator(mode="after")
    def _valid(self) -> SlidersSpec:
        _no_duplicates("criterion ids", [c.id for c in self.criteria])
        if not self.minimum < self.maximum:
            raise ValueError(f"minimum ({self.minimum}) must be less than maximum ({self.maximum})")
        if not self.minimum <= self.threshold <= self.maximum:
            raise ValueError(f"threshold ({self.threshold}) must lie between minimum and maximum")
        return self


# --- matrix (coherence heatmap) -----------------------------------------------------------


class Axis(Strict):
    id: Id
    label: Text


class Level(Strict):
    value: int
    label: Text


class ExpectedCell(Strict):
    row: Id
    column: Id
    sign: Literal["negative", "neutral", "positive"]
    why: Text


class MatrixSpec(BaseActivity):
    """Rate each row (a policy) against each column (a goal) for a scenario; shown as a heatmap.
    Only the `expected` cells are scored, by the sign of the rating."""

    type: Literal["matrix"]
    scenario: Text
    rows: list[Axis] = Field(min_length=1)
    columns: list[Axis] = Field(min_length=1)
    levels: list[Level] = Field(min_length=2)
    expected: list[ExpectedCell] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> MatrixSpec:
        _no_duplicates("row ids", [r.id for r in self.rows])
        _no_duplicates("column ids", [c.id for c in self.columns])
        _no_duplicates("level values", [str(lv.value) for lv in self.levels])
        rows, cols = {r.id for r in self.rows}, {c.id for c in self.columns}
        for cell in self.expected:
            if cell.row not in rows:
                raise ValueError(f"expected cell row '{cell.row}' is not one of the rows")
            if cell.column not in cols:
                raise ValueError(f"expected cell column '{cell.column}' is not one of the columns")
        _no_duplicates("expected cells", [f"{c.row}/{c.column}" for c in self.expected])
        return self


# --- reflection (free text) ---------------------------------------------------------------


class ReflectionSpec(BaseActivity):
    """A written answer in the student's own words (a discussion answer, the capstone plan):
    saved and restored, never scored for content; after saving, an outline to compare with."""

    type: Literal["reflection"]
    prompt: Text
    min_words: int = Field(default=20, ge=1, description="Fewer words are saved but called a draft.")
    max_chars: int = Field(default=4000, ge=100, description="Longer text is cut when saved.")
    outline: list[Text] = Field(default_factory=list, description="What a strong answer covers.")


ActivitySpec = Annotated[
    ChoiceSpec | ClassifySpec | MatchSpec | RankSpec | PlannerSpec | SlidersSpec | MatrixSpec | ReflectionSpec,
    Field(discriminator="type"),
]
# The one registry of activity types: type -> spec. Its checker is `check` in activities/<type>.py and
# its view `VIEW` in widgets/widget_<type>.py (both looked up from this dict, never listed again).
ACTIVITY_TYPES: dict[str, type[BaseActivity]] = {
    get_args(spec.model_fields["type"].annotation)[0]: spec for spec in get_args(get_args(ActivitySpec)[0])
}
