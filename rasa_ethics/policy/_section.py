"""The base of every policy section: unknown keys are errors."""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from typing import List

from pydantic import BaseModel, Field

__all__ = ["Section", "phrases"]


class Section(BaseModel):
    """A policy section: unknown keys are errors, strings are stripped."""

    class Config:
        extra = "forbid"
        validate_assignment = True
        anystr_strip_whitespace = True


def phrases(description: str) -> List[str]:
    return Field(default_factory=list, description=description)
