"""Schemas of activity types, as a course author writes them in content/activities/*.yaml."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    """Unknown fields are errors, so a misspelt field never silently drops content."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class BaseActivity(Strict):
    id: Id
    title: Text
    instructions: Text
    seed: list[Text] = Field(default_factory=list, description="Seed bullets the feedback uses.")


class Option(Strict):
    text: Text
    correct: bool = False
    feedback: Text


class ChoiceQuestion(Strict):
    id: Id
    prompt: Text
    options: list[Option] = Field(min_length=2)


class ChoiceSpec(BaseActivity):
    """Multiple-choice knowledge check with per-option feedback."""

    type: Literal["choice"]
    questions: list[ChoiceQuestion] = Field(min_length=1)


ActivitySpec = Annotated[ChoiceSpec, Field(discriminator="type")]
