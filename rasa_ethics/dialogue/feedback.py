"""Feedback on the bot's last answer: "that's wrong", "that didn't help", "not what I asked".

:func:`feedback` (the grammar in :mod:`rasa_ethics.dialogue.feedback_grammar`) finds the kind of
feedback a message gives, for phrasings nobody listed too; :func:`flagged_turn` finds the bot
message it is about, the one right before the customer's message.  EthicsPolicy then offers a
person (the confirm offer, reason ``feedback``) and EthicsNLG marks the offer with
``ethics_feedback`` (the flagged response, action and timestamp, never text), which the audit
trail turns into a ``feedback`` record.  The scores on the tuning and held-out sets are asserted
in ``tests/dialogue/test_feedback.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationResumed,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue.feedback_grammar import CORRECTNESS, HELPFULNESS, RELEVANCE, feedback

__all__ = [
    "CORRECTNESS",
    "HELPFULNESS",
    "REASON_FEEDBACK",
    "RELEVANCE",
    "FlaggedTurn",
    "feedback",
    "flagged_turn",
]

REASON_FEEDBACK = "feedback"  # the reason of the offer of a person that follows feedback


@dataclass(frozen=True)
class FlaggedTurn:
    """The bot message a customer's feedback is about: its response and action, and when."""

    response: Optional[str]
    action: Optional[str]
    timestamp: float

    def as_metadata(self) -> Dict[str, Any]:
        """The offer's ``ethics_feedback`` marker: names and a timestamp, never text."""
        info = {c.FEEDBACK_RESPONSE: self.response, c.FEEDBACK_ACTION: self.action}
        return {c.META_FEEDBACK: {**info, c.FEEDBACK_TIMESTAMP: self.timestamp}}


def flagged_turn(tracker: DialogueStateTracker) -> Optional[FlaggedTurn]:
    """The bot's message right before the latest customer message, unless an agent sent it."""
    seen_user = False
    message: Optional[BotUttered] = None
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted, ConversationResumed)):
            return None
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif isinstance(event, BotUttered) and seen_user and message is None:
            if (event.metadata or {}).get(c.META_AGENT):
                return None  # about a person's message: not the bot's answer
            message = event
        elif isinstance(event, ActionExecuted) and message is not None:
            response = (message.metadata or {}).get("utter_action")
            return FlaggedTurn(response, event.action_name, float(message.timestamp))
    if message is None:
        return None
    return FlaggedTurn((message.metadata or {}).get("utter_action"), None, message.timestamp)
