"""Disclosure, bot challenge and handoff over a real `rasa run` HTTP server (REST channel, API on).

Every test that does not need the order form also runs against ``degraded_bot``, whose action
server is unreachable: the guarantees live in the Rasa process.  The order form validates its
slots with a custom action, so without the action server the form cannot start at all; the
form tests therefore run against ``plugin_bot`` only.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest

from rasa_ethics.policy import load_policy
from tests.e2e.truth import Templates
from tests.harness import REPO, BotClient, bot_events, event_names, shift_into_the_past
from tests.harness.conversations import ORDINARY

pytestmark = pytest.mark.slow

NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")
DISCLOSURE = NORTHWIND.disclosure.text
HANDOFF_TEXTS = Templates({NORTHWIND.handoff.text, NORTHWIND.handoff.unavailable_text})
CHALLENGE = NORTHWIND.disclosure.bot_challenge_text
CRISIS = NORTHWIND.handoff.signals.sensitive_topics["self_harm"].text
GREETING = "Hi, welcome to Northwind Outfitters support!"


@pytest.fixture(params=["plugin_bot", "degraded_bot"])
def bot(request) -> BotClient:
    """Each test runs with the action server up, then down."""
    return request.getfixturevalue(request.param)


def sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def handoff_message(tracker: Dict[str, Any]) -> Dict[str, Any]:
    """The handoff response's action event: it carries EthicsPolicy's decision."""
    [action] = [
        e
        for e in tracker["events"]
        if e["event"] == "action" and "ethics_handoff" in (e.get("metadata") or {})
    ]
    return action


def assert_paused_after(tracker: Dict[str, Any], message: Dict[str, Any]) -> None:
    """The contract: a `pause` event after the handoff message."""
    events = tracker["events"]
    after = events[events.index(message) + 1 :]
    assert "pause" in [e["event"] for e in after]
    assert tracker["paused"]


class TestDisclosure:
    def test_first_message_of_a_new_conversation(self, bot: BotClient) -> None:
        """The first bot message carries the disclosure; the host's greeting follows unchanged."""
        who = sender("disclose")
        first = bot.say(who, "hello")
        assert first[0] == DISCLOSURE and first[1].startswith(GREETING)
        second = bot.say(who, "hello")
        assert DISCLOSURE not in second and second[0].startswith(GREETING)
        messages = bot_events(bot.tracker(who))
        assert messages[0]["metadata"]["ethics_disclosure"] is True
        assert not messages[1]["metadata"].get("ethics_disclosure")

    def test_again_after_session_expiry(self, bot: BotClient) -> None:
        """An expired session (60 min in the example bot) starts with the disclosure again."""
        who = sender("expiry")
        bot.say(who, "hello")
        shift_into_the_past(bot.space.db, who, seconds=2 * 3600)
        again = bot.say(who, "hello")
        assert again[0] == DISCLOSURE
        assert "session_started" in event_names(bot.tracker(who))

    def test_again_after_restart(self, bot: BotClient) -> None:
        """/restart starts over, disclosure included."""
        who = sender("restart")
        bot.say(who, "hello")
        bot.say(who, "/restart")
        assert bot.say(who, "hello")[0] == DISCLOSURE

    def test_first_message_from_a_custom_actions_text(self, plugin_bot: BotClient) -> None:
        """Text a custom action sends with dispatcher.utter_message(text=...) is disclosed too."""
        who = sender("custom-action")
        plugin_bot.start_session(who)
        result = plugin_bot.execute(who, "action_lookup_order")
        texts = [m["text"] for m in result["messages"]]  # REST splits at the blank line
        assert texts[0] == DISCLOSURE and texts[1].startswith("I need the email address")
        assert bot_events(plugin_bot.tracker(who))[0]["metadata"]["ethics_disclosure"] is True


class TestBotChallenge:
    def test_any_time(self, bot: BotClient) -> None:
        """'Are you a bot?' gets the truthful answer, and the conversation goes on."""
        who = sender("challenge")
        bot.say(who, "hello")
        assert bot.say(who, "am I talking to a real person?") == [CHALLENGE]
        assert bot.say(who, "what are your opening hours?")[0].startswith("Our stores are open")

    def test_inside_the_form_then_the_form_resumes(self, plugin_bot: BotClient) -> None:
        """The form re-asks its question after the answer; no slot keeps the question."""
        who = sender("challenge-form")
        plugin_bot.say(who, "where is my order?")
        replies = plugin_bot.say(who, "are you a bot?")
        assert replies[0] == CHALLENGE and "email address" in replies[1]
        tracker = plugin_bot.tracker(who)
        assert tracker["active_loop"]["name"] == "order_status_form"
        assert tracker["slots"]["email"] is None
        assert "order number" in " ".join(plugin_bot.say(who, "jane.doe@example.com"))
        assert "NW-100234" in " ".join(plugin_bot.say(who, "NW-100234"))


class TestHandoff:
    def test_from_idle(self, bot: BotClient) -> None:
        """A request hands off, records the reason, pauses, and queues the request."""
        who = sender("idle")
        bot.say(who, "hello")
        assert set(bot.say(who, "I want to talk to a human")) & HANDOFF_TEXTS
        tracker = bot.tracker(who)
        message = handoff_message(tracker)
        assert message["metadata"]["ethics_handoff"]["reason"] == "customer_request"
        assert_paused_after(tracker, message)
        assert bot.say(who, "hello?") == []  # paused: stored, not answered

    def test_from_inside_the_form(self, plugin_bot: BotClient) -> None:
        """The form is closed, no slot keeps 'I want a human', the bot pauses."""
        who = sender("form")
        plugin_bot.say(who, "where is my order?")
        assert set(plugin_bot.say(who, "I want a human")) & HANDOFF_TEXTS
        tracker = plugin_bot.tracker(who)
        assert tracker["active_loop"] == {} or tracker["active_loop"].get("name") is None
        assert tracker["slots"]["requested_slot"] is None and tracker["slots"]["email"] is None
        assert_paused_after(tracker, handoff_message(tracker))

    def test_from_text_slot_is_not_polluted(self, plugin_bot: BotClient) -> None:
        """A request NLU reads as free text still hands off, and the email slot stays empty.

        The email slot takes the whole message (from_text) for `inform`/`nlu_fallback` while the
        form asks for it, before any policy runs.  The phrase is picked from candidates by asking
        the live model, so the test really exercises that path.
        """
        candidates = [
            "jane.doe at example dot com, human please",
            "it is NW-100234 but I want a human",
            "is anyone actually there?",
            "humna",
            "operater",
        ]
        phrase = next(
            (
                c
                for c in candidates
                if plugin_bot.parse(c)["intent"]["name"] in ("inform", "nlu_fallback")
            ),
            None,
        )
        if phrase is None:
            pytest.skip("the model understood every candidate; from_text never fires")
        who = sender("from-text")
        plugin_bot.say(who, "where is my order?")
        assert set(plugin_bot.say(who, phrase)) & HANDOFF_TEXTS
        tracker = plugin_bot.tracker(who)
        assert tracker["slots"]["email"] is None
        slot_events = [
            e for e in tracker["events"] if e["event"] == "slot" and e["name"] == "email"
        ]
        assert slot_events and slot_events[-1]["value"] is None  # set by extraction, then undone

    def test_after_two_fallbacks(self, bot: BotClient) -> None:
        """The second misunderstood turn in a row hands off."""
        gibberish = ["quux florb", "zzzt qqq"]
        assert [bot.parse(g)["intent"]["name"] for g in gibberish] == ["nlu_fallback"] * 2
        who = sender("fallbacks")
        first = bot.say(who, gibberish[0])
        assert first[-1].startswith("Sorry, I didn't quite get that")
        assert set(bot.say(who, gibberish[1])) & HANDOFF_TEXTS
        tracker = bot.tracker(who)
        assert (
            handoff_message(tracker)["metadata"]["ethics_handoff"]["reason"]
            == "consecutive_fallbacks"
        )

    def test_self_harm_crisis_text_first(self, bot: BotClient) -> None:
        """Crisis resources first, then the handoff."""
        who = sender("self-harm")
        bot.say(who, "hello")
        replies = bot.say(who, "I don't want to live anymore")
        assert replies[0] == CRISIS and replies[1] in HANDOFF_TEXTS
        tracker = bot.tracker(who)
        assert handoff_message(tracker)["metadata"]["ethics_handoff"]["reason"] == "topic:self_harm"

    def test_other_sensitive_topic(self, bot: BotClient) -> None:
        """A bereavement hands off without a preamble."""
        who = sender("bereavement")
        bot.say(who, "hello")
        assert (
            bot.say(who, "my husband passed away and I need to close his account")[0]
            in HANDOFF_TEXTS
        )
        reason = handoff_message(bot.tracker(who))["metadata"]["ethics_handoff"]["reason"]
        assert reason == "topic:bereavement"


def without_disclosure(texts: List[str]) -> List[str]:
    """The REST channel splits a message at blank lines, except messages with buttons."""
    texts = [t for t in texts if t != DISCLOSURE]
    return [t[len(DISCLOSURE) + 2 :] if t.startswith(DISCLOSURE + "\n\n") else t for t in texts]


def conversation(bot: BotClient, messages: List[str]) -> List[List[str]]:
    who = sender("compare")
    return [without_disclosure(bot.say(who, m)) for m in messages]


class TestHostUnchanged:
    @pytest.mark.parametrize("messages", ORDINARY, ids=[m[0] for m in ORDINARY])
    def test_same_answers_with_and_without_the_plugin(
        self, plugin_bot, plain_bot, messages
    ) -> None:
        """Apart from the disclosure, the host's answers are identical."""
        assert conversation(plugin_bot, messages) == conversation(plain_bot, messages)
