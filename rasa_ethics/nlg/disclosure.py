"""The AI disclosure in the first bot message of every session, wherever that message comes from.

Responses (``utter_*``) pass through the NLG, which prefixes the disclosure (see
:class:`rasa_ethics.nlg.EthicsNLG`).  Text that a custom action sends with
``dispatcher.utter_message(text=...)`` does not: ``RemoteAction._utter_responses`` in
``rasa/core/actions/action.py`` only calls ``nlg.generate`` for named responses and builds the other
``BotUttered`` events itself.  :func:`install_custom_action_disclosure` therefore wraps that one
static method, and only changes anything when the NLG in use is a :class:`DisclosingNLG`.  The
wrapper is checked against the exact signature of Rasa 3.6 at start-up and refuses to install on
anything else (fail closed: a silent miss would break the disclosure promise).
"""

from __future__ import annotations

import contextvars
import inspect
from typing import Any, Dict, List, Protocol, runtime_checkable

import rasa
from rasa.shared.core.events import (
    BotUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from rasa_ethics import constants as c
from rasa_ethics.dialogue.turn import starts_session

__all__ = [
    "DisclosingNLG",
    "add_disclosure",
    "install_custom_action_disclosure",
    "is_first_bot_message",
    "suppressed",
]

SEPARATOR = "\n\n"
_EXPECTED_PARAMETERS = ["responses", "output_channel", "nlg", "tracker"]
_MARK = "__rasa_ethics_wrapper__"

# Set while RemoteAction builds a batch of messages: the batch is disclosed as a whole, because
# every message in it sees the same tracker and would each look like "the first".
_SUPPRESSED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "rasa_ethics_disclosure_suppressed", default=False
)


def suppressed() -> bool:
    """True while a custom action's messages are being built (they are disclosed as a batch)."""
    return _SUPPRESSED.get()


@runtime_checkable
class DisclosingNLG(Protocol):
    """An NLG that discloses the first message of a batch built by a custom action."""

    def disclose_bot_messages(
        self, messages: List[BotUttered], tracker: DialogueStateTracker
    ) -> List[BotUttered]:
        """Return ``messages`` with the disclosure added to the first one if it is due."""


def is_first_bot_message(tracker: DialogueStateTracker) -> bool:
    """True when the current session has no bot message yet."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return False
        if starts_session(event):
            return True
    return True


def add_disclosure(message: Dict[str, Any], disclosure: str) -> Dict[str, Any]:
    """Prefix ``disclosure`` to a response dict and mark it (the mark becomes BotUttered metadata).

    A response that is the disclosure itself (``utter_ethics_disclosure``) is only marked.
    """
    text = message.get("text")
    if message.get("utter_action") != c.RESPONSE_DISCLOSURE:
        message["text"] = f"{disclosure}{SEPARATOR}{text}" if text else disclosure
    message[c.META_DISCLOSURE] = True
    return message


def disclose_bot_uttered(event: BotUttered, disclosure: str) -> BotUttered:
    """A copy of ``event`` with the disclosure in front of its text and the metadata mark."""
    text = f"{disclosure}{SEPARATOR}{event.text}" if event.text else disclosure
    metadata = {**(event.metadata or {}), c.META_DISCLOSURE: True}
    return BotUttered(text, dict(event.data or {}), metadata, timestamp=event.timestamp)


def install_custom_action_disclosure() -> None:
    """Wrap ``RemoteAction._utter_responses`` once per process (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    current = inspect.getattr_static(RemoteAction, "_utter_responses")
    original = current.__func__ if isinstance(current, staticmethod) else current
    if getattr(original, _MARK, False):
        return
    _verify(original)

    async def _utter_responses(
        responses: List[Dict[str, Any]], output_channel: Any, nlg: Any, tracker: Any
    ) -> List[BotUttered]:
        if not isinstance(nlg, DisclosingNLG):
            return await original(responses, output_channel, nlg, tracker)
        token = _SUPPRESSED.set(True)
        try:
            messages = await original(responses, output_channel, nlg, tracker)
        finally:
            _SUPPRESSED.reset(token)
        return nlg.disclose_bot_messages(messages, tracker)

    setattr(_utter_responses, _MARK, True)
    _utter_responses.__wrapped__ = original  # type: ignore[attr-defined]
    _utter_responses.__doc__ = original.__doc__
    RemoteAction._utter_responses = staticmethod(_utter_responses)  # type: ignore[method-assign]


def _verify(original: Any) -> None:
    version = getattr(rasa, "__version__", "unknown")
    parameters = list(inspect.signature(original).parameters)
    if not version.startswith("3.6.") or parameters != _EXPECTED_PARAMETERS:
        msg = (
            "rasa-ethics discloses the AI in custom-action messages by wrapping "
            "RemoteAction._utter_responses, verified against Rasa 3.6 only; found Rasa "
            f"{version} with parameters {parameters}. Use Rasa 3.6, or remove `nlg:` from "
            "endpoints.yml and accept that texts sent by custom actions carry no disclosure."
        )
        raise RasaException(msg)
