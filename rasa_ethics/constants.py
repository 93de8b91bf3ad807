"""Names shared by the importer, the dialogue policy, the NLG and the stores."""

from __future__ import annotations

__all__ = [
    "AGENT_ID",
    "AGENT_TOKEN_ENV",
    "BOT_CHALLENGE_INTENT",
    "COMPLAINT_INTENT",
    "HANDOFF_INTENT",
    "HANDOFF_AVAILABLE",
    "HANDOFF_REASON",
    "HANDOFF_RESPONSES",
    "HANDOFF_SIGNALS",
    "HANDOFF_WEBHOOK",
    "OFFER_RESPONSES",
    "CONFIRM_STAGE",
    "CONFIRM_REASON",
    "STAGE_ASKED",
    "STAGE_YES",
    "STAGE_NO",
    "META_AGENT",
    "META_CONFIRM",
    "META_DISCLOSURE",
    "META_HANDOFF",
    "META_OUTAGE",
    "META_CLASSIFIER",
    "META_RESUMED",
    "META_PII",
    "META_PII_EXPECTED",
    "RESPONSE_BOT_CHALLENGE",
    "RESPONSE_CONFIRM",
    "RESPONSE_DECLINED",
    "RESPONSE_DISCLOSURE",
    "RESPONSE_HANDOFF",
    "RESPONSE_HANDOFF_UNAVAILABLE",
    "RESPONSE_OUTAGE",
    "RESPONSE_RESUMED",
    "RESPONSE_TOO_LONG",
    "META_TOO_LONG",
    "META_ERASED",
    "META_OPTED_OUT",
    "META_PRIVACY",
    "PRIVACY_ERASE_INTENT",
    "PRIVACY_NOTICE_INTENT",
    "PRIVACY_EXPORT_INTENT",
    "PRIVACY_OPT_OUT_INTENT",
    "PRIVACY_INTENTS",
    "RESPONSE_EXPORT_FILED",
    "RESPONSE_EXPORT_FAILED",
    "RESPONSE_PRIVACY_NOTICE",
    "PRIVACY_RESPONSES",
    "RESPONSE_ERASE_CONFIRM",
    "RESPONSE_ERASED",
    "RESPONSE_ERASE_DECLINED",
    "RESPONSE_ERASE_FAILED",
    "RESPONSE_OPTED_OUT",
    "RESPONSE_OPT_OUT_FAILED",
    "RESPONSE_COMPLAINT_FILED",
    "RESPONSE_REQUEST_STATUS",
    "META_FILED",
    "META_FEEDBACK",
    "FEEDBACK_ACTION",
    "FEEDBACK_RESPONSE",
    "FEEDBACK_TIMESTAMP",
    "EVENT_AGENT_ACTION",
    "REFERENCE",
    "topic_response",
]

# Intents the importer adds unless the host bot already has one the policy lists.
HANDOFF_INTENT = "ethics_human_handoff"
BOT_CHALLENGE_INTENT = "ethics_bot_challenge"
COMPLAINT_INTENT = "ethics_complaint"
# The customer asks to have this conversation erased ("delete my data", "forget me").
PRIVACY_ERASE_INTENT = "ethics_privacy_erase"
# The customer asks what is kept about them and how it is used.
PRIVACY_NOTICE_INTENT = "ethics_privacy_notice"
# The customer asks for a copy of their data.
PRIVACY_EXPORT_INTENT = "ethics_privacy_export"
# The customer asks that this conversation not be stored ("don't store this conversation").
PRIVACY_OPT_OUT_INTENT = "ethics_privacy_opt_out"
PRIVACY_INTENTS = (
    PRIVACY_ERASE_INTENT,
    PRIVACY_NOTICE_INTENT,
    PRIVACY_EXPORT_INTENT,
    PRIVACY_OPT_OUT_INTENT,
)

# Responses the importer adds; their texts come from the policy.
RESPONSE_DISCLOSURE = "utter_ethics_disclosure"
RESPONSE_BOT_CHALLENGE = "utter_ethics_bot_challenge"
RESPONSE_HANDOFF = "utter_ethics_handoff"
RESPONSE_HANDOFF_UNAVAILABLE = "utter_ethics_handoff_unavailable"
RESPONSE_RESUMED = "utter_ethics_resumed"
# Asking before a handoff when the evidence is partial, and the answer to "no".
RESPONSE_CONFIRM = "utter_ethics_handoff_confirm"
RESPONSE_DECLINED = "utter_ethics_handoff_declined"
# Said when one of the bot's actions fails (e.g. the action server is down); offers a person.
RESPONSE_OUTAGE = "utter_ethics_outage"
# A complaint when the policy asks before handing off (`handoff.when.complaint: ask`): the
# complaint is queued and its reference said, then a person is offered (the confirm buttons).
RESPONSE_COMPLAINT_FILED = "utter_ethics_complaint_filed"
# Responses that offer a person with the confirm buttons.
OFFER_RESPONSES = (RESPONSE_CONFIRM, RESPONSE_OUTAGE, RESPONSE_COMPLAINT_FILED)
# The answer to "what is the status of my request HR-...?" (the queue or the rights register).
RESPONSE_REQUEST_STATUS = "utter_ethics_request_status"
RESPONSE_TOO_LONG = "utter_ethics_too_long"  # a message over messages.max_message_chars
# Customers' rights in the chat (issue 12): the erasure question, and what follows the answer.
RESPONSE_ERASE_CONFIRM = "utter_ethics_privacy_erase_confirm"
RESPONSE_ERASED = "utter_ethics_privacy_erased"  # said only after the erasure was done
RESPONSE_ERASE_FAILED = "utter_ethics_privacy_erase_failed"  # nothing was deleted
RESPONSE_ERASE_DECLINED = "utter_ethics_privacy_erase_declined"
RESPONSE_PRIVACY_NOTICE = "utter_ethics_privacy_notice"
RESPONSE_EXPORT_FILED = "utter_ethics_privacy_export_filed"  # said after the request was filed
RESPONSE_EXPORT_FAILED = "utter_ethics_privacy_export_failed"  # nothing was filed
RESPONSE_OPTED_OUT = "utter_ethics_privacy_opted_out"  # said after the opt-out took effect
RESPONSE_OPT_OUT_FAILED = "utter_ethics_privacy_opt_out_failed"  # still stored
PRIVACY_RESPONSES = (
    RESPONSE_PRIVACY_NOTICE,
    RESPONSE_EXPORT_FILED,
    RESPONSE_EXPORT_FAILED,
    RESPONSE_ERASE_CONFIRM,
    RESPONSE_ERASED,
    RESPONSE_ERASE_FAILED,
    RESPONSE_ERASE_DECLINED,
    RESPONSE_OPTED_OUT,
    RESPONSE_OPT_OUT_FAILED,
)
# Either one announces a handoff: the second when no agent is available.
HANDOFF_RESPONSES = (RESPONSE_HANDOFF, RESPONSE_HANDOFF_UNAVAILABLE)

# Keys in BotUttered metadata / parse data that other components and audit records rely on.
META_DISCLOSURE = "ethics_disclosure"
META_HANDOFF = "ethics_handoff"
META_AGENT = "ethics_agent"  # a message a human agent sent through the agent channel
AGENT_ID = "id"  # inside metadata[META_AGENT]: the agent's id, a name-like token ("sam.lee")
META_RESUMED = "ethics_resumed"  # the agent handed the conversation back to the bot
META_PII = "ethics_pii"
# Parse data: the PII type PIIDetector expected, the bot having just asked for it ("person").
META_PII_EXPECTED = "ethics_pii_expected"
# On a bot message that offers a person ({"stage": "asked", "reason": ...}) and on the action
# that answers the offer ({"stage": "yes" | "no", "reason": ...}).
META_CONFIRM = "ethics_confirm"
META_OUTAGE = "ethics_outage"  # on the bot message said when an action failed: {"action": name}
# Parse data: the intent classifier's own prediction, when EthicsIntentGuard replaced an ethics
# intent that the message gave no evidence for ({"name", "confidence"}).
META_CLASSIFIER = "ethics_classifier"

# On the bot message that asks whether to erase ({"stage": "asked"}) and on the action that
# answers it ({"stage": "yes" | "no"}); the same keys as META_CONFIRM.
META_PRIVACY = "ethics_privacy"
# On the bot message said after an in-chat erasure: {"reference": "PR-..."}.  A tracker whose
# session holds it is never saved again (RedactingTrackerStore.save): the erasure stands.
META_ERASED = "ethics_erased"
# On the bot message said after an in-chat opt-out: {"reference": "PR-..."}.  A tracker that
# holds it is kept in process memory only (RedactingTrackerStore), never in the inner store.
META_OPTED_OUT = "ethics_opted_out"

# On the action of utter_ethics_complaint_filed: the complaint EthicsPolicy files ({"reason",
# "signals"}, as in META_HANDOFF); on its bot message: {"reference": "HR-..."}, the number said.
# The tracker store queues the complaint only when both are there.
META_FILED = "ethics_filed"
REFERENCE = "reference"  # inside metadata[META_FILED]
# On the offer of a person that follows the customer's feedback ("that's wrong"): the bot turn
# flagged, by names and time, never text ({"response", "action", "timestamp"}).
META_FEEDBACK = "ethics_feedback"
FEEDBACK_RESPONSE, FEEDBACK_ACTION, FEEDBACK_TIMESTAMP = "response", "action", "timestamp"
# An event the agent console publishes through the bot's event broker (see audit/events.py).
EVENT_AGENT_ACTION = "ethics_agent_action"

# Keys inside metadata[META_CONFIRM].
CONFIRM_STAGE = "stage"
CONFIRM_REASON = "reason"
STAGE_ASKED, STAGE_YES, STAGE_NO = "asked", "yes", "no"
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


# The environment variable of the agents' bearer token: AgentChannel, `rasa-ethics handoff`, init.
AGENT_TOKEN_ENV = "RASA_ETHICS_AGENT_TOKEN"
