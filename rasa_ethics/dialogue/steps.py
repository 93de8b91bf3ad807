"""Which action of a turn's ethics plan comes next: one function, read by EthicsPolicy and the NLG.

EthicsPolicy predicts the step; EthicsNLG asks the same question before it says an ethics text, so
a handoff or bot-challenge text that EthicsPolicy did not decide (a host story naming
``utter_ethics_handoff``, Rasa's ``/execute`` API) is never said.  Both read only the tracker.

The steps of each plan (see :mod:`rasa_ethics.dialogue.turn`):

* handoff: ``[utter_ethics_topic_<topic>]`` -> ``utter_ethics_handoff`` (or ``_unavailable``) ->
  ``action_listen`` with a pause, unless the handoff message was replaced by an offer;
* bot challenge: the answer -> ``action_listen``, or inside a form nothing more, so RulePolicy
  re-runs the form and it asks its question again;
* confirm: ``utter_ethics_handoff_confirm`` -> ``action_listen`` (a form stays active);
* declined: ``utter_ethics_handoff_declined`` -> ``action_listen``, or the form asks again;
* too long (a message over ``messages.max_message_chars``, kept from NLU by PIIDetector):
  ``utter_ethics_too_long``, then the same as a bot challenge;
* privacy: "delete my data" -> ``utter_ethics_privacy_erase_confirm`` -> ``action_listen``;
  "yes" -> ``utter_ethics_privacy_erased`` (the NLG says ``_erase_failed`` when the erasure could
  not be done) -> ``action_listen``; "no" -> ``utter_ethics_privacy_erase_declined``, then as a
  declined offer; "what do you keep about me?" -> ``utter_ethics_privacy_notice``, then as a
  bot challenge; "send me a copy of my data" -> ``utter_ethics_privacy_export_filed`` (or
  ``_export_failed``: nothing was filed), then as a bot challenge; "don't store this
  conversation" -> ``utter_ethics_privacy_opted_out`` (or ``_opt_out_failed``: still stored),
  then as a bot challenge;
* redress: a status question -> ``utter_ethics_request_status``, then as a bot challenge; a
  complaint the policy asks about -> ``utter_ethics_complaint_filed`` (queued, its reference
  said, a person offered) -> ``action_listen``; feedback on the last answer ("that's wrong") ->
  ``utter_ethics_handoff_confirm`` (the answer flagged) -> ``action_listen``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue.turn import (
    BOT_CHALLENGE,
    COMPLAINT_FILED,
    CONFIRM,
    DECLINED,
    ERASE,
    ERASE_ASK,
    ERASE_DECLINED,
    EXPORT,
    FEEDBACK,
    HANDOFF,
    NOTICE,
    OPT_OUT,
    STATUS,
    TOO_LONG,
    TurnPlan,
    actions_since_user,
)

__all__ = ["Step", "next_step", "outage_reported"]


@dataclass(frozen=True)
class Step:
    """The next ethics action: one of ``options`` (the handoff has two), or listening."""

    options: Tuple[str, ...]
    first: bool = False  # the first ethics action of the turn: put polluted slots back
    pause: bool = False  # with action_listen: the conversation goes to a person

    @property
    def listens(self) -> bool:
        """True when the step ends the turn."""
        return self.options == (ACTION_LISTEN_NAME,)


def next_step(
    plan: TurnPlan, tracker: DialogueStateTracker, bot_challenge_answer: str
) -> Optional[Step]:
    """The next action of ``plan`` given what this turn did so far; None: the host's turn."""
    steps = _steps(plan, bot_challenge_answer)
    done = actions_since_user(tracker)
    position = 0
    for name in done:
        if position < len(steps) and name in steps[position]:
            position += 1
    if position < len(steps):
        return Step(steps[position], first=position == 0)
    if not done or done[-1] not in steps[-1]:
        return None  # the host bot acted since: the turn is its own again
    if plan.kind in _FORM_ASKS_AGAIN and tracker.active_loop_name:
        return None  # RulePolicy re-runs the form, which asks again
    said_handoff = plan.kind == HANDOFF and not _last_message_offers(tracker)
    return Step((ACTION_LISTEN_NAME,), pause=said_handoff)


#: Kinds after which an active form asks its question again (the others end the turn).
_FORM_ASKS_AGAIN = (
    BOT_CHALLENGE,
    DECLINED,
    TOO_LONG,
    NOTICE,
    ERASE_DECLINED,
    EXPORT,
    OPT_OUT,
    STATUS,
)
#: The one response of each privacy plan (the erasure: done, or failed and nothing deleted).
_PRIVACY_STEPS = {
    ERASE_ASK: (c.RESPONSE_ERASE_CONFIRM,),
    ERASE: (c.RESPONSE_ERASED, c.RESPONSE_ERASE_FAILED),
    ERASE_DECLINED: (c.RESPONSE_ERASE_DECLINED,),
    NOTICE: (c.RESPONSE_PRIVACY_NOTICE,),
    EXPORT: (c.RESPONSE_EXPORT_FILED, c.RESPONSE_EXPORT_FAILED),
    OPT_OUT: (c.RESPONSE_OPTED_OUT, c.RESPONSE_OPT_OUT_FAILED),
}


def outage_reported(tracker: DialogueStateTracker) -> bool:
    """True when the latest action failed and the outage text went out in its place."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered) and (event.metadata or {}).get(c.META_OUTAGE):
            return True
        if isinstance(event, (ActionExecuted, UserUttered)):
            return False
    return False


def _steps(plan: TurnPlan, bot_challenge_answer: str) -> List[Tuple[str, ...]]:
    steps: List[Tuple[str, ...]] = [(name,) for name in plan.preambles]
    if plan.kind == HANDOFF:
        steps.append(c.HANDOFF_RESPONSES)
    elif plan.kind in (CONFIRM, FEEDBACK):
        steps.append((c.RESPONSE_CONFIRM,))
    elif plan.kind == COMPLAINT_FILED:
        steps.append((c.RESPONSE_COMPLAINT_FILED,))
    elif plan.kind == STATUS:
        steps.append((c.RESPONSE_REQUEST_STATUS,))
    elif plan.kind == DECLINED:
        steps.append((c.RESPONSE_DECLINED,))
    elif plan.kind == TOO_LONG:
        steps.append((c.RESPONSE_TOO_LONG,))
    elif plan.kind in _PRIVACY_STEPS:
        steps.append(_PRIVACY_STEPS[plan.kind])
    else:
        steps.append((bot_challenge_answer,))
    return steps


def _last_message_offers(tracker: DialogueStateTracker) -> bool:
    """The handoff text was replaced by an offer (the NLG refused it, or an action failed)."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return bool((event.metadata or {}).get(c.META_CONFIRM))
        if isinstance(event, UserUttered):
            return False
    return False
