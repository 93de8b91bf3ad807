"""What a human agent can do with a handoff: list, show, reply, resolve.

Everything goes through shared state only: the handoff row in SQL and the conversation in the
tracker store (under the lock store's lock), so any Rasa replica can serve any agent request.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationResumed,
    Event,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from rasa_ethics import constants as c
from rasa_ethics.handoff.queue import OPEN, HandoffQueue
from rasa_ethics.handoff.request import transcript
from rasa_ethics.stores.tracker_store import RedactingTrackerStore, find_ethics_store

__all__ = ["AgentDesk", "DeskError"]

logger = logging.getLogger(__name__)

AGENT_POLICY_NAME = "rasa_ethics.AgentChannel"


class DeskError(RasaException):
    """An agent request that cannot be served, with the HTTP status to answer."""

    def __init__(self, message: str, status: int) -> None:
        """Carry ``status`` along with the message."""
        super().__init__(message)
        self.status = status


class AgentDesk:
    """Agent operations on one running agent."""

    def __init__(self, agent: Agent, input_channels: Sequence[InputChannel] = ()) -> None:
        """Use ``agent``'s tracker store, lock store and NLG."""
        store = find_ethics_store(agent.tracker_store)
        if store is None:
            msg = "the tracker store is not rasa_ethics.RedactingTrackerStore (see endpoints.yml)"
            raise DeskError(msg, 503)
        self.agent = agent
        self.store: RedactingTrackerStore = store
        self.handoffs: HandoffQueue = store.handoffs
        self.input_channels = list(input_channels)

    def list(self, status: Optional[str]) -> List[Dict[str, Any]]:
        """Handoff requests with ``status`` (None: all), oldest first."""
        return self.handoffs.list(status)

    async def show(self, handoff_id: str) -> Dict[str, Any]:
        """A request, whether its conversation is still paused, and the messages since."""
        row = self._row(handoff_id)
        tracker = await self.agent.tracker_store.retrieve(row["conversation_id"])
        events = list(tracker.events) if tracker else []
        later = events[_after_handoff_message(events, row["created_at"]) :]
        row["paused"] = bool(tracker and tracker.is_paused())
        row["since"] = transcript(later, len(later), self.store.redact)
        return row

    async def reply(self, handoff_id: str, text: str, agent_id: str) -> Dict[str, Any]:
        """Put the agent's message into the conversation of an open handoff (and push it if the
        channel can).  A resolved handoff is refused: the bot is in charge again."""
        if not text.strip():
            raise DeskError("the reply text is empty", 400)
        conversation = self._open_row(handoff_id)["conversation_id"]
        message = BotUttered(text, metadata={c.META_AGENT: {c.AGENT_ID: agent_id}})
        async with self.agent.lock_store.lock(conversation):
            self._open_row(handoff_id)  # resolved while we waited for the lock: still refused
            tracker = await self.agent.tracker_store.retrieve(conversation)
            if tracker is None:
                raise DeskError(f"conversation {conversation} not found", 404)
            pushed = await self._save(tracker, [message])
        return {"id": handoff_id, "conversation_id": conversation, "pushed": pushed}

    async def resolve(self, handoff_id: str, agent_id: str) -> Dict[str, Any]:
        """Close the request; if the conversation is paused, resume the bot and say so."""
        row = self._open_row(handoff_id)
        if not self.handoffs.resolve(handoff_id, agent_id):
            raise DeskError(f"handoff {handoff_id} is already resolved", 409)
        conversation = row["conversation_id"]
        async with self.agent.lock_store.lock(conversation):
            tracker = await self.agent.tracker_store.retrieve(conversation)
            if tracker is None or not tracker.is_paused():
                # A restart or a new session lifted the pause already: the bot is back anyway.
                return {"id": handoff_id, "conversation_id": conversation, "resumed": False}
            events = [ConversationResumed(), *await self._resumed_message(tracker)]
            pushed = await self._save(tracker, events)
        logger.info("rasa-ethics handoff %s resolved", handoff_id)
        return {
            "id": handoff_id,
            "conversation_id": conversation,
            "resumed": True,
            "pushed": pushed,
        }

    def _row(self, handoff_id: str) -> Dict[str, Any]:
        row = self.handoffs.get(handoff_id)
        if row is None:
            raise DeskError(f"no handoff with id {handoff_id}", 404)
        return row

    def _open_row(self, handoff_id: str) -> Dict[str, Any]:
        row = self._row(handoff_id)
        if row["status"] != OPEN:
            raise DeskError(f"handoff {handoff_id} is already resolved", 409)
        return row

    async def _resumed_message(self, tracker: DialogueStateTracker) -> List[Event]:
        channel = tracker.get_latest_input_channel() or "rest"
        generated = await self.agent.nlg.generate(c.RESPONSE_RESUMED, tracker, channel)
        text = (generated or {}).get("text") or self.store.live.current.handoff.resumed_text
        metadata = {"utter_action": c.RESPONSE_RESUMED, c.META_RESUMED: True}
        return [
            ActionExecuted(c.RESPONSE_RESUMED, policy=AGENT_POLICY_NAME, hide_rule_turn=True),
            BotUttered(text, metadata=metadata),
            ActionExecuted(ACTION_LISTEN_NAME, policy=AGENT_POLICY_NAME, hide_rule_turn=True),
        ]

    async def _save(self, tracker: DialogueStateTracker, events: List[Event]) -> bool:
        for event in events:
            tracker.update(event, self.agent.domain)
        await self.agent.tracker_store.save(tracker)
        return await self._push(tracker, [e for e in events if isinstance(e, BotUttered)])

    async def _push(self, tracker: DialogueStateTracker, messages: List[BotUttered]) -> bool:
        """Send to the customer's channel if it can push (socket.io can, REST cannot)."""
        name = tracker.get_latest_input_channel()
        output = next(
            (ch.get_output_channel() for ch in self.input_channels if ch.name() == name), None
        )
        if output is None:
            return False
        for message in messages:
            await output.send_response(tracker.sender_id, message.message())
        return True


def _after_handoff_message(events: List[Event], created_at: float) -> int:
    """Index just past the handoff message announced at ``created_at`` (or past the end)."""
    for index, event in enumerate(events):
        if isinstance(event, ActionExecuted) and event.timestamp == created_at:
            for offset, later in enumerate(events[index + 1 :], start=index + 1):
                if isinstance(later, BotUttered):
                    return offset + 1
            return index + 1
    return len(events)
