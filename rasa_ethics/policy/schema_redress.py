"""Policy schema: the redress section (complaints, status questions, feedback on answers).

Every text may use the placeholders its description names, in braces; any other ``{name}`` is an
error, so a typo ("{refrence}") never reaches a customer.
"""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

import re
from typing import Any, Dict, Tuple

from pydantic import Field, validator

from rasa_ethics.policy._section import Section

__all__ = ["PLACEHOLDERS", "RedressConfig", "check_placeholders"]

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

#: The placeholders each text may use.
PLACEHOLDERS: Dict[str, Tuple[str, ...]] = {
    "complaint_filed_text": ("reference",),
    "status_waiting_text": ("reference", "place", "ahead", "wait"),
    "status_with_agent_text": ("reference", "agent"),
    "status_resolved_text": ("reference",),
    "status_not_found_text": ("reference",),
    "privacy_status_open_text": ("reference", "kind", "deadline"),
    "privacy_status_done_text": ("reference", "kind"),
    "privacy_status_refused_text": ("reference", "kind"),
}


def check_placeholders(value: str, allowed: Tuple[str, ...], key: str) -> str:
    """``value`` if every ``{name}`` in it is one of ``allowed``; else an error naming them."""
    unknown = [name for name in _PLACEHOLDER.findall(value) if name not in allowed]
    if unknown:
        names = ", ".join("{" + name + "}" for name in allowed)
        msg = f"unknown placeholder {{{unknown[0]}}} in {key}; it may use {names}"
        raise ValueError(msg)
    return value


def _text(default: str, description: str) -> Any:
    return Field(default, min_length=1, description=description)


class RedressConfig(Section):
    """Complaints with reference numbers, status questions, and feedback on the bot's answers."""

    complaint_filed_text: str = _text(
        "I'm sorry to hear that. I've recorded your complaint: your reference number is "
        "{reference}, and our team will answer it. Would you like me to connect you with a "
        "person now?",
        "Said to a complaint when `handoff.when.complaint` is `ask` (response "
        "utter_ethics_complaint_filed): the complaint is queued for the team, {reference} is "
        "its number, and the confirm buttons offer a person now.",
    )
    feedback: bool = Field(
        True,
        description="When the customer says the bot's last answer was wrong, did not help or "
        "missed the question ('that's wrong', 'not what I asked'), flag that answer in the "
        "audit trail and offer a person (the confirm question). False: neither.",
    )
    status_waiting_text: str = _text(
        "Your request {reference} is waiting for the next free member of our team. You are "
        "number {place} in the queue, with {ahead} ahead of you; the expected wait is about "
        "{wait}.",
        "Answer to a status question about a request in the queue (response "
        "utter_ethics_request_status): {reference}, {place} (1 is next), {ahead} (people ahead) "
        "and {wait} (e.g. '10 minutes').",
    )
    status_with_agent_text: str = _text(
        "Your request {reference} is with {agent} from our team, who will reply to you here.",
        "Answer when an agent has taken the request: {reference}, {agent} (the agent's display "
        "name, else agent_unknown_name).",
    )
    agent_unknown_name: str = _text(
        "a member of our team", "Said for {agent} when the agent's name is not known."
    )
    status_resolved_text: str = _text(
        "Your request {reference} has been resolved. If you still need help, just say so, or "
        "type 'human' to reach our team.",
        "Answer when the request was resolved: {reference}.",
    )
    status_not_found_text: str = _text(
        "I can't find a request with the reference {reference}. Please check it (it looks like "
        "HR-7K3M-9QXA) and try again, or type 'human' to reach our team.",
        "Answer when no request has the reference: {reference} as the customer typed it, "
        "normalised. Nothing else is said about it.",
    )
    privacy_status_open_text: str = _text(
        "Your privacy request {reference} ({kind}) is being handled. We will answer it by "
        "{deadline}.",
        "Answer to a status question about an open privacy request (PR-...): {reference}, "
        "{kind} (see privacy_kind_names) and {deadline} (its legal deadline, a date).",
    )
    privacy_status_done_text: str = _text(
        "Your privacy request {reference} ({kind}) has been completed.",
        "Answer when the privacy request was done: {reference}, {kind}.",
    )
    privacy_status_refused_text: str = _text(
        "Your privacy request {reference} ({kind}) was closed without being carried out. Type "
        "'human' if you'd like to know why.",
        "Answer when the privacy request was refused: {reference}, {kind}.",
    )
    privacy_kind_names: Dict[str, str] = Field(
        default_factory=lambda: {
            "erase": "erasure of your data",
            "export": "a copy of your data",
            "opt_out": "not storing your conversations",
        },
        description="What {kind} says for each kind of privacy request: erase, export, opt_out.",
    )

    @validator(*PLACEHOLDERS)
    def _known_placeholders(cls, value: str, field: Any) -> str:
        return check_placeholders(value, PLACEHOLDERS[field.name], field.name)

    @validator("privacy_kind_names")
    def _known_kinds(cls, value: Dict[str, str]) -> Dict[str, str]:
        unknown = sorted(set(value) - {"erase", "export", "opt_out"})
        if unknown:
            msg = f"unknown request kind {unknown[0]!r}; use erase, export or opt_out"
            raise ValueError(msg)
        return value
