"""EthicsNLG: the disclosure in each session's first message, wherever it comes from."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from rasa_ethics.handoff.reference import handoff_reference
from rasa_ethics.nlg import EthicsNLG, disclosure
from rasa_ethics.policy import load_policy
from rasa_ethics.policy.texts import fill
from tests.dialogue.builders import DOMAIN_YAML, session, user
from tests.nlg.nlg_testlib import northwind_nlg

REPO = Path(__file__).resolve().parents[2]
DOMAIN = Domain.from_yaml(DOMAIN_YAML)
NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")
DISCLOSURE = NORTHWIND.disclosure.text


@pytest.fixture
def nlg() -> EthicsNLG:
    """Built the way Rasa builds a custom NLG from endpoints.yml."""
    return northwind_nlg(DOMAIN)


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("c", session(*events), DOMAIN.slots)


def said_handoff(t: DialogueStateTracker) -> str:
    """The handoff text with this turn's reference (the latest customer message's timestamp)."""
    reference = handoff_reference(t.sender_id, t.latest_message.timestamp)
    return fill(NORTHWIND.handoff.text, {"reference": reference})


def generate(nlg, name: str, t: DialogueStateTracker) -> dict:
    return asyncio.run(nlg.generate(name, t, "rest"))


class TestDisclosure:
    def test_first_message_of_the_session(self, nlg) -> None:
        """The host's first answer keeps its text, after the disclosure, and is marked."""
        message = generate(nlg, "utter_greet", tracker(user("hi")))
        assert message["text"] == f"{DISCLOSURE}\n\nHello!"
        assert message["ethics_disclosure"] is True

    def test_only_the_first(self, nlg) -> None:
        """Later messages are the host's, untouched."""
        message = generate(
            nlg, "utter_greet", tracker(user("hi"), BotUttered("Hello!"), user("hi"))
        )
        assert message == {"text": "Hello!"}

    @pytest.mark.parametrize("boundary", [SessionStarted, Restarted])
    def test_again_after_a_new_session_or_restart(self, nlg, boundary) -> None:
        """Every session starts with the disclosure."""
        t = tracker(user("hi"), BotUttered("Hello!"), boundary(), user("hi"))
        assert generate(nlg, "utter_greet", t)["ethics_disclosure"]

    def test_ethics_texts_come_from_the_live_policy(self, tmp_path: Path) -> None:
        """Designers' edits apply without retraining."""
        policies = tmp_path / "policies"
        shutil.copytree(REPO / "policies", policies)
        path = policies / "northwind.yml"
        live = EthicsNLG(policy=str(path))
        t = tracker(user("are you a bot"), BotUttered("x"))
        before = generate(live, "utter_ethics_bot_challenge", t)["text"]
        edited = path.read_text().replace(
            "disclosure:\n", 'disclosure:\n  bot_challenge_text: "Yes, I am a bot."\n'
        )
        path.write_text(edited)
        live.live.refresh()  # what the background check does every reload_seconds
        after = generate(live, "utter_ethics_bot_challenge", t)["text"]
        assert before == NORTHWIND.disclosure.bot_challenge_text and after == "Yes, I am a bot."

    def test_handoff_text_decides_nothing(self, nlg) -> None:
        """The NLG only words the handoff: the decision travels on EthicsPolicy's action."""
        t = tracker(
            user("I want to kill myself"),
            ActionExecuted("utter_ethics_topic_self_harm"),
            BotUttered("crisis"),
        )
        message = generate(nlg, "utter_ethics_handoff", t)
        assert message["text"] == said_handoff(t) and "ethics_handoff" not in message

    def test_disabled(self, tmp_path: Path) -> None:
        """disclosure.enabled: false leaves the first message alone."""
        path = tmp_path / "p.yml"
        path.write_text(
            f"extends_dirs: [{REPO / 'policies'}]\n"
            f"extends: {REPO / 'policies' / 'northwind.yml'}\ndisclosure:\n  enabled: false\n"
        )
        quiet = EthicsNLG(policy=str(path))
        quiet.responses = DOMAIN.responses
        assert generate(quiet, "utter_greet", tracker(user("hi"))) == {"text": "Hello!"}


class TestTruthGuard:
    """The handoff and bot-challenge texts go out only when EthicsPolicy decided them."""

    @staticmethod
    def later(*events) -> DialogueStateTracker:
        """A tracker past the session's first bot message (no disclosure in front)."""
        return tracker(user("hi"), BotUttered("Hello!"), *events)

    def test_undecided_handoff_becomes_the_confirm_question(self, nlg) -> None:
        """A rule or story that names utter_ethics_handoff gets the question, with buttons."""
        t = self.later(user("can I get the bill from Mr. Brown"))
        message = generate(nlg, "utter_ethics_handoff", t)
        confirm = NORTHWIND.handoff.confirm
        assert message["text"] == confirm.text
        assert [b["title"] for b in message["buttons"]] == [confirm.yes_button, confirm.no_button]
        assert message["ethics_confirm"] == {"stage": "asked", "reason": "undecided_response"}

    def test_decided_handoff_is_said(self, nlg) -> None:
        """The step EthicsPolicy is at is the handoff: the text goes out."""
        t = self.later(user("get me a human"))
        message = generate(nlg, "utter_ethics_handoff", t)
        assert message["text"] == said_handoff(t)

    def test_undecided_bot_challenge_becomes_the_hosts_fallback(self, nlg) -> None:
        """No bot-challenge answer for a message that did not ask: the host's utter_default."""
        nlg.responses = {**nlg.responses, "utter_default": [{"text": "Sorry?"}]}
        message = generate(nlg, "utter_ethics_bot_challenge", self.later(user("where is my order")))
        assert message["text"] == "Sorry?"

    def test_confirm_question_carries_its_reason(self, nlg) -> None:
        """The question is marked as an offer, with why it was asked."""
        message = generate(
            nlg, "utter_ethics_handoff_confirm", self.later(user("can I talk to the assistant"))
        )
        assert message["ethics_confirm"] == {"stage": "asked", "reason": "customer_request"}

    def test_outage_text_offers_a_person(self, nlg) -> None:
        """The outage text comes with the buttons and is marked as an offer."""
        message = generate(nlg, "utter_ethics_outage", self.later(user("NW-100234")))
        assert message["text"] == NORTHWIND.handoff.outage_text
        assert message["ethics_confirm"]["reason"] == "action_failure" and message["buttons"]


class TestCustomActionMessages:
    """dispatcher.utter_message(text=...) bypasses the NLG: the RemoteAction wrapper covers it."""

    def utter(self, nlg, responses, t):
        return asyncio.run(
            RemoteAction._utter_responses(responses, CollectingOutputChannel(), nlg, t)
        )

    def test_text_from_a_custom_action_is_disclosed(self, nlg) -> None:
        """The first of the action's messages gets the disclosure; the others stay as sent."""
        events = self.utter(
            nlg,
            [{"text": "Order NW-1 is out."}, {"response": "utter_greet"}],
            tracker(user("order?"), ActionExecuted("action_lookup_order")),
        )
        assert [e.text for e in events] == [f"{DISCLOSURE}\n\nOrder NW-1 is out.", "Hello!"]
        assert events[0].metadata["ethics_disclosure"] is True
        assert "ethics_disclosure" not in events[1].metadata

    def test_not_first_in_session(self, nlg) -> None:
        """After a bot message nothing changes."""
        events = self.utter(
            nlg, [{"text": "Order NW-1 is out."}], tracker(user("x"), BotUttered("y"))
        )
        assert [e.text for e in events] == ["Order NW-1 is out."]

    def test_other_nlgs_are_untouched(self) -> None:
        """The wrapper only acts for EthicsNLG."""
        EthicsNLG(policy=str(REPO / "policies" / "northwind.yml"))  # installs the wrapper
        plain = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        events = self.utter(plain, [{"text": "Order NW-1 is out."}], tracker(user("x")))
        assert [e.text for e in events] == ["Order NW-1 is out."]

    def test_refuses_other_rasa_versions(self, monkeypatch) -> None:
        """The wrapper is verified against Rasa 3.6 and refuses to guess elsewhere."""
        original = RemoteAction._utter_responses.__wrapped__
        monkeypatch.setattr(rasa, "__version__", "3.7.0")
        with pytest.raises(RasaException, match="verified against Rasa 3.6"):
            disclosure._verify(original)
