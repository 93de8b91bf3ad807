"""``rasa_ethics.EthicsPolicy``: bot challenge and human handoff, enforced inside the Rasa process.

Add it to ``config.yml`` next to the bot's own policies::

    policies:
      - name: RulePolicy
      - name: rasa_ethics.EthicsPolicy
        policy: ethics_policy.yml   # the designers' policy file (relative to where Rasa runs)

It abstains (all-zero prediction, no events) unless the latest customer message asks for a human,
carries a handoff signal, asks whether the bot is a bot, answers the bot's offer of a person, or
is over ``messages.max_message_chars`` (PIIDetector marks it and keeps it from NLU).
The steps of each case are in :mod:`rasa_ethics.dialogue.steps`.  After an action that failed (the
outage guard of :mod:`rasa_ethics.dialogue.outage` said the policy's outage text in its place) it
predicts ``action_listen``, so nothing else is said on top of the offer.

How it wins (verified against Rasa 3.6.21, ``rasa/core/policies/ensemble.py``): the ensemble ranks
``is_no_user_prediction`` first, then ``(confidence, priority)``.  RulePolicy predicts an active
form with ``is_no_user_prediction=True`` at confidence 1.0 and priority 4, so this policy uses the
same flag, confidence 1.0 and priority 6.  Events that change the conversation go into
``optional_events``: the ensemble applies those only for the winning prediction (mandatory
``events`` of every policy are applied even when it loses).  Abstaining predictions never set the
flag.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.events import ConversationPaused, Event
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue import host_flow
from rasa_ethics.dialogue.confirm import erase_metadata, offer_metadata
from rasa_ethics.dialogue.detectors import Detectors
from rasa_ethics.dialogue.outage import install_outage_guard
from rasa_ethics.dialogue.slots import interrupt_events
from rasa_ethics.dialogue.steps import Step, next_step, outage_reported
from rasa_ethics.dialogue.turn import (
    COMPLAINT_FILED,
    DECLINED,
    ERASE,
    ERASE_DECLINED,
    HANDOFF,
    TurnPlan,
    analyse_turn,
)
from rasa_ethics.handoff.availability import is_available
from rasa_ethics.handoff.current import agents_online
from rasa_ethics.handoff.decision import HandoffDecision
from rasa_ethics.policy import LivePolicy, LoadedPolicy

__all__ = ["EthicsPolicy"]

logger = logging.getLogger(__name__)

ETHICS_POLICY_PRIORITY = 6
REQUIRED_RESPONSES = (
    c.RESPONSE_BOT_CHALLENGE,
    c.RESPONSE_HANDOFF,
    c.RESPONSE_HANDOFF_UNAVAILABLE,
    c.RESPONSE_CONFIRM,
    c.RESPONSE_DECLINED,
    c.RESPONSE_OUTAGE,
    c.RESPONSE_TOO_LONG,
)
INFO_FILE = "ethics_policy.json"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class EthicsPolicy(Policy):
    """Answers bot challenges and hands off to a human from any state, forms included."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The defaults; every key can be set under the policy in ``config.yml``."""
        return {
            # Above RulePolicy (4), so it wins ties at confidence 1.0, even in active forms.
            "priority": ETHICS_POLICY_PRIORITY,
            # The policy file (path relative to the working directory of `rasa run`).
            # Empty: $RASA_ETHICS_POLICY, else the bundled default.
            "policy": None,
            # Seconds between checks whether the policy file changed on disk.
            "reload_seconds": 2.0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        """Load the policy file; a missing or invalid one is an error (fail closed)."""
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.live = LivePolicy(config.get("policy"), check_every=config["reload_seconds"])
        install_outage_guard()

    @classmethod
    def raise_if_incompatible_with_domain(cls, config: Dict[Text, Any], domain: Domain) -> None:
        """Refuse a domain without the ethics responses: the importer is missing."""
        missing = [r for r in REQUIRED_RESPONSES if r not in domain.action_names_or_texts]
        if missing:
            msg = (
                f"EthicsPolicy needs the responses {', '.join(missing)}, which "
                "rasa_ethics.EthicsImporter adds. Add it under `importers:` in config.yml:\n"
                "  importers:\n    - name: RasaFileImporter\n    - name: rasa_ethics.EthicsImporter"
            )
            raise InvalidDomain(msg)

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn: check the domain and record which policy file was used."""
        self.raise_if_incompatible_with_domain(self.config, domain)
        policy = self.live.current
        host_flow.check_domain(policy, domain)
        with self._model_storage.write_to(self._resource) as directory:
            info = {"policy": policy.name, "version": policy.version_hash}
            (directory / INFO_FILE).write_text(json.dumps(info), encoding="utf-8")
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Abstain, or predict the next ethics step of this turn."""
        if tracker.is_paused():
            return self._abstain(domain)
        if outage_reported(tracker):
            return self._predict(ACTION_LISTEN_NAME, domain)  # the offer is the last word
        policy = self.live.current
        plan = analyse_turn(tracker, Detectors.for_policy(policy), domain.action_names_or_texts)
        if plan is None:
            return self._abstain(domain)
        # The host's own flow, if the policy keeps it for this turn (see dialogue/host_flow.py).
        host = host_flow.next_host_step(plan, tracker, domain, policy)
        if host is not None:
            if host.action is None:
                return self._abstain(domain)
            events = list(host.events)
            return self._predict(host.action, domain, events, action_metadata=host.metadata)
        step = next_step(plan, tracker, c.RESPONSE_BOT_CHALLENGE)
        if step is None:
            return self._abstain(domain)
        return self._say(plan, step, tracker, domain, policy)

    def _say(
        self,
        plan: TurnPlan,
        step: Step,
        tracker: DialogueStateTracker,
        domain: Domain,
        policy: LoadedPolicy,
    ) -> PolicyPrediction:
        if step.listens:
            paused = [ConversationPaused()] if step.pause else []
            return self._predict(ACTION_LISTEN_NAME, domain, optional_events=paused)
        close_form = plan.kind == HANDOFF
        events = interrupt_events(tracker, domain, close_form) if step.first else []
        name, metadata = step.options[0], None
        if step.options == c.HANDOFF_RESPONSES:
            available = is_available(policy.handoff.availability, online=agents_online())
            name = c.RESPONSE_HANDOFF if available else c.RESPONSE_HANDOFF_UNAVAILABLE
            decision = HandoffDecision(plan.reason or "", plan.signals, available)
            metadata = decision.as_metadata()
            if plan.answered:
                metadata.update(offer_metadata(plan.reason or "", plan.answered))
            logger.info("rasa-ethics handoff: reason=%s available=%s", plan.reason, available)
        elif plan.kind == COMPLAINT_FILED:
            # The complaint the tracker store queues once the NLG has said its reference.
            filed = HandoffDecision(plan.reason or "", plan.signals).as_metadata()
            metadata = {c.META_FILED: filed[c.META_HANDOFF]}
            logger.info("rasa-ethics complaint filed: signals=%s", plan.signals)
        elif plan.kind in (ERASE, ERASE_DECLINED):
            metadata = erase_metadata(plan.answered or c.STAGE_NO)
            logger.info("rasa-ethics privacy: erasure %s", plan.answered)
        elif plan.kind == DECLINED:
            metadata = offer_metadata(plan.reason or "", c.STAGE_NO)
            logger.info("rasa-ethics handoff declined: reason=%s", plan.reason)
        elif step.first:
            logger.info("rasa-ethics %s: %s %s", plan.kind, plan.reason or "", plan.detail)
        return self._predict(name, domain, optional_events=events, action_metadata=metadata)

    def _predict(
        self,
        action_name: Text,
        domain: Domain,
        optional_events: Optional[List[Event]] = None,
        action_metadata: Optional[Dict[Text, Any]] = None,
    ) -> PolicyPrediction:
        # Built directly: Policy._prediction() does not take hide_rule_turn.  Hiding the turn keeps
        # TED and Memoization from seeing ethics turns they were never trained on.
        return PolicyPrediction(
            confidence_scores_for(action_name, 1.0, domain),
            self.__class__.__name__,
            self.priority,
            optional_events=optional_events,
            is_no_user_prediction=True,
            hide_rule_turn=True,
            action_metadata=action_metadata,
        )

    def _abstain(self, domain: Domain) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain))
