"""The one table of texts designers write in the policy, by the response that says them."""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_ethics import constants as c

__all__ = ["response_text", "response_texts"]


def response_texts(policy: Any) -> Dict[str, str]:
    """Every ``utter_ethics_*`` response with its live text (topics without a text left out).

    ``policy`` is a :class:`~rasa_ethics.policy.LoadedPolicy` or its ``PolicyDocument``.
    """
    texts = {
        c.RESPONSE_DISCLOSURE: policy.disclosure.text,
        c.RESPONSE_BOT_CHALLENGE: policy.disclosure.bot_challenge_text,
        c.RESPONSE_HANDOFF: policy.handoff.text,
        c.RESPONSE_HANDOFF_UNAVAILABLE: policy.handoff.unavailable_text,
        c.RESPONSE_RESUMED: policy.handoff.resumed_text,
        c.RESPONSE_TOO_LONG: policy.messages.too_long_text,
    }
    for topic, config in policy.handoff.signals.sensitive_topics.items():
        if config.text:
            texts[c.topic_response(topic)] = config.text
    return texts


def response_text(policy: Any, utter_action: str) -> Optional[str]:
    """The live text of an ``utter_ethics_*`` response, else None (a host response)."""
    return response_texts(policy).get(utter_action)
