"""The base of every policy section: unknown keys are errors."""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from typing import List, Sequence, Tuple

from pydantic import BaseModel, Field

__all__ = [
    "HOST_MODES",
    "KEEP",
    "REPLACE",
    "Section",
    "check_host_actions",
    "check_host_mode",
    "check_two_buttons",
    "phrases",
]

# What happens to the host bot's own answer to an intent the policy reuses.
KEEP, REPLACE = "keep", "replace"
HOST_MODES = (KEEP, REPLACE)


class Section(BaseModel):
    """A policy section: unknown keys are errors, strings are stripped."""

    class Config:
        extra = "forbid"
        validate_assignment = True
        anystr_strip_whitespace = True


def phrases(description: str) -> List[str]:
    return Field(default_factory=list, description=description)


def check_host_mode(value: str) -> str:
    """``keep`` or ``replace``."""
    if value not in HOST_MODES:
        msg = "must be 'keep' or 'replace'"
        raise ValueError(msg)
    return value


def check_two_buttons(no_title: str, yes_title: object, yes_key: str, example: str) -> str:
    """The "no" button's title, which must differ from the "yes" one (``yes_key``) whatever the
    case: the customer could not tell them apart."""
    if no_title.casefold() == str(yes_title or "").casefold():
        msg = f"the two buttons need different titles, e.g.\n  {yes_key}: {example}"
        raise ValueError(msg)
    return no_title


def check_host_actions(
    mode: str, actions: Sequence[str], keys: Tuple[str, str], example: str
) -> None:
    """'keep' needs the host's actions, and they must be the host's, not the plugin's own.

    ``keys`` names the mode and the actions fields, for the message.
    """
    mode_key, actions_key = keys
    own = [a for a in actions if a.startswith("utter_ethics_")]
    if own:
        msg = f"{actions_key} lists the plugin's own response {own[0]!r}; list your bot's own"
        raise ValueError(msg)
    if mode == KEEP and not actions:
        msg = (
            f"{mode_key}: keep needs the actions of your bot's own flow, e.g.\n"
            f"  {mode_key}: keep\n  {actions_key}: [{example}]"
        )
        raise ValueError(msg)
