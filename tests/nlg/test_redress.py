"""Redress in the same flow: the number said is the number queued, the flag names the turn.

Each test drives whole turns in-process as Rasa's MessageProcessor does: EthicsPolicy predicts,
EthicsNLG words the response (on the tracker before its ``ActionExecuted``), then the action and
its ``BotUttered`` are logged; the tracker store's :func:`requests_in` reads the queue rows back
and they go into a real SQLite :class:`HandoffQueue`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics.audit.events import EventMapper
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.dialogue.rasa_policy import EthicsPolicy
from rasa_ethics.handoff.queue import HandoffQueue
from rasa_ethics.handoff.reference import REFERENCE_PATTERN, handoff_reference
from rasa_ethics.handoff.request import requests_in
from rasa_ethics.nlg import EthicsNLG
from rasa_ethics.policy import load_policy
from rasa_ethics.policy.texts import fill
from tests.dialogue.builders import DOMAIN_YAML, tracker, user

REPO = Path(__file__).resolve().parents[2]
DOMAIN = Domain.from_yaml(
    DOMAIN_YAML
    + '  utter_ethics_complaint_filed: [{text: "filed"}]\n'
    + '  utter_ethics_request_status: [{text: "status"}]\n'
    + '  utter_default: [{text: "Sorry?"}]\n'
)
_BUTTONS = ("buttons",)


def policy_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "policy.yml"
    path.write_text(
        f"extends_dirs: [{REPO / 'policies'}]\nextends: {REPO / 'policies' / 'northwind.yml'}\n"
        + extra
    )
    return path


class Bot:
    """EthicsPolicy and EthicsNLG on one policy file, driving turns on a tracker."""

    def __init__(self, path: Path, storage: Path) -> None:
        config = {**EthicsPolicy.get_default_config(), "policy": str(path)}
        context = ExecutionContext(GraphSchema({}), "test-model")
        model = LocalModelStorage(storage)
        self.policy = EthicsPolicy.create(config, model, Resource("ethics"), context)
        self.nlg = EthicsNLG(policy=str(path))
        self.nlg.responses = DOMAIN.responses
        self.document = load_policy(path)

    def turn(self, t: DialogueStateTracker, text: str, intent: str = "greet") -> List[BotUttered]:
        """One customer message and the bot's turn: the messages it said."""
        t.update(user(text, intent))
        said = []
        for _ in range(6):
            prediction = self.policy.predict_action_probabilities(t, DOMAIN)
            if not any(prediction.probabilities):
                return said
            name = DOMAIN.action_names_or_texts[prediction.max_confidence_index]
            t.update_with_events(prediction.optional_events, DOMAIN)
            if name == ACTION_LISTEN_NAME:
                t.update(ActionExecuted(name, policy="EthicsPolicy"))
                return said
            message = asyncio.run(self.nlg.generate(name, t, "rest"))
            meta = {k: v for k, v in message.items() if k not in ("text", *_BUTTONS)}
            t.update(
                ActionExecuted(name, policy="EthicsPolicy", metadata=prediction.action_metadata)
            )
            bot = BotUttered(message["text"], {"buttons": message.get("buttons")}, meta)
            t.update(bot)
            said.append(bot)
        raise AssertionError("the turn did not end")


@pytest.fixture
def bot(tmp_path: Path) -> Bot:
    return Bot(policy_file(tmp_path), tmp_path / "storage")


@pytest.fixture
def asking_bot(tmp_path: Path) -> Bot:
    """A policy that asks before handing off a complaint."""
    return Bot(policy_file(tmp_path, "handoff:\n  when:\n    complaint: ask\n"), tmp_path / "s")


def queued(t: DialogueStateTracker, queue: HandoffQueue) -> List[Tuple[str, str]]:
    """What the tracker store queues from ``t``: (reason, reference) of each new row."""
    found = requests_in(t.sender_id, list(t.events), 10)
    return [(r.reason, r.reference or "") for r in found if queue.add(r, with_webhook=False)]


def reference_in(text: str) -> str:
    match = REFERENCE_PATTERN.search(text)
    assert match, text
    return match.group(0)


@pytest.fixture
def queue(tmp_path: Path) -> HandoffQueue:
    return HandoffQueue.from_url(f"sqlite:///{tmp_path / 'handoffs.db'}")


class TestHandoffReference:
    def test_the_number_said_is_the_number_queued(self, bot: Bot, queue: HandoffQueue) -> None:
        """ "get me a human": the handoff text ends with the turn's reference; the row has it."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"))
        [said] = bot.turn(t, "get me a human")
        reference = handoff_reference(t.sender_id, t.latest_message.timestamp)
        handoff = bot.document.handoff
        texts = {
            fill(x, {"reference": reference}) for x in (handoff.text, handoff.unavailable_text)
        }
        assert said.text in texts and reference in said.text
        assert queued(t, queue) == [("customer_request", reference)]
        assert queued(t, queue) == []  # saved again: nothing new


class TestComplaints:
    def test_acting_complaint_is_a_handoff_with_its_reference(self, bot, queue) -> None:
        """`when.complaint: act` (the default): the handoff, its number said and queued."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"))
        [said] = bot.turn(t, "I want to make a complaint about my order", "ethics_complaint")
        assert t.is_paused() and queued(t, queue) == [("complaint", reference_in(said.text))]

    def test_asked_complaint_is_filed_then_offered(self, asking_bot, queue) -> None:
        """`ask`: the complaint is queued with the number said, and a person offered."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"))
        [said] = asking_bot.turn(t, "I want to complain about the delivery", "ethics_complaint")
        reference = reference_in(said.text)
        assert said.metadata["ethics_filed"] == {"reference": reference}
        assert said.metadata["ethics_confirm"] == {"stage": "asked", "reason": "complaint"}
        assert not t.is_paused() and queued(t, queue) == [("complaint", reference)]
        row = queue.list()[0]
        assert (row["reason"], row["agent_available"]) == ("complaint", False)

    def test_yes_hands_off_the_same_request(self, asking_bot, queue) -> None:
        """ "Yes, connect me": the handoff text says the complaint's number; no second row."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"))
        [filed] = asking_bot.turn(t, "I want to complain about the delivery", "ethics_complaint")
        assert len(queued(t, queue)) == 1
        [said] = asking_bot.turn(t, "Yes, connect me")
        assert reference_in(said.text) == reference_in(filed.text) and t.is_paused()
        assert queued(t, queue) == [] and len(queue.list()) == 1

    def test_no_keeps_the_complaint(self, asking_bot, queue) -> None:
        """ "No, carry on": the complaint stays queued for the team to answer."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"))
        asking_bot.turn(t, "I want to complain about the delivery", "ethics_complaint")
        [said] = asking_bot.turn(t, "No, carry on")
        assert said.text == asking_bot.document.handoff.confirm.declined_text
        assert len(queued(t, queue)) == 1 and not t.is_paused()

    def test_undecided_filing_text_is_only_the_question(self, bot, queue) -> None:
        """A story naming utter_ethics_complaint_filed: the offer, no number, nothing queued."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"), user("where is my order"))
        message = asyncio.run(bot.nlg.generate("utter_ethics_complaint_filed", t, "rest"))
        assert message["text"] == bot.document.handoff.confirm.text
        assert "ethics_filed" not in message


class TestFeedback:
    def test_flags_the_answer_and_offers_a_person(self, bot: Bot) -> None:
        """The offer carries the flagged turn; the audit trail gets one feedback record."""
        answer = BotUttered("It's on its way", metadata={"utter_action": "utter_greet"})
        t = tracker(DOMAIN, user("where is my order"), ActionExecuted("utter_greet"), answer)
        [offer] = bot.turn(t, "that's not what I asked")
        flag = offer.metadata["ethics_feedback"]
        assert flag == {
            "response": "utter_greet",
            "action": "utter_greet",
            "timestamp": answer.timestamp,
        }
        assert offer.metadata["ethics_confirm"] == {"stage": "asked", "reason": "feedback"}
        mapper = EventMapper(Pseudonymizer(key=b"k" * 32))
        records = mapper({"sender_id": t.sender_id, **offer.as_dict()})
        [(kind, fields)] = [r for r in records if r[0] == "feedback"]
        assert (fields["response"], fields["action"]) == ("utter_greet", "utter_greet")
        assert fields["flagged_at"] == round(answer.timestamp, 4)
        assert "not what I asked" not in str(records)

    def test_off_in_the_policy(self, tmp_path: Path) -> None:
        """`redress.feedback: false`: the host answers, nothing is flagged."""
        quiet = Bot(policy_file(tmp_path, "redress:\n  feedback: false\n"), tmp_path / "s")
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"))
        assert quiet.turn(t, "that's not what I asked") == []


class TestStatus:
    def test_unknown_reference_is_not_found(self, bot: Bot) -> None:
        """Nothing but "I can't find" about a reference nobody has."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"))
        [said] = bot.turn(t, "what is the status of my request hr 7k3m 9qxa?")
        expected = fill(bot.document.redress.status_not_found_text, {"reference": "HR-7K3M-9QXA"})
        assert said.text == expected and not t.is_paused()

    def test_undecided_status_text_is_the_hosts_fallback(self, bot: Bot) -> None:
        """A story naming utter_ethics_request_status on an ordinary turn: utter_default."""
        t = tracker(DOMAIN, user("hi"), BotUttered("Hello!"), user("where is my order"))
        message = asyncio.run(bot.nlg.generate("utter_ethics_request_status", t, "rest"))
        assert message["text"] == "Sorry?"
