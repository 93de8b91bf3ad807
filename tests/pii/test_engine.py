"""rasa_ethics.pii.engine."""

from __future__ import annotations

import pytest

from rasa_ethics.pii import PIIConfigError, PIIEngine, Span
from rasa_ethics.policy.schema import PIIConfig

TEXT = "Hi, I'm Maria Lopez, mail maria@example.org or call +44 20 7946 0958."


def _config(**rules: str) -> PIIConfig:
    return PIIConfig(entities={t: {"operator": op} for t, op in rules.items()})


class TestAnalyze:
    """Spans index the original text and are sorted and disjoint."""

    def test_types_and_offsets(self, engine):
        """Each span covers exactly its value in the original text."""
        spans = engine.analyze(TEXT)
        assert [(s.type, TEXT[s.start : s.end]) for s in spans] == [
            ("person", "Maria Lopez"),
            ("email", "maria@example.org"),
            ("phone", "+44 20 7946 0958"),
        ]

    def test_explanations(self, engine):
        """Every span names its recognizer and a reason, never the value."""
        for span in engine.analyze(TEXT):
            assert span.recognizer.endswith("Recognizer") and span.reason
            assert TEXT[span.start : span.end] not in span.reason

    def test_nothing_in_clean_text(self, engine):
        """A message without personal data yields no spans."""
        assert engine.analyze("Where is my order #12345678? It was due on 12/03/2024.") == []

    def test_disabled(self):
        """pii.enabled: false turns detection off."""
        assert PIIEngine(PIIConfig(enabled=False)).analyze(TEXT) == []

    def test_disabled_type(self):
        """A type with enabled: false is not detected; spaCy is not even needed."""
        config = PIIConfig(entities={"person": {"enabled": False}, "address": {"enabled": False}})
        engine = PIIEngine(config, nlp_loader=lambda: pytest.fail("spaCy loaded"))
        assert [s.type for s in engine.analyze(TEXT)] == ["email", "phone"]

    def test_allow_list(self):
        """Allow-listed values are never redacted, whatever their case or spacing."""
        config = PIIConfig(allow_list=["Support@Northwind.example", "+1 800 555 0100"])
        engine = PIIEngine(config, recognizers=PIIEngine(config).recognizers[:2])
        text = "write support@northwind.example or call 1-800-555-0100, not jo@x.io"
        assert [text[s.start : s.end] for s in engine.analyze(text)] == ["jo@x.io"]

    def test_analyze_many_matches_analyze(self, engine):
        """Batching through nlp.pipe gives the same spans as one text at a time."""
        texts = [TEXT, "nothing here", "I live at 42 Baker Street, London NW1 6XE."]
        assert engine.analyze_many(texts) == [engine.analyze(t) for t in texts]


class TestThresholds:
    """Per-type thresholds from the policy decide which scores count."""

    def test_lower_threshold_redacts_more(self):
        """A lone surname (score 0.4) counts only when the person threshold allows it."""
        text = "the parcel Kowalczyk sent"
        default = PIIEngine(PIIConfig())
        lowered = PIIEngine(PIIConfig(entities={"person": {"threshold": 0.35}}))
        assert default.analyze(text) == []
        assert [text[s.start : s.end] for s in lowered.analyze(text)] == ["Kowalczyk"]

    def test_higher_threshold_redacts_less(self):
        """A phone number found by its shape only (0.65 in context) is kept below 0.7."""
        text = "phone: 512 33 981"
        strict = PIIEngine(PIIConfig(entities={"phone": {"threshold": 0.7}}))
        assert strict.analyze(text) == [] and PIIEngine(PIIConfig()).analyze(text)

    def test_threshold_out_of_range(self):
        """A threshold outside 0..1 is a policy error."""
        with pytest.raises(ValueError, match="threshold"):
            PIIConfig(entities={"person": {"threshold": 1.5}})


class TestExpectedType:
    """engine.analyze(text, expected_type=...): the text answers a question for that type."""

    @pytest.mark.parametrize(
        "text, expected_type, value",
        [
            ("hannah kowalczyk again", "person", "hannah kowalczyk"),
            ("Ngozi Okafor", "person", "Ngozi Okafor"),
            ("98 413527", "phone", "98 413527"),
            ("318774025", "national_id", "318774025"),
            ("Keizersgracht 402", "address", "Keizersgracht 402"),
        ],
    )
    def test_answers_are_found(self, engine, text, expected_type, value):
        """Values that need a cue count when the question was the cue."""
        spans = engine.analyze(text, expected_type=expected_type)
        assert [text[s.start : s.end] for s in spans] == [value]

    def test_without_the_hint_bare_numbers_stay(self, engine):
        """The same bare numbers are not redacted without the hint."""
        assert engine.analyze("98 413527") == [] and engine.analyze("318774025") == []

    def test_ordinary_replies_stay(self, engine):
        """A reply that is not a name is not redacted because a name was asked for."""
        assert engine.analyze("I want to cancel my order", expected_type="person") == []

    def test_unknown_type(self, engine):
        """An unknown expected type is a clear error."""
        with pytest.raises(ValueError, match="unknown expected_type 'nmae'"):
            engine.analyze("x", expected_type="nmae")


class TestNotPersonalData:
    """Domain names and identifiers are never redacted, even with a name inside them."""

    @pytest.mark.parametrize(
        "text",
        [
            "previous action name: cc_payment_form",
            "slot first_name was set by action_ask_name",
            "utter_greet_maria was predicted",
            "intent: inform_jonas (0.98)",
        ],
    )
    def test_identifiers(self, engine, text):
        """Words joined by underscores are identifiers, not names."""
        assert engine.analyze(text) == []


class TestRedact:
    """Operators from the policy, applied to the original text."""

    def test_default_replace(self, engine):
        """Unlisted types use replace."""
        assert engine.redact(TEXT).text == "Hi, I'm <PERSON>, mail <EMAIL> or call <PHONE>."

    def test_mask_and_drop(self):
        """mask keeps the length; drop removes the value."""
        engine = PIIEngine(_config(email="mask", phone="drop", person="replace"))
        assert engine.redact(TEXT).text == "Hi, I'm <PERSON>, mail ***************** or call ."

    def test_hash_tokens(self, monkeypatch):
        """hash gives a stable keyed token per value."""
        monkeypatch.setenv("TEST_PII_KEY", "s3cret")
        config = PIIConfig(hash_key_env="TEST_PII_KEY", entities={"email": {"operator": "hash"}})
        engine = PIIEngine(config)
        first = engine.redact("a maria@example.org").text
        assert first.startswith("a <EMAIL_") and first == engine.redact("a MARIA@example.org").text

    def test_hash_without_key_fails_at_start(self, monkeypatch):
        """A hash operator with its key variable unset refuses to build (fail closed)."""
        monkeypatch.delenv("TEST_PII_KEY", raising=False)
        config = PIIConfig(hash_key_env="TEST_PII_KEY", entities={"email": {"operator": "hash"}})
        with pytest.raises(PIIConfigError, match="TEST_PII_KEY"):
            PIIEngine(config)

    def test_no_key_needed_without_hash(self, monkeypatch):
        """Without a hash operator the key variable may be unset."""
        monkeypatch.delenv("RASA_ETHICS_PII_KEY", raising=False)
        PIIEngine(PIIConfig())

    def test_anonymize_stored_spans(self, engine):
        """Spans detected once (e.g. stored in metadata) redact the text later."""
        stored = [s.to_dict() for s in engine.analyze(TEXT)]
        result = engine.anonymize(TEXT, [Span.from_dict(d) for d in stored])
        assert result.text == engine.redact(TEXT).text

    def test_placeholders_are_left_alone(self, engine):
        """Redacting redacted text changes nothing."""
        once = engine.redact(TEXT).text
        assert engine.redact(once).text == once and engine.analyze(once) == []

    def test_redact_many(self, engine):
        """The batch API returns one result per text, in order."""
        texts = [TEXT, "", "call 020 7946 0958"]
        assert engine.redact_many(texts, batch_size=2) == [engine.redact(t) for t in texts]

    def test_from_policy(self):
        """An engine can be built from a loaded policy."""
        from rasa_ethics.policy import load_policy

        engine = PIIEngine.from_policy(load_policy(None))
        assert engine.redact("card 4111 1111 1111 1111").text.startswith("card ****")


class TestPublishedTestValues:
    """Published test values in a message about a test are no one's data; elsewhere they are."""

    @pytest.mark.parametrize(
        "text",
        [
            "the Stripe test card 4000 0566 5566 5556 is declined in our sandbox",
            "docs example IBAN DE89 3704 0044 0532 0130 00 fails validation",
            "in the demo the server shows 198.51.100.42 as the client",
            "the sample form is prefilled with SSN 078-05-1120",
            "our sandbox rejects the login qa.runner@example.org",
        ],
    )
    def test_left_alone(self, engine, text):
        assert engine.analyze(text) == []

    @pytest.mark.parametrize(
        "text, value",
        [
            ("my card is 4000 0566 5566 5556", "4000 0566 5566 5556"),
            ("testing with my own card 4539 1488 0343 6467 failed", "4539 1488 0343 6467"),
            ("my IBAN is DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
            # "example" inside an address is not the message saying it is an example
            ("mail me at ines.test@example.com, card 4111 1111 1111 1111", "4111 1111 1111 1111"),
            ("mail me at ines.test@example.com, card 4111 1111 1111 1111", "ines.test@example.com"),
        ],
    )
    def test_redacted_without_a_test_word_or_when_real(self, engine, text, value):
        assert value not in engine.redact(text).text


class TestConversationContext:
    """``redact(text, context=...)``: the requested slot or the bot's question says the type."""

    @pytest.mark.parametrize(
        "context, text, value",
        [
            ({"bot_question": "What's the name on the account?"}, "dagny ekström", "dagny ekström"),
            ({"requested_slot": "account_holder_name"}, "Tjark Oltmanns", "Tjark Oltmanns"),
            ({"bot_question": "What is your national ID number?"}, "58213307", "58213307"),
        ],
    )
    def test_expected_answers(self, engine, context, text, value):
        assert value not in engine.redact(text, context=context).text

    @pytest.mark.parametrize(
        "context, text",
        [
            ({"bot_question": "What's the name of the product?"}, "Aurora Lamp"),
            ({"bot_question": "What's the name on the account?"}, "I don't remember"),
            # without context a bare number is no national ID ("dagny ekström", the first row
            # written here, is found without context too: the gazetteer knows both names)
            (None, "58213307"),
        ],
    )
    def test_left_alone(self, engine, context, text):
        assert engine.redact(text, context=context).text == text
