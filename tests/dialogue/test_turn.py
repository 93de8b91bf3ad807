"""The per-turn decision, a pure function of the tracker."""

from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, ConversationResumed

from rasa_ethics.dialogue.detectors import Detectors
from rasa_ethics.dialogue.turn import BOT_CHALLENGE, HANDOFF, analyse_turn, consecutive_fallbacks
from tests.dialogue.builders import tracker, user


def fallback(text: str = "blorp"):
    return user(text, "nlu_fallback", 0.4)


class TestAnalyseTurn:
    def test_nothing_to_do(self, domain: Domain, detectors: Detectors) -> None:
        """An ordinary message is left to the host bot."""
        assert analyse_turn(tracker(domain, user("hello")), detectors) is None

    def test_no_user_message_yet(self, domain: Domain, detectors: Detectors) -> None:
        """A fresh session has nothing to decide."""
        assert analyse_turn(tracker(domain), detectors) is None

    def test_handoff_request(self, domain: Domain, detectors: Detectors) -> None:
        """An explicit request hands off with reason customer_request."""
        plan = analyse_turn(tracker(domain, user("get me a human", "nlu_fallback", 0.4)), detectors)
        assert plan.kind == HANDOFF and plan.reason == "customer_request"

    def test_self_harm_says_crisis_text_first(self, domain: Domain, detectors: Detectors) -> None:
        """Self-harm hands off with the topic's response said first."""
        plan = analyse_turn(
            tracker(domain, user("I want to kill myself")), detectors, domain.action_names_or_texts
        )
        assert plan.reason == "topic:self_harm"
        assert plan.preambles == ("utter_ethics_topic_self_harm",)

    def test_topic_response_must_be_trained(self, domain: Domain, detectors: Detectors) -> None:
        """A topic text added after training has no action yet: no preamble, still a handoff."""
        plan = analyse_turn(tracker(domain, user("I'm having a panic attack")), detectors, [])
        assert plan.kind == HANDOFF and plan.preambles == ()

    def test_bot_challenge(self, domain: Domain, detectors: Detectors) -> None:
        """ "Are you a bot?" gets the bot-challenge answer."""
        plan = analyse_turn(tracker(domain, user("are you a bot?")), detectors)
        assert plan.kind == BOT_CHALLENGE

    def test_handoff_wins_over_challenge(self, domain: Domain, detectors: Detectors) -> None:
        """A request after the identity question still hands off."""
        plan = analyse_turn(tracker(domain, user("are you a bot? get me a human")), detectors)
        assert plan.kind == HANDOFF


class TestConsecutiveFallbacks:
    def test_second_fallback_hands_off(self, domain: Domain, detectors: Detectors) -> None:
        """Two misunderstood turns in a row (default) hand off."""
        one = tracker(
            domain, fallback(), ActionExecuted("utter_default"), ActionExecuted("action_listen")
        )
        assert analyse_turn(one, detectors) is None
        two = tracker(
            domain,
            fallback(),
            ActionExecuted("utter_default"),
            ActionExecuted("action_listen"),
            fallback("zzz"),
        )
        plan = analyse_turn(two, detectors)
        assert plan.kind == HANDOFF and plan.reason == "consecutive_fallbacks"

    def test_an_understood_turn_resets(self, domain: Domain, detectors: Detectors) -> None:
        """The count is of turns in a row."""
        t = tracker(
            domain,
            fallback(),
            ActionExecuted("action_listen"),
            user("hi"),
            ActionExecuted("action_listen"),
            fallback(),
        )
        assert consecutive_fallbacks(t, detectors) == 1

    def test_turns_inside_a_form_are_not_counted(
        self, domain: Domain, detectors: Detectors
    ) -> None:
        """Free text given to a form is the form's to validate."""
        t = tracker(
            domain,
            ActiveLoop("order_form"),
            ActionExecuted("action_listen"),
            fallback(),
            ActionExecuted("order_form"),
            ActionExecuted("action_listen"),
            fallback(),
        )
        assert consecutive_fallbacks(t, detectors) == 0

    def test_count_restarts_after_resume(self, domain: Domain, detectors: Detectors) -> None:
        """An agent handing back starts a fresh count."""
        t = tracker(
            domain,
            fallback(),
            ActionExecuted("utter_ethics_handoff"),
            BotUttered("handing off"),
            ConversationResumed(),
            ActionExecuted("action_listen"),
            fallback(),
        )
        assert consecutive_fallbacks(t, detectors) == 1

    def test_this_turns_own_handoff_does_not_reset(
        self, domain: Domain, detectors: Detectors
    ) -> None:
        """Later prediction steps of the same turn reach the same decision."""
        t = tracker(
            domain,
            fallback(),
            ActionExecuted("action_listen"),
            fallback(),
            ActionExecuted("utter_ethics_handoff"),
            BotUttered("handing off"),
        )
        assert consecutive_fallbacks(t, detectors) == 2
