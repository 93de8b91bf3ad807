"""Agent operations on a real (model-less) Rasa Agent with a SQLite RedactingTrackerStore."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.events import BotUttered

from rasa_ethics.channels.desk import AgentDesk, DeskError
from tests.channels.conftest import DOMAIN

REPLY = "Thanks for waiting, I am looking at it now."  # no personal data: it is stored redacted


def only_id(desk: AgentDesk) -> str:
    [row] = desk.list("open")
    return row["id"]


class TestDesk:
    def test_list_and_show(self, desk: AgentDesk) -> None:
        """One open request; show adds what the customer wrote since, and the pause state."""
        shown = asyncio.run(desk.show(only_id(desk)))
        assert shown["paused"] and shown["reason"] == "customer_request"
        assert shown["since"] == [{"role": "customer", "text": "hello? anyone?"}]

    def test_reply_goes_into_the_tracker(self, desk: AgentDesk) -> None:
        """The agent's message is stored in the conversation, marked as the agent's."""
        result = asyncio.run(desk.reply(only_id(desk), REPLY, "sam"))
        tracker = asyncio.run(desk.agent.tracker_store.retrieve("c1"))
        last = tracker.events[-1]
        assert isinstance(last, BotUttered) and last.text == REPLY
        assert last.metadata["ethics_agent"] == {"id": "sam"}
        assert result["pushed"] is False  # no channel that can push in this test
        assert tracker.is_paused()

    def test_resolve_resumes_and_says_so(self, desk: AgentDesk) -> None:
        """Resolving lifts the pause and tells the customer the assistant is back."""
        handoff = only_id(desk)
        assert asyncio.run(desk.resolve(handoff, "sam"))["resumed"]
        tracker = asyncio.run(desk.agent.tracker_store.retrieve("c1"))
        assert not tracker.is_paused()
        texts = [e.text for e in tracker.events if isinstance(e, BotUttered)]
        assert texts[-1] == "You're talking to the AI assistant again. How else can I help?"
        assert tracker.latest_action_name == "action_listen"
        assert desk.list("open") == [] and desk.handoffs.get(handoff)["resolved_by"] == "sam"
        with pytest.raises(DeskError) as error:
            asyncio.run(desk.resolve(handoff, "sam"))
        assert error.value.status == 409

    def test_no_reply_after_resolve(self, desk: AgentDesk) -> None:
        """Issue 9, row 5: a resolved handoff takes no more agent messages (409)."""
        handoff = only_id(desk)
        asyncio.run(desk.resolve(handoff, "sam"))
        before = asyncio.run(desk.agent.tracker_store.retrieve("c1")).events
        with pytest.raises(DeskError) as error:
            asyncio.run(desk.reply(handoff, REPLY, "sam"))
        assert error.value.status == 409
        assert asyncio.run(desk.agent.tracker_store.retrieve("c1")).events == before

    def test_unknown_and_empty(self, desk: AgentDesk) -> None:
        """Clear errors with HTTP statuses."""
        with pytest.raises(DeskError) as missing:
            asyncio.run(desk.show("nope"))
        with pytest.raises(DeskError) as empty:
            asyncio.run(desk.reply(only_id(desk), "  ", "sam"))
        assert (missing.value.status, empty.value.status) == (404, 400)

    def test_refuses_other_tracker_stores(self) -> None:
        """Without RedactingTrackerStore there is no queue to work on."""
        with pytest.raises(DeskError) as error:
            AgentDesk(Agent(domain=DOMAIN))
        assert error.value.status == 503
