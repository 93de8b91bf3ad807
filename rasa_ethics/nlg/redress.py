"""Reference numbers in the ethics texts, the complaint's filing mark and the feedback flag.

EthicsNLG calls :func:`decorate` on each policy text it says.  What it adds is worked out from
the tracker alone, exactly as the tracker store will read it back
(:func:`rasa_ethics.handoff.request.requests_in`), so the number said is the number queued:

* the handoff texts: ``{reference}`` is ``handoff_reference(sender, <this turn's customer message
  timestamp>)``, or, for a "yes" to the offer of a filed complaint, that complaint's number;
* ``utter_ethics_complaint_filed``: the same turn reference, also put on the message as
  ``ethics_filed: {"reference": ...}``; the store queues the complaint only when it finds it;
* the offer of a person after feedback ("that's wrong"): ``ethics_feedback`` names the flagged
  bot turn (its response, action and timestamp; never its text).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue.feedback import flagged_turn
from rasa_ethics.dialogue.turn import FEEDBACK, TurnPlan
from rasa_ethics.handoff.reference import handoff_reference, turn_timestamp
from rasa_ethics.handoff.request import filed_reference
from rasa_ethics.policy.texts import fill

__all__ = ["decorate", "turn_reference"]


def turn_reference(tracker: DialogueStateTracker, plan: Optional[TurnPlan]) -> Optional[str]:
    """The reference of this turn's handoff or complaint, as the queue will store it."""
    events = list(tracker.events)
    if plan is not None and plan.answered == c.STAGE_YES:
        filed = filed_reference(events)
        if filed is not None:
            return filed  # the complaint offered a person; "yes" hands off that request
    started = turn_timestamp(events)
    return None if started is None else handoff_reference(tracker.sender_id, started)


def decorate(
    utter_action: str,
    message: Dict[str, Any],
    tracker: DialogueStateTracker,
    plan: Optional[TurnPlan],
) -> Dict[str, Any]:
    """``message`` (a policy text EthicsPolicy decided) with its reference and marks."""
    if utter_action in (*c.HANDOFF_RESPONSES, c.RESPONSE_COMPLAINT_FILED):
        reference = turn_reference(tracker, plan)
        if reference is not None:
            message["text"] = fill(message["text"], {c.REFERENCE: reference})
            if utter_action == c.RESPONSE_COMPLAINT_FILED:
                message[c.META_FILED] = {c.REFERENCE: reference}
    elif utter_action == c.RESPONSE_CONFIRM and plan is not None and plan.kind == FEEDBACK:
        flagged = flagged_turn(tracker)
        if flagged is not None:
            message.update(flagged.as_metadata())
    return message
