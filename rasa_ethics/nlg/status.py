"""The answer to "what is the status of my request HR-7K3M-9QXA?" (``utter_ethics_request_status``).

EthicsPolicy decided that the message asks after a reference (:mod:`rasa_ethics.dialogue.status`);
this module words the answer from the shared stores, never from process memory:

* ``HR-...``: the handoff queue the tracker store installed
  (:func:`rasa_ethics.handoff.current.current_queue`): waiting (place, people ahead, expected
  wait), with an agent (the agent's display name, from
  :func:`~rasa_ethics.handoff.current.current_accounts`), or resolved;
* ``PR-...``: the rights request register (through :mod:`rasa_ethics.nlg.rights`): open (with its
  deadline), done or refused.

Only the request's state is said: never its reason, transcript or conversation.  A reference that
is not found, or a lookup that fails, gets the "I can't find" text and nothing else.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics import constants as c
from rasa_ethics.dialogue.status import status_reference
from rasa_ethics.dialogue.turn import latest_user_message
from rasa_ethics.handoff.reference import PRIVACY_PREFIX
from rasa_ethics.nlg.rights import chat_rights
from rasa_ethics.policy.loader import LoadedPolicy
from rasa_ethics.policy.texts import fill

__all__ = ["handoff_status_text", "privacy_status_text", "status_message", "wait_words"]

logger = logging.getLogger(__name__)

_OPEN, _RESOLVED = "open", "resolved"  # the queue's states (rasa_ethics.handoff.queue)


def status_message(policy: LoadedPolicy, tracker: DialogueStateTracker) -> Dict[str, Any]:
    """The status answer for the reference in the latest customer message."""
    user = latest_user_message(tracker)
    reference = status_reference(user.text or "") if user else None
    redress = policy.redress
    text = fill(redress.status_not_found_text, {"reference": reference or ""})
    if reference is not None:
        try:
            found = _lookup(policy, reference)
        except Exception as exc:  # noqa: BLE001 - a failed lookup finds nothing, says nothing else
            logger.error("rasa-ethics: status lookup failed (%s)", type(exc).__name__)
            found = None
        text = found or text
    return {"text": text, "utter_action": c.RESPONSE_REQUEST_STATUS}


def _lookup(policy: LoadedPolicy, reference: str) -> Optional[str]:
    if reference.startswith(PRIVACY_PREFIX):
        rights = chat_rights()
        row = rights.privacy_request(reference) if rights is not None else None
        return privacy_status_text(policy, reference, row) if row else None
    # Installed by the tracker store (helper B's handoff/current.py); imported here, at the
    # first status question, like the stores above this layer.
    from rasa_ethics.handoff.current import current_accounts, current_queue

    queue = current_queue()
    if queue is None:
        return None
    return handoff_status_text(policy, queue, reference, current_accounts())


def handoff_status_text(
    policy: LoadedPolicy, queue: Any, reference: str, accounts: Any = None
) -> Optional[str]:
    """The answer about the queued request ``reference`` of ``queue`` (a HandoffQueue), or None
    when the queue has no such request."""
    row = queue.by_reference(reference)
    if row is None:
        return None
    redress = policy.redress
    values: Dict[str, Any] = {"reference": reference}
    if row.get("status") == _RESOLVED:
        return fill(redress.status_resolved_text, values)
    if row.get("assignee"):
        values["agent"] = _agent_name(accounts, row["assignee"]) or redress.agent_unknown_name
        return fill(redress.status_with_agent_text, values)
    position = queue.position(row["id"])
    if position is None:
        return None
    values.update(
        place=position.place,
        ahead=position.ahead,
        wait=wait_words(position.expected_wait_seconds),
    )
    return fill(redress.status_waiting_text, values)


def privacy_status_text(
    policy: LoadedPolicy, reference: str, row: Mapping[str, Any]
) -> Optional[str]:
    """The answer about the rights request ``row`` of the register (its state, kind, deadline)."""
    redress = policy.redress
    kind = redress.privacy_kind_names.get(str(row.get("kind")), str(row.get("kind")))
    values: Dict[str, Any] = {"reference": reference, "kind": kind}
    state = row.get("state")
    if state == "open":
        deadline = datetime.fromtimestamp(float(row["deadline_at"]), tz=timezone.utc)
        values["deadline"] = f"{deadline.day} {deadline:%B %Y}"
        return fill(redress.privacy_status_open_text, values)
    if state == "done":
        return fill(redress.privacy_status_done_text, values)
    if state == "refused":
        return fill(redress.privacy_status_refused_text, values)
    return None


def wait_words(seconds: float) -> str:
    """An expected wait in words: "1 minute", "25 minutes", "1 hour 10 minutes"."""
    minutes = max(1, int(round(seconds / 60.0)))
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def _agent_name(accounts: Any, agent_id: str) -> Optional[str]:
    """The agent's display name; None when accounts are not installed or it is unknown."""
    if accounts is None:
        return None
    account = accounts.get(agent_id)
    name = (account or {}).get("display_name")
    return str(name) if name else None
