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
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics import constants as c
from rasa_ethics.nlg.disclosure import (
    add_disclosure,
    disclose_bot_uttered,
    install_custom_action_disclosure,
    is_first_bot_message,
    suppressed,
)
from rasa_ethics.nlg.output import redact_bot_messages, redact_response
from rasa_ethics.policy import LivePolicy
from rasa_ethics.policy.loader import LoadedPolicy
from rasa_ethics.policy.texts import response_text

__all__ = ["EthicsNLG", "ethics_text"]

logger = logging.getLogger(__name__)

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
        text = ethics_text(policy, utter_action)
        if text is not None:
            message: Optional[Dict[Text, Any]] = {"text": text, "utter_action": utter_action}
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


def ethics_text(policy: LoadedPolicy, utter_action: Text) -> Optional[Text]:
    """The live policy's text for an ``utter_ethics_*`` response, else None."""
    return response_text(policy, utter_action)
