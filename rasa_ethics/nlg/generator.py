"""``rasa_ethics.EthicsNLG``: the disclosure in each session's first response, live ethics texts.

Configure it in ``endpoints.yml``::

    nlg:
      type: rasa_ethics.EthicsNLG
      policy: ethics_policy.yml

Rasa builds a custom NLG as ``cls(endpoint_config=..., domain=...)``
(``rasa/core/nlg/generator.py``), under ``rasa run`` before the model is loaded.  Only subclasses of
``TemplatedNaturalLanguageGenerator`` are then given the model's responses
(``Agent.load_model`` in ``rasa/core/agent.py``), so this class subclasses it and the host's own
responses come out exactly as without the plugin.

Why the disclosure lives here and not in a policy: an extra action predicted in front of the host's
first answer makes RulePolicy fall back, so the customer's first message would go unanswered.
Prefixing the first response keeps the host's dialogue untouched.

Defence in depth for the truth contract: the handoff and bot-challenge texts are said only when
EthicsPolicy decided them.  The NLG asks the same pure function of the tracker that EthicsPolicy
predicts with (:func:`rasa_ethics.dialogue.steps.next_step`); the tracker it is given has the
prediction's events applied but not yet the action (``MessageProcessor._run_action``).  A handoff
text nobody decided (a host story naming ``utter_ethics_handoff``, Rasa's ``/execute`` API) becomes
the confirm question, so the customer is asked instead of being promised a person; the tracker
store queues nothing for it and EthicsPolicy does not pause.  A bot-challenge text nobody decided
becomes the host's ``utter_default``.  The complaint's filing text and the status answer are
guarded the same way; their reference numbers and marks come from :mod:`rasa_ethics.nlg.redress`
and :mod:`rasa_ethics.nlg.status`.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics import constants as c
from rasa_ethics.dialogue.confirm import erase_metadata, offer_metadata
from rasa_ethics.dialogue.detectors import Detectors
from rasa_ethics.dialogue.outage import REASON_OUTAGE
from rasa_ethics.dialogue.steps import next_step
from rasa_ethics.dialogue.turn import COMPLAINT_FILED, CONFIRM, FEEDBACK, analyse_turn
from rasa_ethics.nlg.disclosure import (
    add_disclosure,
    disclose_bot_uttered,
    install_custom_action_disclosure,
    is_first_bot_message,
    suppressed,
)
from rasa_ethics.nlg.output import redact_bot_messages, redact_response
from rasa_ethics.nlg.redress import decorate
from rasa_ethics.nlg.rights import ChatRights, chat_rights
from rasa_ethics.nlg.status import status_message
from rasa_ethics.policy import LivePolicy
from rasa_ethics.policy.loader import LoadedPolicy
from rasa_ethics.policy.texts import response_buttons, response_text

__all__ = ["EthicsNLG", "ethics_text"]

logger = logging.getLogger(__name__)

# Texts that promise something: said only when EthicsPolicy decided them.
GUARDED = (
    c.RESPONSE_HANDOFF,
    c.RESPONSE_HANDOFF_UNAVAILABLE,
    c.RESPONSE_BOT_CHALLENGE,
    c.RESPONSE_COMPLAINT_FILED,
    c.RESPONSE_REQUEST_STATUS,
)
# Undecided, these become the host's fallback (else the offer of a person).
_TO_HOST_FALLBACK = (c.RESPONSE_BOT_CHALLENGE, c.RESPONSE_REQUEST_STATUS)
# The answer to "yes, erase it": the erasure is done here, then one of the two is said.
ERASURE = (c.RESPONSE_ERASED, c.RESPONSE_ERASE_FAILED)
# The answer to "send me a copy of my data": the request is filed here, then one is said.
EXPORT = (c.RESPONSE_EXPORT_FILED, c.RESPONSE_EXPORT_FAILED)
# The answer to "don't store this conversation": the opt-out is made here, then one is said.
OPT_OUT = (c.RESPONSE_OPTED_OUT, c.RESPONSE_OPT_OUT_FAILED)
REASON_UNDECIDED = "undecided_response"  # an offer said in place of a text nobody decided
HOST_FALLBACK = "utter_default"


class EthicsNLG(TemplatedNaturalLanguageGenerator):
    """The host's responses unchanged, the disclosure in front of the first one of a session."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
        policy: Optional[str] = None,
    ) -> None:
        """Load the policy (``policy:`` in endpoints.yml) and cover custom-action messages too."""
        domain = domain or Domain.empty()
        super().__init__(domain.responses)
        kwargs = endpoint_config.kwargs if endpoint_config else {}
        self.live = LivePolicy(policy or kwargs.get("policy"))
        install_custom_action_disclosure()

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        """The response for ``utter_action``, disclosed if it is the session's first."""
        policy = self.live.current
        if utter_action in GUARDED and not _decided(policy, utter_action, tracker, self.responses):
            logger.warning(
                "rasa-ethics: %s was predicted without EthicsPolicy's decision; not said",
                utter_action,
            )
            utter_action = self._substitute(utter_action)
        if utter_action in ERASURE:
            if _decided(policy, c.RESPONSE_ERASED, tracker, self.responses):
                return self._erase(policy, tracker)
            logger.warning("rasa-ethics: %s was predicted without a 'yes'; asking", utter_action)
            utter_action = c.RESPONSE_ERASE_CONFIRM  # nobody confirmed: ask, never erase
        requested = _REQUESTED.get(utter_action)
        if requested is not None:  # an export request or an opt-out: done here, if asked for
            done, run = requested
            if _decided(policy, done, tracker, self.responses):
                return run(policy, tracker)  # type: ignore[no-any-return]
            logger.warning(
                "rasa-ethics: %s was predicted without a request; not said", utter_action
            )
            utter_action = (
                HOST_FALLBACK if HOST_FALLBACK in self.responses else c.RESPONSE_PRIVACY_NOTICE
            )
        text = ethics_text(policy, utter_action)
        if utter_action == c.RESPONSE_REQUEST_STATUS:
            message: Optional[Dict[Text, Any]] = status_message(policy, tracker)
        elif text is not None:
            message = self._ethics_message(policy, utter_action, text, tracker)
        else:
            message = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if message is None:
            return None
        if text is None:  # the host's response; the policy's own texts are never redacted
            templates = self.responses.get(utter_action, [])
            message = redact_response(policy, message, templates)
        # Inside a custom action's batch the wrapper discloses the batch as a whole.
        if not suppressed() and self._disclosure_due(policy, tracker):
            add_disclosure(message, policy.disclosure.text)
        return message

    @staticmethod
    def _erase(policy: LoadedPolicy, tracker: DialogueStateTracker) -> Dict[Text, Any]:
        """Erase this conversation now, then say so; if it could not be done, say that.

        The message of a done erasure carries its reference in ``ethics_erased``: the tracker
        store never saves a session that holds it, so the turn's own save cannot bring the
        conversation back (:meth:`rasa_ethics.stores.RedactingTrackerStore.save`).
        """
        chat = policy.privacy.chat
        sender = tracker.sender_id
        reference = _in_chat(lambda rights: rights.erase_in_chat(sender), "in-chat erasure")
        if reference is None:
            return {
                "text": chat.erase_failed_text,
                "utter_action": c.RESPONSE_ERASE_FAILED,
                **erase_metadata(c.STAGE_YES),
            }
        logger.info("rasa-ethics: conversation erased in the chat (%s)", reference)
        return {
            "text": chat.erased_text.replace("{reference}", reference),
            "utter_action": c.RESPONSE_ERASED,
            c.META_ERASED: {"reference": reference},
        }

    @staticmethod
    def _file_export(policy: LoadedPolicy, tracker: DialogueStateTracker) -> Dict[Text, Any]:
        """File the customer's request for a copy in the register, then give its reference."""
        chat = policy.privacy.chat
        sender = tracker.sender_id
        reference = _in_chat(lambda rights: rights.request_export_in_chat(sender), "export request")
        if reference is None:
            return {"text": chat.export_failed_text, "utter_action": c.RESPONSE_EXPORT_FAILED}
        logger.info("rasa-ethics: export request filed in the chat (%s)", reference)
        return {
            "text": chat.export_text.replace("{reference}", reference),
            "utter_action": c.RESPONSE_EXPORT_FILED,
        }

    @staticmethod
    def _opt_out(policy: LoadedPolicy, tracker: DialogueStateTracker) -> Dict[Text, Any]:
        """Opt this conversation out of the stores now, then say so; if it failed, say that.

        The message carries the reference in ``ethics_opted_out``: the tracker store keeps a
        tracker holding it in process memory only, so this turn's own save (the request and this
        answer included) never reaches the inner store or the broker.
        """
        chat = policy.privacy.chat
        sender = tracker.sender_id
        reference = _in_chat(lambda rights: rights.opt_out_in_chat(sender), "opt-out")
        if reference is None:
            return {"text": chat.opt_out_failed_text, "utter_action": c.RESPONSE_OPT_OUT_FAILED}
        logger.info("rasa-ethics: conversation opted out in the chat (%s)", reference)
        return {
            "text": chat.opted_out_text.replace("{reference}", reference),
            "utter_action": c.RESPONSE_OPTED_OUT,
            c.META_OPTED_OUT: {"reference": reference},
        }

    def _substitute(self, utter_action: Text) -> Text:
        """What is said instead of an undecided text: an offer, or the host's fallback."""
        if utter_action in _TO_HOST_FALLBACK and HOST_FALLBACK in self.responses:
            return HOST_FALLBACK
        return c.RESPONSE_CONFIRM

    def _ethics_message(
        self, policy: LoadedPolicy, utter_action: Text, text: Text, tracker: DialogueStateTracker
    ) -> Dict[Text, Any]:
        """A policy text, with the offer's buttons and mark where it offers a person."""
        message: Dict[Text, Any] = {"text": text, "utter_action": utter_action}
        buttons = response_buttons(policy, utter_action)
        if buttons:
            message["buttons"] = buttons
        if utter_action == c.RESPONSE_ERASE_CONFIRM:
            message.update(erase_metadata())
        elif buttons:
            message.update(offer_metadata(_offer_reason(policy, utter_action, tracker)))
        plan = analyse_turn(tracker, Detectors.for_policy(policy), self.responses.keys())
        return decorate(utter_action, message, tracker, plan)

    def disclose_bot_messages(
        self, messages: List[BotUttered], tracker: DialogueStateTracker
    ) -> List[BotUttered]:
        """Disclose the first of the messages a custom action sent, if it opens the session.

        Texts the action sent itself never passed :meth:`generate`: they are redacted here.
        """
        policy = self.live.current
        messages = redact_bot_messages(policy, messages)
        if not messages or not self._disclosure_due(policy, tracker):
            return messages
        if any((m.metadata or {}).get(c.META_DISCLOSURE) for m in messages):
            return messages
        return [disclose_bot_uttered(messages[0], policy.disclosure.text), *messages[1:]]

    @staticmethod
    def _disclosure_due(policy: LoadedPolicy, tracker: DialogueStateTracker) -> bool:
        return policy.disclosure.enabled and is_first_bot_message(tracker)


#: Each response of a request done in the NLG: the one said when it was done, and the doer.
_REQUESTED = {
    **dict.fromkeys(EXPORT, (c.RESPONSE_EXPORT_FILED, EthicsNLG._file_export)),
    **dict.fromkeys(OPT_OUT, (c.RESPONSE_OPTED_OUT, EthicsNLG._opt_out)),
}


def _decided(
    policy: LoadedPolicy, utter_action: Text, tracker: DialogueStateTracker, responses: Any
) -> bool:
    """True when EthicsPolicy's next step for this turn is ``utter_action``."""
    plan = analyse_turn(tracker, Detectors.for_policy(policy), responses.keys())
    if plan is None:
        return False
    step = next_step(plan, tracker, c.RESPONSE_BOT_CHALLENGE)
    return step is not None and utter_action in step.options


def _offer_reason(policy: LoadedPolicy, utter_action: Text, tracker: DialogueStateTracker) -> str:
    """Why the bot offers a person: recorded with the offer, handed on with a "yes"."""
    if utter_action == c.RESPONSE_OUTAGE:
        return REASON_OUTAGE
    plan = analyse_turn(tracker, Detectors.for_policy(policy))
    if plan is not None and plan.kind in (CONFIRM, COMPLAINT_FILED, FEEDBACK) and plan.reason:
        return plan.reason
    return REASON_UNDECIDED


def ethics_text(policy: LoadedPolicy, utter_action: Text) -> Optional[Text]:
    """The live policy's text for an ``utter_ethics_*`` response, else None."""
    return response_text(policy, utter_action)


def _in_chat(operation: Callable[[ChatRights], str], what: str) -> Optional[str]:
    """Run ``operation`` on the stores' in-chat rights: its reference number, or None (logged)
    when it was not done, whatever the reason."""
    rights = chat_rights()
    try:
        if rights is None:
            msg = "no rasa_ethics.RedactingTrackerStore in this process"
            raise RuntimeError(msg)
        return operation(rights)
    except Exception as exc:  # noqa: BLE001 - whatever failed, nothing may be announced
        # only the type: messages of store errors can hold ids and texts
        logger.error("rasa-ethics: %s failed (%s); nothing done", what, type(exc).__name__)
        return None
