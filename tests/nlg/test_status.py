"""The status answer's wording, from a real rights register and a real handoff queue on SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

import pytest
import sqlalchemy as sa

from rasa_ethics.handoff.queue import HandoffQueue
from rasa_ethics.handoff.request import HandoffRequest
from rasa_ethics.nlg.rights import install_chat_rights
from rasa_ethics.nlg.status import (
    handoff_status_text,
    privacy_status_text,
    status_message,
    wait_words,
)
from rasa_ethics.policy import load_policy
from rasa_ethics.policy.texts import fill
from rasa_ethics.rights.register import RequestRegister
from tests.dialogue.builders import DOMAIN_YAML, tracker, user

REPO = Path(__file__).resolve().parents[2]
POLICY = load_policy(REPO / "policies" / "northwind.yml")
REDRESS = POLICY.redress
# Helper B's queue methods (issue 13): by_reference, position, claim/assign.
QUEUE_LOOKUPS = all(hasattr(HandoffQueue, m) for m in ("by_reference", "position", "assign"))
needs_queue_lookups = pytest.mark.skipif(
    not QUEUE_LOOKUPS, reason="HandoffQueue.by_reference/position/assign are not on main yet"
)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "1 minute"),
        (61, "1 minute"),
        (300, "5 minutes"),
        (3600, "1 hour"),
        (4500, "1 hour 15 minutes"),
        (7260, "2 hours 1 minute"),
    ],
)
def test_wait_words(seconds: float, words: str) -> None:
    """Whole minutes, at least one; hours past sixty."""
    assert wait_words(seconds) == words


class TestPrivacyRequests:
    @pytest.fixture
    def register(self, tmp_path: Path) -> RequestRegister:
        return RequestRegister(sa.create_engine(f"sqlite:///{tmp_path / 'rights.db'}"))

    def test_open_request_with_its_deadline(self, register: RequestRegister) -> None:
        """Open: its kind in words and the legal deadline (GDPR: one month)."""
        row = register.file("export", "conv", "subject", "gdpr", "chat", received_at=1704067200.0)
        text = privacy_status_text(POLICY, row["reference"], row)
        kind = REDRESS.privacy_kind_names["export"]
        values = {"reference": row["reference"], "kind": kind, "deadline": "1 February 2024"}
        assert text == fill(REDRESS.privacy_status_open_text, values)

    def test_done_and_refused(self, register: RequestRegister) -> None:
        """Done and refused requests say so, and nothing else about them."""
        done = register.file("erase", "conv", "subject", "gdpr", "chat")
        refused = register.file("opt_out", "conv", "subject", "gdpr", "chat")
        register.close(done["reference"], "op")
        register.close(refused["reference"], "op", "refused")
        for row, template in (
            (done, REDRESS.privacy_status_done_text),
            (refused, REDRESS.privacy_status_refused_text),
        ):
            found = register.get(row["reference"])
            kind = REDRESS.privacy_kind_names[row["kind"]]
            assert privacy_status_text(POLICY, row["reference"], found) == fill(
                template, {"reference": row["reference"], "kind": kind}
            )

    def test_asked_in_the_chat(self, register: RequestRegister) -> None:
        """Through the stores' in-chat rights (the register behind them): found or not found."""

        class Rights:  # what RedactingTrackerStore offers the NLG, on a real register
            def privacy_request(self, reference: str) -> Optional[Dict[str, Any]]:
                return register.get(reference)

        rights = Rights()
        install_chat_rights(rights)  # type: ignore[arg-type]
        row = register.file("export", "conv", "subject", "ccpa", "chat")
        from rasa.shared.core.domain import Domain

        domain = Domain.from_yaml(DOMAIN_YAML)
        asked = tracker(domain, user(f"any news on {row['reference'].lower()}?"))
        assert row["reference"] in status_message(POLICY, asked)["text"]
        assert "being handled" in status_message(POLICY, asked)["text"]
        unknown = tracker(domain, user("status of PR-0000-1111?"))
        assert status_message(POLICY, unknown)["text"] == fill(
            REDRESS.status_not_found_text, {"reference": "PR-0000-1111"}
        )


@needs_queue_lookups
class TestQueuedRequests:
    @pytest.fixture
    def queue(self, tmp_path: Path) -> HandoffQueue:
        return HandoffQueue.from_url(f"sqlite:///{tmp_path / 'handoffs.db'}")

    @staticmethod
    def add(queue: HandoffQueue, number: int, reference: str) -> HandoffRequest:
        request = HandoffRequest(
            id=f"id-{number}",
            conversation_id=f"conv-{number}",
            reason="customer_request",
            created_at=1000.0 + number,
            available=True,
            transcript=[{"role": "customer", "text": "my secret order story"}],
            reference=reference,
        )
        assert queue.add(request, with_webhook=False)
        return request

    def test_waiting_place_and_wait(self, queue: HandoffQueue) -> None:
        """Second in the queue: place 2, one ahead, the expected wait in words."""
        self.add(queue, 1, "HR-AAAA-0001")
        self.add(queue, 2, "HR-AAAA-0002")
        text = handoff_status_text(POLICY, queue, "HR-AAAA-0002")
        position = queue.position("id-2")
        assert position is not None and (position.place, position.ahead) == (2, 1)
        values = {
            "reference": "HR-AAAA-0002",
            "place": 2,
            "ahead": 1,
            "wait": wait_words(position.expected_wait_seconds),
        }
        assert text == fill(REDRESS.status_waiting_text, values)
        assert "secret" not in (text or "") and "customer_request" not in (text or "")

    def test_with_an_agent_and_resolved(self, queue: HandoffQueue) -> None:
        """Assigned: with the agent (the name unknown here); resolved: resolved."""
        self.add(queue, 1, "HR-AAAA-0001")
        assert queue.assign("id-1", "sam")
        with_agent = {"reference": "HR-AAAA-0001", "agent": REDRESS.agent_unknown_name}
        text = handoff_status_text(POLICY, queue, "HR-AAAA-0001")
        assert text == fill(REDRESS.status_with_agent_text, with_agent)
        assert queue.resolve("id-1", "sam")
        resolved = handoff_status_text(POLICY, queue, "HR-AAAA-0001")
        assert resolved == fill(REDRESS.status_resolved_text, {"reference": "HR-AAAA-0001"})

    def test_asked_in_the_chat_with_the_agents_name(self, queue: HandoffQueue) -> None:
        """Through the queue and accounts the tracker store installs: the agent's display name."""
        from rasa.shared.core.domain import Domain

        from rasa_ethics.handoff.agents import AgentAccounts
        from rasa_ethics.handoff.current import install_handoffs

        accounts = AgentAccounts(queue.engine)
        accounts.add("sam", "Sam P.", "correct horse battery staple")
        install_handoffs(queue, accounts)
        self.add(queue, 1, "HR-AAAA-0001")
        domain = Domain.from_yaml(DOMAIN_YAML)
        asked = tracker(domain, user("what is the status of hr aaaa 0001?"))
        waiting = status_message(POLICY, asked)["text"]
        assert waiting.startswith("Your request HR-AAAA-0001 is waiting") and "number 1" in waiting
        assert queue.assign("id-1", "sam")
        said = status_message(POLICY, asked)["text"]
        assert said == fill(
            REDRESS.status_with_agent_text, {"reference": "HR-AAAA-0001", "agent": "Sam P."}
        )

    def test_not_found(self, queue: HandoffQueue) -> None:
        """No row with that reference: None, and the NLG says "I can't find"."""
        assert handoff_status_text(POLICY, queue, "HR-ZZZZ-9999") is None
