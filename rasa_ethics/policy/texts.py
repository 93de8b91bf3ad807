"""The one table of texts designers write in the policy, by the response that says them."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional

from rasa_ethics import constants as c

__all__ = ["fill", "response_buttons", "response_text", "response_texts", "text_pattern"]


def response_texts(policy: Any) -> Dict[str, str]:
    """Every ``utter_ethics_*`` response with its live text (topics without a text left out).

    ``policy`` is a :class:`~rasa_ethics.policy.LoadedPolicy` or its ``PolicyDocument``.
    """
    handoff = policy.handoff
    texts = {
        c.RESPONSE_DISCLOSURE: policy.disclosure.text,
        c.RESPONSE_BOT_CHALLENGE: policy.disclosure.bot_challenge_text,
        c.RESPONSE_HANDOFF: handoff.text,
        c.RESPONSE_HANDOFF_UNAVAILABLE: handoff.unavailable_text,
        c.RESPONSE_RESUMED: handoff.resumed_text,
        c.RESPONSE_CONFIRM: handoff.confirm.text,
        c.RESPONSE_DECLINED: handoff.confirm.declined_text,
        c.RESPONSE_OUTAGE: handoff.outage_text,
        c.RESPONSE_TOO_LONG: policy.messages.too_long_text,
        c.RESPONSE_COMPLAINT_FILED: policy.redress.complaint_filed_text,
        # the domain's text; EthicsNLG says the one that fits the request (nlg/status.py)
        c.RESPONSE_REQUEST_STATUS: policy.redress.status_not_found_text,
    }
    chat = policy.privacy.chat
    if chat.enabled:
        notice = chat.notice_text
        if chat.notice_link:
            notice = f"{notice} Full privacy notice: {chat.notice_link}"
        texts[c.RESPONSE_PRIVACY_NOTICE] = notice
        texts[c.RESPONSE_EXPORT_FILED] = chat.export_text
        texts[c.RESPONSE_EXPORT_FAILED] = chat.export_failed_text
        texts[c.RESPONSE_ERASE_CONFIRM] = chat.erase_confirm_text
        texts[c.RESPONSE_ERASED] = chat.erased_text
        texts[c.RESPONSE_ERASE_FAILED] = chat.erase_failed_text
        texts[c.RESPONSE_ERASE_DECLINED] = chat.erase_declined_text
        texts[c.RESPONSE_OPTED_OUT] = chat.opted_out_text
        texts[c.RESPONSE_OPT_OUT_FAILED] = chat.opt_out_failed_text
    for topic, config in handoff.signals.sensitive_topics.items():
        if config.text:
            texts[c.topic_response(topic)] = config.text
    return texts


def response_text(policy: Any, utter_action: str) -> Optional[str]:
    """The live text of an ``utter_ethics_*`` response, else None (a host response)."""
    return response_texts(policy).get(utter_action)


def response_buttons(policy: Any, utter_action: str) -> List[Dict[str, str]]:
    """The buttons of a question: the offer of a person (confirm, outage), the erasure question.

    A button's payload is its title: typed or clicked, EthicsPolicy reads the answer from the
    text, so no intent needs to exist for it.
    """
    if utter_action == c.RESPONSE_ERASE_CONFIRM:
        chat = policy.privacy.chat
        return [{"title": t, "payload": t} for t in (chat.erase_yes_button, chat.erase_no_button)]
    if utter_action not in c.OFFER_RESPONSES:
        return []
    confirm = policy.handoff.confirm
    return [{"title": t, "payload": t} for t in (confirm.yes_button, confirm.no_button)]


def fill(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each ``{name}`` of ``values`` replaced; other braces are left as written."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def text_pattern(text: str) -> "re.Pattern[str]":
    """A pattern that matches ``text`` as said, whatever its placeholders were filled with."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts) + r"\Z", re.DOTALL)
