"""Redact personal data in the bot's own messages when the policy says so (``redact_bot_output``).

Two ways a message reaches the customer in Rasa 3.6, both covered by
:class:`rasa_ethics.nlg.EthicsNLG`:

* a response (``utter_*``, also one a custom action names) goes through ``NLG.generate``:
  :func:`redact_response`;
* a text a custom action sends itself (``dispatcher.utter_message(text=...)``) becomes a
  ``BotUttered`` in ``RemoteAction._utter_responses`` without the NLG; rasa-ethics wraps that
  method for the AI disclosure (:mod:`rasa_ethics.nlg.disclosure`), and the same batch passes
  through :func:`redact_bot_messages`.

The visible text and button titles are redacted, and so is every value the channel passes on to
the customer's client: ``custom`` payloads (their keys too), ``attachment`` and ``image`` URLs,
``elements``; long numbers in them as well (a phone number sent as ``4155552671``).  Button
payloads are left alone: the customer does not see them, and changing them would change what
the button does.  What the designers wrote
into a response stays (the shop's own phone number in ``utter_contact``): a value is only
redacted when it is not part of the response's template, i.e. when a slot or a custom action put
it there.  The policy's own texts (disclosure, handoff) are never redacted.

What is found: everything the pattern recognizers find, and the values found earlier in what
customers wrote (names included, see :class:`rasa_ethics.pii.runtime.KnownValues`).  spaCy is not
run on bot texts: on product names and shop names it guesses people ("Alpine Rain Shell"), and the
customer would get a garbled answer.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterable, List

from rasa.shared.core.events import BotUttered

from rasa_ethics.pii import PIIEngine
from rasa_ethics.pii.runtime import KNOWN_VALUES, engine_for
from rasa_ethics.policy.texts import response_texts

__all__ = ["redact_bot_messages", "redact_response", "unique_key", "written_texts"]

_TITLED = ("buttons", "quick_replies")
# What a channel hands to the customer's client besides the text (rasa/core/channels/channel.py,
# OutputChannel.send_response).
_PAYLOADS = ("custom", "attachment", "image", "elements")
_MIN_DIGITS = 6  # shorter numbers (quantities, prices) are no one's personal data


def redact_response(
    policy: Any, message: Dict[str, Any], templates: Iterable[Any] = ()
) -> Dict[str, Any]:
    """``message`` (an NLG response dict) with its text and button titles redacted, if due.

    ``templates`` are the response's variations from the domain: values written in them stay.
    """
    if not (policy.pii.enabled and policy.pii.redact_bot_output):
        return message
    engine = engine_for(policy, ner=False)
    written = written_texts(policy, list(templates))
    if isinstance(message.get("text"), str):
        message["text"] = _redact(engine, message["text"], written)
    for key in _TITLED:
        for button in message.get(key) or []:
            if isinstance(button, dict) and isinstance(button.get("title"), str):
                button["title"] = _redact(engine, button["title"], written)
    for key in _PAYLOADS:
        if message.get(key) is not None:
            message[key] = _redact_payload(engine, message[key], written)
    return message


def _redact_payload(engine: PIIEngine, value: Any, written: str) -> Any:
    """Every string, dict key and long number in a payload redacted (values written stay)."""
    if isinstance(value, str):
        return _redact(engine, value, written)
    if isinstance(value, dict):
        redacted: Dict[Any, Any] = {}
        for key, item in value.items():
            new_key = _redact_payload(engine, key, written)
            if new_key != key:
                new_key = unique_key(new_key, redacted)
            redacted[new_key] = _redact_payload(engine, item, written)
        return redacted
    if isinstance(value, list):
        return [_redact_payload(engine, v, written) for v in value]
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and len(str(abs(value))) >= _MIN_DIGITS
    ):
        digits = str(value)
        masked = _redact(engine, digits, written)
        return value if masked == digits else masked
    return value


def redact_bot_messages(policy: Any, messages: List[BotUttered]) -> List[BotUttered]:
    """Custom-action messages with their text and button titles redacted, if due.

    A message built from a named response (``utter_action`` in its metadata, set by
    ``RemoteAction._utter_responses``) went through ``generate`` and was redacted there.
    """
    if not (policy.pii.enabled and policy.pii.redact_bot_output):
        return messages
    return [
        m if (m.metadata or {}).get("utter_action") else _redacted_event(policy, m)
        for m in messages
    ]


def _redacted_event(policy: Any, event: BotUttered) -> BotUttered:
    data = redact_response(policy, {"text": event.text, **copy.deepcopy(event.data or {})})
    text = data.pop("text", None)
    if text == event.text and data == (event.data or {}):
        return event
    return BotUttered(text, data, event.metadata, timestamp=event.timestamp)


def _redact(engine: PIIEngine, text: str, written: str = "") -> str:
    text = KNOWN_VALUES.redact(text, keep=written)
    spans = [s for s in engine.analyze(text) if text[s.start : s.end] not in written]
    return engine.anonymize(text, spans).text


def unique_key(key: Any, taken: Dict[Any, Any]) -> Any:
    """``key``, or ``key#2``, ``key#3``, ... if taken (two keys redacted alike lose nothing)."""
    if key not in taken:
        return key
    n = 2
    while f"{key}#{n}" in taken:
        n += 1
    return f"{key}#{n}"


def written_texts(policy: Any, templates: Any = None) -> str:
    """What designers wrote, joined: a response's variations and the policy's own texts.

    A value found in these was written by the designers (the shop's phone number, its name in
    the disclosure), not given by a customer.
    """
    texts = list(response_texts(policy).values())
    return _template_strings([texts, templates or []])


def _template_strings(templates: Iterable[Any]) -> str:
    """Every string in the response variations, joined (values found in it were written)."""
    parts: List[str] = []
    stack = list(templates)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return "\n".join(parts)
