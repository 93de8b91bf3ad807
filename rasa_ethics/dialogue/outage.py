"""An answer when one of the bot's actions fails: the policy's outage text and an offer of a person.

Rasa runs every action in ``MessageProcessor._run_action`` (``rasa/core/processor.py``).  When the
action raises, say because the action server is down, Rasa logs the exception, records the action
with no events and carries on: the customer gets nothing.  A form fails the same way, because it
calls its validation action (``validate_<form>``) on every turn, and the turn's slot values have
already been set by the slot extraction before anything validates them.

:func:`install_outage_guard` wraps that one method once per process, so the action it runs is
guarded: an exception other than Rasa's own ``ActionExecutionRejection`` (a form's normal "not
my input" signal) becomes

* ``SlotSet`` events that put back the slots this turn's extraction set (the form keeps the state
  it had before the turn: nothing unvalidated is kept), and
* the response ``utter_ethics_outage`` (the policy's ``handoff.outage_text`` with the confirm
  buttons), marked ``ethics_outage`` and as an offer of a person.

EthicsPolicy then predicts ``action_listen``; a "yes" hands off.  The wrapper is checked against
the exact signature of Rasa 3.6 and refuses to install on anything else (fail closed).
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Dict, List, Optional, Text

import rasa
from rasa.core.actions.action import Action, ActionExecutionRejection, create_bot_utterance
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from rasa_ethics import constants as c
from rasa_ethics.dialogue.confirm import offer_metadata
from rasa_ethics.dialogue.slots import extracted_slots
from rasa_ethics.policy.schema_handoff import HandoffConfig

__all__ = ["REASON_OUTAGE", "install_outage_guard", "outage_events"]

logger = logging.getLogger(__name__)

REASON_OUTAGE = "action_failure"
_EXPECTED_PARAMETERS = ["self", "action", "tracker", "output_channel", "nlg", "prediction"]
_MARK = "__rasa_ethics_outage_guard__"
_DEFAULT_TEXT = HandoffConfig.__fields__["outage_text"].default


def install_outage_guard() -> None:
    """Wrap ``MessageProcessor._run_action`` once per process (idempotent)."""
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor._run_action
    if getattr(original, _MARK, False):
        return
    _verify(original)

    async def _run_action(
        self: Any, action: Action, tracker: Any, output_channel: Any, nlg: Any, prediction: Any
    ) -> bool:
        guarded = action if action.name() == ACTION_LISTEN_NAME else _Guarded(action)
        return await original(self, guarded, tracker, output_channel, nlg, prediction)

    setattr(_run_action, _MARK, True)
    _run_action.__wrapped__ = original  # type: ignore[attr-defined]
    _run_action.__doc__ = original.__doc__
    MessageProcessor._run_action = _run_action  # type: ignore[method-assign]


class _Guarded(Action):
    """The action Rasa was about to run, with its failure turned into the outage answer."""

    def __init__(self, inner: Action) -> None:
        self._inner = inner

    def name(self) -> Text:
        return self._inner.name()

    def event_for_successful_execution(self, prediction: Any) -> Any:
        return self._inner.event_for_successful_execution(prediction)

    def __getattr__(self, name: str) -> Any:
        if name == "_inner":  # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self._inner, name)

    async def run(
        self,
        output_channel: Any,
        nlg: Any,
        tracker: DialogueStateTracker,
        domain: Domain,
        **kwargs: Any,
    ) -> List[Event]:
        try:
            return await self._inner.run(output_channel, nlg, tracker, domain, **kwargs)
        except ActionExecutionRejection:
            raise
        except Exception:
            logger.exception(
                "rasa-ethics: action '%s' failed; the customer gets the outage text", self.name()
            )
            return await outage_events(self.name(), output_channel, nlg, tracker, domain)


async def outage_events(
    action_name: str, output_channel: Any, nlg: Any, tracker: DialogueStateTracker, domain: Domain
) -> List[Event]:
    """Put back this turn's extracted slots and say the outage text, marked as an offer."""
    restored: List[Event] = [
        SlotSet(name, value) for name, value in extracted_slots(tracker, domain).items()
    ]
    message = await _outage_message(output_channel, nlg, tracker, domain)
    message["utter_action"] = c.RESPONSE_OUTAGE
    message[c.META_OUTAGE] = {"action": action_name}
    message.update(offer_metadata(REASON_OUTAGE))
    return [*restored, create_bot_utterance(message)]


async def _outage_message(
    output_channel: Any, nlg: Any, tracker: DialogueStateTracker, domain: Domain
) -> Dict[str, Any]:
    """The response from the NLG (live policy text), else from the domain, else the default."""
    message: Optional[Dict[str, Any]] = None
    try:
        channel = output_channel.name() if output_channel else None
        message = await nlg.generate(
            c.RESPONSE_OUTAGE, tracker, channel, domain_responses=domain.responses
        )
    except Exception:  # the NLG may be what failed: still answer
        logger.exception("rasa-ethics: the NLG failed on the outage text; using the default")
    if message:
        return dict(message)
    variants = domain.responses.get(c.RESPONSE_OUTAGE) or [{"text": _DEFAULT_TEXT}]
    return dict(variants[0])


def _verify(original: Any) -> None:
    version = getattr(rasa, "__version__", "unknown")
    parameters = list(inspect.signature(original).parameters)
    if not version.startswith("3.6.") or parameters != _EXPECTED_PARAMETERS:
        msg = (
            "rasa-ethics answers failed actions by wrapping MessageProcessor._run_action, "
            f"verified against Rasa 3.6 only; found Rasa {version} with parameters {parameters}. "
            "Use Rasa 3.6."
        )
        raise RasaException(msg)
