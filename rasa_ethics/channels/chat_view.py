"""What the web chat page shows of a conversation: its messages, labelled, and the handoff status.

The conversation as stored (redacted) is the one source: every message the page shows is an
event of the tracker, so an agent's reply saved by any replica reaches the page the same way the
bot's own answers do.  A message's id is its event's timestamp, which the page sends back as the
cursor ``after``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from rasa.shared.core.events import BotUttered, Event, UserUttered

from rasa_ethics import constants as c

__all__ = ["BOT_LABEL", "CUSTOMER_LABEL", "ChatMessage", "handoff_status", "messages_after"]

BOT_LABEL = "AI assistant"
CUSTOMER_LABEL = "You"
_HANDOFF_RESPONSES = {c.RESPONSE_HANDOFF, c.RESPONSE_HANDOFF_UNAVAILABLE}

# An agent's display name from its id (the agent accounts), or None when it has no account.
AgentName = Callable[[str], Optional[str]]


@dataclass(frozen=True)
class ChatMessage:
    """One message as the page renders it."""

    id: float
    sender: str  # "bot" | "agent" | "customer"
    label: str
    text: str
    kind: str = "message"  # "disclosure" | "handoff" | "resumed" | "message"
    buttons: tuple = ()

    def as_json(self) -> Dict[str, Any]:
        """The JSON the page reads (``from`` is the sender)."""
        return {
            "id": self.id,
            "from": self.sender,
            "label": self.label,
            "text": self.text,
            "kind": self.kind,
            "buttons": [dict(b) for b in self.buttons],
        }


def messages_after(
    events: Iterable[Event],
    after: float,
    agent_name: AgentName,
    bot_label: str = BOT_LABEL,
    with_customer: bool = True,
    sent: Optional[Mapping[float, str]] = None,
) -> List[ChatMessage]:
    """The messages of ``events`` newer than ``after``, oldest first.

    ``sent``: the texts this process sent, by event timestamp; they replace the stored (redacted)
    texts of those messages.

    The customer's own messages come only when ``with_customer`` (the page shows a message it
    sent at once, so it asks for them only when it loads the history); button payloads
    (``/intent``) are left out, the page shows the button's title.
    """
    found = []
    for event in events:
        if event.timestamp <= after:
            continue
        if isinstance(event, BotUttered):
            message = _bot_message(event, agent_name, bot_label)
            if message is not None and sent and event.timestamp in sent:
                message = replace(message, text=sent[event.timestamp])
        elif isinstance(event, UserUttered) and with_customer:
            message = _customer_message(event)
        else:
            message = None
        if message is not None:
            found.append(message)
    return found


def _bot_message(event: BotUttered, agent_name: AgentName, bot_label: str) -> ChatMessage | None:
    metadata = event.metadata or {}
    buttons = tuple(_buttons(event.data.get("buttons")))
    if not event.text and not buttons:
        return None
    agent = metadata.get(c.META_AGENT)
    if agent:
        agent_id = agent.get(c.AGENT_ID) if isinstance(agent, dict) else None
        label = (agent_id and agent_name(str(agent_id))) or str(agent_id or "Agent")
        return ChatMessage(event.timestamp, "agent", label, event.text or "", buttons=buttons)
    return ChatMessage(
        event.timestamp, "bot", bot_label, event.text or "", _kind(metadata), buttons
    )


def _kind(metadata: Dict[str, Any]) -> str:
    if metadata.get(c.META_DISCLOSURE):
        return "disclosure"
    if metadata.get(c.META_RESUMED):
        return "resumed"
    if metadata.get("utter_action") in _HANDOFF_RESPONSES or metadata.get(c.META_HANDOFF):
        return "handoff"
    return "message"


def _customer_message(event: UserUttered) -> ChatMessage | None:
    text = event.text or ""
    if not text.strip() or text.startswith("/"):
        return None
    return ChatMessage(event.timestamp, "customer", CUSTOMER_LABEL, text)


def _buttons(raw: Any) -> Iterable[Dict[str, str]]:
    if not isinstance(raw, list):
        return
    for button in raw:
        if isinstance(button, dict) and button.get("title") and button.get("payload"):
            yield {"title": str(button["title"]), "payload": str(button["payload"])}


def handoff_status(
    row: Optional[Dict[str, Any]],
    place: Optional[Any],
    agent_name: AgentName,
    paused: bool,
) -> Dict[str, Any]:
    """The status the page shows while a customer waits for (or talks with) a person.

    ``row`` is the conversation's open handoff request, ``place`` its ``QueuePosition``.
    """
    if row is None:
        return {"handoff": None, "paused": paused}
    assignee = row.get("assignee")
    handoff: Dict[str, Any] = {
        "reference": row.get("reference"),
        "state": "with_agent" if assignee else "waiting",
        "agent": (agent_name(assignee) or assignee) if assignee else None,
        "place": getattr(place, "place", None),
        "ahead": getattr(place, "ahead", None),
        "expected_wait_seconds": getattr(place, "expected_wait_seconds", None),
    }
    return {"handoff": handoff, "paused": paused}
