"""Signals of one message: intents backed by the text, policy phrases, lexicons."""

from __future__ import annotations

from typing import Optional

import pytest

from rasa_ethics.dialogue.detectors import (
    ASSISTANT,
    INTENT_ONLY,
    MENTION,
    REQUEST,
    Detectors,
    Message,
)
from rasa_ethics.policy import LoadedPolicy
from rasa_ethics.policy.loader import load_policy


def msg(text: str, intent: Optional[str] = "greet", confidence: float = 0.99) -> Message:
    return Message(text, intent, confidence)


class TestHandoffRequest:
    @pytest.mark.parametrize(
        ("message", "expected"),
        [
            (msg("human please", "nlu_fallback", 0.4), "phrase:human please"),
            (msg("get me a person", "goodbye", 0.9), "phrase:get me a person"),
            (msg("conect me to sombody", "nlu_fallback", 0.3), "grammar:request"),
            (
                msg("I don't want to talk to a bot", "ethics_human_handoff"),
                "intent:ethics_human_handoff",
            ),
            (
                msg("/ethics_human_handoff", "ethics_human_handoff", 1.0),
                "intent:ethics_human_handoff",
            ),
            # the classifier alone is not enough
            (msg("my estate agent needs a copy", "ethics_human_handoff", 1.0), None),
            (msg("connect the speaker to bluetooth", "ethics_human_handoff", 1.0), None),
            (msg("operator error on my side", "ethics_human_handoff", 1.0), None),
            # an unsure classifier is not enough either
            (msg("I don't want to talk to a bot", "ethics_human_handoff", 0.2), None),
        ],
    )
    def test_table(self, detectors: Detectors, message: Message, expected: str) -> None:
        """Intents count when the text backs them; phrases and the grammar count alone."""
        assert detectors.inspect(message).handoff_request == expected

    @pytest.mark.parametrize(
        ("message", "kind"),
        [
            (msg("put me through to someone", "greet", 0.9), REQUEST),
            (msg("I don't want to talk to a bot", "ethics_human_handoff", 0.9), MENTION),
            (msg("can I talk to the assistant", "greet", 0.9), ASSISTANT),
            (msg("how can I get in touch", "ethics_human_handoff", 0.9), INTENT_ONLY),
            (msg("how can I get in touch", "greet", 0.9), None),
            (msg("can I get the bill from Mr. Brown", "ethics_human_handoff", 0.99), None),
        ],
    )
    def test_kind_of_evidence(self, detectors: Detectors, message: Message, kind) -> None:
        """Each handoff trigger says how strong its evidence is (the policy's `handoff.when`)."""
        assert detectors.inspect(message).handoff_kind == kind

    def test_classifier_prediction_is_judged_not_the_guards(self, detectors: Detectors) -> None:
        """After EthicsIntentGuard re-ranked, the classifier's own intent is what counts."""
        parse = {
            "intent": {"name": "order_status", "confidence": 0.8},
            "ethics_classifier": {"name": "ethics_human_handoff", "confidence": 0.95},
        }
        message = Message.from_parse_data("I don't want to talk to a bot", parse)
        assert detectors.inspect(message).handoff_kind == MENTION
        assert not detectors.inspect(message).low_confidence

    def test_a_name_the_pii_detector_found_is_a_person(self, detectors: Detectors) -> None:
        """ "talk to jane doe": no capitals, but the PII spans name a person."""
        text = "can i talk to jane doe please"
        spans = [{"type": "person", "start": 14, "end": 22}]
        message = Message.from_parse_data(text, {"intent": {}, "ethics_pii": spans})
        assert detectors.inspect(message).handoff_kind == REQUEST
        assert detectors.inspect(Message(text)).handoff_kind is None

    def test_identity_question_is_a_bot_challenge_not_a_handoff(self, detectors: Detectors) -> None:
        """ "Am I talking to a real person?" has the phrase "real person" but asks what we are."""
        signals = detectors.inspect(msg("am I talking to a real person?", "ethics_bot_challenge"))
        assert signals.handoff_request is None and signals.bot_challenge

    def test_disabled_handoff_detects_nothing(self, tmp_path) -> None:
        """handoff.enabled: false switches every handoff trigger off."""
        path = tmp_path / "p.yml"
        path.write_text("handoff:\n  enabled: false\n")
        detectors = Detectors(load_policy(path).document)
        signals = detectors.inspect(msg("I want to kill myself, get me a human"))
        assert not signals.any_handoff


class TestSignals:
    @pytest.mark.parametrize(
        ("text", "topics"),
        [
            ("I want to end my life", ("self_harm",)),
            ("my mum died last week and I need to cancel her order", ("bereavement",)),
            ("I'm having a panic attack", ("distress",)),
            ("the jacket gave me a rash after using it", ("medical",)),
            ("I will take you to court", ("legal",)),
            ("where is my order", ()),
        ],
    )
    def test_sensitive_topics(self, detectors: Detectors, text: str, topics: tuple) -> None:
        """Each editable lexicon is a topic."""
        assert detectors.inspect(msg(text)).topics == topics

    def test_frustration(self, detectors: Detectors) -> None:
        """Anger phrases are a signal."""
        assert (
            detectors.inspect(msg("this is ridiculous")).frustration == "phrase:this is ridiculous"
        )

    def test_misunderstanding(self, detectors: Detectors) -> None:
        """ "That's not what I asked" is a signal (it counts when repeated, see the turn)."""
        assert detectors.inspect(msg("no, that's not what I asked")).misunderstanding

    def test_complaint_needs_the_word(self, detectors: Detectors) -> None:
        """A complaint intent counts when the message says 'complain' (or a typo of it)."""
        assert detectors.inspect(msg("I want to complain", "ethics_complaint")).complaint
        assert not detectors.inspect(msg("apply a discount code", "ethics_complaint")).complaint

    @pytest.mark.parametrize(
        ("message", "low"),
        [
            (msg("blorp", "nlu_fallback", 0.4), True),
            (msg("hm", "greet", 0.2), True),
            (msg("hello", "greet", 0.99), False),
            (msg("/greet", "greet", 1.0), False),
        ],
    )
    def test_low_confidence(self, detectors: Detectors, message: Message, low: bool) -> None:
        """A fallback intent or a confidence below the threshold is a misunderstood turn."""
        assert detectors.inspect(message).low_confidence is low


class TestCache:
    def test_same_policy_version_same_detectors(self, policy: LoadedPolicy) -> None:
        """Detectors are compiled once per policy version."""
        assert Detectors.for_policy(policy) is Detectors.for_policy(policy)
