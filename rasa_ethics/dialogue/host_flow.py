"""The host bot's own answer to a handoff request or a bot challenge, with the plugin's guarantees.

With ``handoff.host_flow: keep`` (or ``disclosure.bot_challenge_host_response: keep``) EthicsPolicy
predicts the host's own actions listed in the policy (``handoff.host_flow_actions``,
``disclosure.bot_challenge_host_actions``), one per step, where it would otherwise say its own
response.  Because EthicsPolicy predicts them (confidence 1.0 with the "no user" flag, as for its
own responses), the flow runs from any state, forms included, and the plugin knows exactly when
it has ended, without guessing what the host's policies would do.  After the last action:

* handoff: the last host action carries the :class:`HandoffDecision` in its ``ActionExecuted``
  metadata, so the tracker store queues the request and the audit broker records it as it does
  for ``utter_ethics_handoff``; then ``action_listen`` with ``ConversationPaused``;
* bot challenge: ``action_listen``, or inside a form nothing more (RulePolicy re-runs the form).

The plugin's own response is used instead (:func:`next_host_step` returns None) when the host's
flow cannot be trusted with the outcome: no agent is available (the host's flow would promise a
transfer), the handoff has another reason than the customer's request (a sensitive topic, a
complaint, repeated misunderstanding), or an action is missing from the domain.  If a flow of
custom actions only ran without sending the customer anything (the action server was down, say),
the plugin's own response follows it in the same turn.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

from rasa.shared.constants import UTTER_PREFIX
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    Event,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue.slots import interrupt_events
from rasa_ethics.dialogue.turn import (
    BOT_CHALLENGE,
    HANDOFF,
    REASON_REQUEST,
    TurnPlan,
    actions_since_user,
)
from rasa_ethics.handoff.availability import is_available
from rasa_ethics.handoff.current import agents_online
from rasa_ethics.handoff.decision import HandoffDecision
from rasa_ethics.policy import LoadedPolicy
from rasa_ethics.policy.schema import KEEP

__all__ = ["HostStep", "check_domain", "host_actions", "next_host_step"]

logger = logging.getLogger(__name__)

# The plugin's own answers: once one of them ran this turn, the plugin has taken over.
_OWN_ANSWERS = frozenset((c.RESPONSE_BOT_CHALLENGE, *c.HANDOFF_RESPONSES))


@dataclass(frozen=True)
class HostStep:
    """What EthicsPolicy predicts next in a kept host flow; ``action`` None means abstain."""

    action: Optional[str]
    events: Tuple[Event, ...] = ()
    metadata: Optional[Dict[str, Any]] = None


def next_host_step(
    plan: TurnPlan, tracker: DialogueStateTracker, domain: Domain, policy: LoadedPolicy
) -> Optional[HostStep]:
    """The next step of the host's own flow for ``plan``, or None for the plugin's own answer."""
    flow = host_actions(plan, policy, domain.action_names_or_texts)
    if not flow:
        return None
    done = actions_since_user(tracker)
    if _OWN_ANSWERS.intersection(done):
        return None  # the plugin's own answer followed the host's flow: let it finish
    position = 0
    for name in done:
        if position < len(flow) and name == flow[position]:
            position += 1
    if position < len(flow):
        return _flow_step(plan, flow, position, tracker, domain)
    if done[-1] != flow[-1]:
        return HostStep(None)  # the host acted since (a form asked again): the turn is its own
    if not _customer_heard(tracker, flow):
        return None  # nothing reached the customer: the plugin's own answer follows
    if plan.kind == HANDOFF:
        return HostStep(ACTION_LISTEN_NAME, (ConversationPaused(),))
    if tracker.active_loop_name:
        return HostStep(None)  # RulePolicy re-runs the form, which asks its question again
    return HostStep(ACTION_LISTEN_NAME)


def host_actions(
    plan: TurnPlan, policy: LoadedPolicy, known_actions: Sequence[str]
) -> Tuple[str, ...]:
    """The host's actions that answer ``plan``, or () when the plugin answers itself."""
    if plan.kind == HANDOFF:
        handoff = policy.handoff
        if handoff.host_flow != KEEP or plan.reason != REASON_REQUEST:
            return ()
        if not is_available(handoff.availability, online=agents_online()):
            return ()  # the host's flow would promise a transfer that cannot happen now
        actions = handoff.host_flow_actions
    elif plan.kind == BOT_CHALLENGE:
        if policy.disclosure.bot_challenge_host_response != KEEP:
            return ()
        actions = policy.disclosure.bot_challenge_host_actions
    else:
        return ()
    missing = [name for name in actions if name not in known_actions]
    if missing:
        logger.error("rasa-ethics: the kept host flow names %s, which the model lacks", missing)
        return ()
    return tuple(actions)


def check_domain(policy: LoadedPolicy, domain: Domain) -> None:
    """Refuse to train when a kept host flow names an action the domain does not have."""
    kept = []
    if policy.handoff.host_flow == KEEP:
        kept += [("handoff.host_flow_actions", a) for a in policy.handoff.host_flow_actions]
    if policy.disclosure.bot_challenge_host_response == KEEP:
        actions = policy.disclosure.bot_challenge_host_actions
        kept += [("disclosure.bot_challenge_host_actions", a) for a in actions]
    known = set(domain.action_names_or_texts)
    for key, name in kept:
        if name not in known:
            msg = (
                f"the policy's {key} names '{name}', which is not in the domain. Add it to the "
                "domain, or correct the policy (`rasa-ethics validate` checks the policy file)."
            )
            raise InvalidDomain(msg)


def _flow_step(
    plan: TurnPlan,
    flow: Tuple[str, ...],
    position: int,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> HostStep:
    """The host's action at ``position``: the first one interrupts, the last one hands off."""
    handoff = plan.kind == HANDOFF
    events = interrupt_events(tracker, domain, close_form=handoff) if position == 0 else []
    metadata = None
    if handoff and position == len(flow) - 1:
        decision = HandoffDecision(plan.reason or "", plan.signals, available=True)
        metadata = decision.as_metadata()
        logger.info("rasa-ethics handoff: reason=%s available=True (host flow)", plan.reason)
    elif position == 0:
        logger.info("rasa-ethics %s (host flow): %s", plan.kind, plan.detail)
    return HostStep(flow[position], tuple(events), metadata)


def _customer_heard(tracker: DialogueStateTracker, flow: Tuple[str, ...]) -> bool:
    """True when the flow has a response, or a bot message went out since the user's message.

    A response (``utter_*``) is sent by the NLG inside the Rasa process, so it reaches the
    customer whatever the action server does; ``rasa test core``, which runs no actions and so
    records no ``BotUttered``, sees the same.  Custom actions can fail without a trace but the
    missing message.
    """
    if any(name.startswith(UTTER_PREFIX) for name in flow):
        return True
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered):
            return True
    return False
