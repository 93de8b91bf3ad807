"""A real (model-less) Rasa Agent with a SQLite RedactingTrackerStore and one open handoff."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.channels.desk import AgentDesk
from tests.dialogue.builders import DOMAIN_YAML, session

REPO = Path(__file__).resolve().parents[2]
POLICY = str(REPO / "policies" / "northwind.yml")
DOMAIN = Domain.from_yaml(DOMAIN_YAML)


def agent_with_handoff(
    folder: Path, sender: str = "c1", later: str = "hello? anyone?", channel: str | None = None
) -> Agent:
    """An agent whose conversation ``sender`` asked for a human, then wrote ``later``, on the
    input channel ``channel``."""
    store = TrackerStore.create(
        EndpointConfig(
            type="rasa_ethics.RedactingTrackerStore",
            policy=POLICY,
            inner={"type": "sql", "dialect": "sqlite", "db": str(folder / "rasa.db")},
        ),
        DOMAIN,
    )
    nlg = EndpointConfig(type="rasa_ethics.EthicsNLG", policy=POLICY)
    agent = Agent(domain=DOMAIN, generator=nlg, tracker_store=store)
    tracker = DialogueStateTracker.from_events(
        sender,
        session(
            UserUttered("get me a human", input_channel=channel),
            ActionExecuted(
                "utter_ethics_handoff", metadata={"ethics_handoff": {"reason": "customer_request"}}
            ),
            BotUttered("connecting you"),
            ConversationPaused(),
            ActionExecuted("action_listen"),
        ),
        DOMAIN.slots,
    )
    asyncio.run(agent.tracker_store.save(tracker))
    asyncio.run(agent.tracker_store.save(tracker))
    tracker.update(UserUttered(later, input_channel=channel))
    asyncio.run(agent.tracker_store.save(tracker))
    return agent


@pytest.fixture
def desk(tmp_path: Path) -> AgentDesk:
    """Agent operations on a conversation with one open handoff."""
    return AgentDesk(agent_with_handoff(tmp_path))
