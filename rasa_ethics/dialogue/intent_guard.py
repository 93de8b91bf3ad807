"""``rasa_ethics.EthicsIntentGuard``: an ethics intent without evidence goes back to the host.

Add it to ``config.yml`` after the intent classifier and before ``FallbackClassifier``
(``rasa-ethics init`` does)::

    pipeline:
      ...
      - name: DIETClassifier
      - name: rasa_ethics.EthicsIntentGuard
        policy: ethics_policy.yml
      - name: FallbackClassifier

Why: the classifier puts out-of-scope requests into the added intents ("can I get the bill from
Mr. Brown" -> ``ethics_human_handoff``, "I want to give feedback" -> ``ethics_complaint``).
EthicsPolicy finds no evidence for them and abstains; without this component the host's policies
then see an intent they have no rule or story for, and answer with their core fallback or a guess.
Here such a message is classified as if the ethics intents did not exist: the top ethics intents
are dropped from the ranking and the host's intents are renormalised (the classifier's
distribution given that the message is not an ethics intent), so ``FallbackClassifier`` after it
applies the bot's own threshold.  The host answers, or falls back as it would.

"Evidence" is what EthicsPolicy itself needs (:func:`rasa_ethics.dialogue.turn.analyse_message`):
when EthicsPolicy would act on the message, or ask about it, the intent stays.  The classifier's
own prediction is kept in the parse data as ``ethics_classifier``, and EthicsPolicy judges that,
so its decisions are the same with or without this component.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message as NLUMessage

from rasa_ethics import constants as c
from rasa_ethics.dialogue.detectors import Detectors, Message
from rasa_ethics.dialogue.turn import analyse_message
from rasa_ethics.policy import LivePolicy, LoadedPolicy

__all__ = ["EthicsIntentGuard", "ethics_intents", "without_ethics_intents"]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EthicsIntentGuard(GraphComponent):
    """Replaces an ethics intent the message gives no evidence for by the host's best intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The defaults; set them under the component in ``config.yml``."""
        return {
            # The policy file (relative to where Rasa runs); None: $RASA_ETHICS_POLICY or the
            # bundled default.  Its intents and triggers say what counts as evidence.
            "policy": None,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Load the policy now, so that a missing or invalid one fails at start-up."""
        self.live = LivePolicy(config.get("policy"))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EthicsIntentGuard:
        """Build the component (it learns nothing)."""
        return cls(config)

    def process(self, messages: List[NLUMessage]) -> List[NLUMessage]:
        """Re-rank each message whose top intent is an ethics intent without evidence."""
        policy = self.live.current
        guarded = ethics_intents(policy)
        detectors = Detectors.for_policy(policy)
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) not in guarded:
                continue
            judged = Message.from_parse_data(message.get(TEXT), _parse_data(message))
            if analyse_message(judged, detectors) is not None:
                continue  # EthicsPolicy acts on it or asks: the intent is backed
            ranking = without_ethics_intents(message.get(INTENT_RANKING_KEY) or [intent], guarded)
            message.set(c.META_CLASSIFIER, dict(intent), add_to_output=True)
            message.set(INTENT, _top(ranking), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


def ethics_intents(policy: LoadedPolicy) -> frozenset:
    """Every intent the policy treats as a handoff, bot-challenge, complaint or privacy intent."""
    privacy = c.PRIVACY_INTENTS if policy.privacy.chat.enabled else ()
    return frozenset(
        [
            *policy.handoff.intents,
            *policy.disclosure.bot_challenge_intents,
            *policy.handoff.signals.complaint_intents,
            *privacy,
        ]
    )


def without_ethics_intents(ranking: List[Dict[str, Any]], guarded: frozenset) -> List[Dict]:
    """The ranking without the ethics intents, confidences renormalised to sum to one."""
    kept = [dict(item) for item in ranking if item.get(INTENT_NAME_KEY) not in guarded]
    total = sum(float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for item in kept)
    for item in kept:
        share = float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        item[PREDICTED_CONFIDENCE_KEY] = share / total if total > 0 else 0.0
    return kept


def _top(ranking: List[Dict[str, Any]]) -> Dict[str, Any]:
    if ranking and ranking[0].get(PREDICTED_CONFIDENCE_KEY):
        return {
            INTENT_NAME_KEY: ranking[0][INTENT_NAME_KEY],
            PREDICTED_CONFIDENCE_KEY: ranking[0][PREDICTED_CONFIDENCE_KEY],
        }
    # Nothing of the host's is left: NLU did not understand the message.
    return {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}


def _parse_data(message: NLUMessage) -> Dict[str, Any]:
    """What ``Message.from_parse_data`` reads: the intent, its ranking and the PII spans."""
    return {
        INTENT: message.get(INTENT),
        INTENT_RANKING_KEY: message.get(INTENT_RANKING_KEY),
        c.META_PII: message.get(c.META_PII),
        c.META_CLASSIFIER: message.get(c.META_CLASSIFIER),
    }
