"""The building blocks of every content schema (lessons, activities, assignments): one definition,
so an id or a text field means the same thing in every file a course author writes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    """Unknown fields are errors, so a misspelt field never silently drops content."""

    model_config = ConfigDict(extra="forbid", frozen=True)
