"""The offer of a person ("Would you like me to connect you with a person?") and its answer.

The bot offers a person with the confirm question (partial evidence), with the outage text (an
action failed) or in place of a handoff text that EthicsPolicy did not decide (the NLG's guard).
Each offer is a bot message whose metadata carries ``ethics_confirm: {"stage": "asked",
"reason": ...}`` (set by EthicsNLG, or by the outage guard), so the next turn finds it in the
tracker: no process-local state.  The customer answers with a button (its payload is its title)
or in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from rasa.shared.core.events import (
    BotUttered,
    ConversationResumed,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue.lexicon import words
from rasa_ethics.dialogue.matcher import normalise
from rasa_ethics.policy.schema_handoff import ConfirmConfig

__all__ = [
    "Offer",
    "answer",
    "answer_buttons",
    "erase_metadata",
    "offer_metadata",
    "pending_erase_question",
    "pending_offer",
]

_YES = words("yes yeah yep yup yea ya y sure ok okay please definitely absolutely connect go")
_NO = words("no nope nah n not never nevermind cancel carry continue")
_MAX_WORDS = 6  # a longer message is a new request, not an answer


@dataclass(frozen=True)
class Offer:
    """An open offer of a person: why it was made."""

    reason: str


def offer_metadata(reason: str, stage: str = c.STAGE_ASKED) -> Dict[str, Any]:
    """The metadata that marks a bot message as an offer, or an action as its answer."""
    return {c.META_CONFIRM: {c.CONFIRM_STAGE: stage, c.CONFIRM_REASON: reason}}


def erase_metadata(stage: str = c.STAGE_ASKED) -> Dict[str, Any]:
    """The metadata that marks a bot message as the erasure question, or an action as its answer."""
    return {c.META_PRIVACY: {c.CONFIRM_STAGE: stage, c.CONFIRM_REASON: "erase"}}


def pending_offer(tracker: DialogueStateTracker) -> Optional[Offer]:
    """The offer the latest user message answers: the bot's last message before it, if an offer."""
    return _pending(tracker, c.META_CONFIRM)


def pending_erase_question(tracker: DialogueStateTracker) -> bool:
    """True when the latest user message answers the erasure question (the bot's last message)."""
    return _pending(tracker, c.META_PRIVACY) is not None


def _pending(tracker: DialogueStateTracker, key: str) -> Optional[Offer]:
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted, ConversationResumed)):
            return None  # an offer from before a new session or a human's reply is stale
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif isinstance(event, BotUttered) and seen_user:
            info = (event.metadata or {}).get(key)
            if isinstance(info, dict) and info.get(c.CONFIRM_STAGE) == c.STAGE_ASKED:
                return Offer(reason=str(info.get(c.CONFIRM_REASON) or "unspecified"))
            return None
    return None


def answer(text: Optional[str], confirm: ConfirmConfig) -> Optional[bool]:
    """True for yes, False for no, None when the message is no answer to the offer."""
    return answer_buttons(text, confirm.yes_button, confirm.no_button)


def answer_buttons(text: Optional[str], yes_button: str, no_button: str) -> Optional[bool]:
    """True for yes (its button or a yes word), False for no, None for anything else."""
    said = normalise(text or "")
    if said == normalise(yes_button):
        return True
    if said == normalise(no_button):
        return False
    tokens = said.split()
    if not tokens or len(tokens) > _MAX_WORDS:
        return None
    if tokens[0] in _NO or "dont" in tokens:
        return False
    if tokens[0] in _YES:
        return True
    return None
