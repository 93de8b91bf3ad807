"""Names shared by the importer, the dialogue policy, the NLG and the stores."""

from __future__ import annotations

__all__ = [
    "AGENT_ID",
    "BOT_CHALLENGE_INTENT",
    "COMPLAINT_INTENT",
    "HANDOFF_INTENT",
    "HANDOFF_AVAILABLE",
    "HANDOFF_REASON",
    "HANDOFF_RESPONSES",
    "HANDOFF_SIGNALS",
    "HANDOFF_WEBHOOK",
    "META_AGENT",
    "META_DISCLOSURE",
    "META_HANDOFF",
    "META_RESUMED",
    "META_PII",
    "RESPONSE_BOT_CHALLENGE",
    "RESPONSE_DISCLOSURE",
    "RESPONSE_HANDOFF",
    "RESPONSE_HANDOFF_UNAVAILABLE",
    "RESPONSE_RESUMED",
    "RESPONSE_TOO_LONG",
    "META_TOO_LONG",
    "topic_response",
]

# Intents the importer adds unless the host bot already has one the policy lists.
HANDOFF_INTENT = "ethics_human_handoff"
BOT_CHALLENGE_INTENT = "ethics_bot_challenge"
COMPLAINT_INTENT = "ethics_complaint"

# Responses the importer adds; their texts come from the policy.
RESPONSE_DISCLOSURE = "utter_ethics_disclosure"
RESPONSE_BOT_CHALLENGE = "utter_ethics_bot_challenge"
RESPONSE_HANDOFF = "utter_ethics_handoff"
RESPONSE_HANDOFF_UNAVAILABLE = "utter_ethics_handoff_unavailable"
RESPONSE_RESUMED = "utter_ethics_resumed"
RESPONSE_TOO_LONG = "utter_ethics_too_long"  # a message over messages.max_message_chars
# Either one announces a handoff: the second when no agent is available.
HANDOFF_RESPONSES = (RESPONSE_HANDOFF, RESPONSE_HANDOFF_UNAVAILABLE)

# Keys in BotUttered metadata / parse data that other components and audit records rely on.
META_DISCLOSURE = "ethics_disclosure"
META_HANDOFF = "ethics_handoff"
META_AGENT = "ethics_agent"  # a message a human agent sent through the agent channel
AGENT_ID = "id"  # inside metadata[META_AGENT]: the agent's id, a name-like token ("sam.lee")
META_RESUMED = "ethics_resumed"  # the agent handed the conversation back to the bot
META_PII = "ethics_pii"
# Set by PIIDetector in the parse data of a message over messages.max_message_chars: its length.
META_TOO_LONG = "ethics_too_long"

# Keys inside metadata[META_HANDOFF] (see rasa_ethics.handoff.decision.HandoffDecision).
HANDOFF_REASON = "reason"
HANDOFF_SIGNALS = "signals"
HANDOFF_AVAILABLE = "available"
HANDOFF_WEBHOOK = "webhook"  # set by the audit broker: whether the agent webhook was reached


def topic_response(topic: str) -> str:
    """Response said first for a sensitive topic, e.g. ``utter_ethics_topic_self_harm``."""
    return f"utter_ethics_topic_{topic}"
