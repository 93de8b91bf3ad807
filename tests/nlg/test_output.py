"""Bot output: personal data put into a response is redacted; what designers wrote stays."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Iterator

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics.nlg import EthicsNLG
from rasa_ethics.nlg.output import redact_bot_messages, redact_response
from rasa_ethics.pii import Span
from rasa_ethics.pii.runtime import KNOWN_VALUES
from rasa_ethics.policy import load_policy
from tests.nlg.nlg_testlib import northwind_nlg

REPO = Path(__file__).resolve().parents[2]
NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")
DOMAIN = Domain.from_yaml(
    """
version: "3.1"
responses:
  utter_sms:
    - text: "We'll text {phone}. Questions? Call us on 0800 123 4567."
  utter_hello:
    - text: "Hello {name}!"
"""
)


@pytest.fixture(autouse=True)
def fresh_known_values() -> Iterator[None]:
    KNOWN_VALUES.clear()
    yield
    KNOWN_VALUES.clear()


@pytest.fixture
def nlg() -> EthicsNLG:
    return northwind_nlg(DOMAIN)


def with_bot_message() -> DialogueStateTracker:
    """A conversation that already had a bot message (no disclosure due)."""
    return DialogueStateTracker.from_events("c", [BotUttered("earlier")], DOMAIN.slots)


class TestResponses:
    def test_filled_in_value_is_redacted_written_one_stays(self, nlg: EthicsNLG) -> None:
        """The customer's number (a slot) goes; the shop's number (the template) stays."""
        message = asyncio.run(
            nlg.generate("utter_sms", with_bot_message(), "rest", phone="+44 20 7946 0958")
        )
        assert message["text"] == "We'll text <PHONE>. Questions? Call us on 0800 123 4567."

    def test_a_name_the_customer_gave(self, nlg: EthicsNLG) -> None:
        """Names are found through what NLU saw in customer messages, not by guessing."""
        KNOWN_VALUES.remember("my name is Maria Lopez", [Span(11, 22, "person")])
        message = asyncio.run(
            nlg.generate("utter_hello", with_bot_message(), "rest", name="Maria Lopez")
        )
        assert message["text"] == "Hello <PERSON>!"

    def test_no_guessing_on_product_names(self) -> None:
        """spaCy is not run on bot texts: a product is not a person."""
        message = redact_response(
            NORTHWIND, {"text": "Order NW-100234 (Alpine Rain Shell, size M)"}
        )
        assert message["text"] == "Order NW-100234 (Alpine Rain Shell, size M)"

    def test_button_titles_not_payloads(self) -> None:
        """Titles are shown to the customer; payloads drive the bot and stay."""
        button = {
            "title": "Use jane.doe@example.com",
            "payload": '/inform{"email": "jane.doe@example.com"}',
        }
        message = redact_response(NORTHWIND, {"text": "Which one?", "buttons": [button]})
        assert message["buttons"] == [{"title": "Use <EMAIL>", "payload": button["payload"]}]

    def test_policy_can_switch_it_off(self) -> None:
        """pii.redact_bot_output: false leaves bot output alone."""
        off = NORTHWIND.document.copy(deep=True)
        off.pii.redact_bot_output = False
        message = redact_response(off, {"text": "mail jane.doe@example.com"})
        assert message["text"] == "mail jane.doe@example.com"


class TestCustomActionTexts:
    def test_redacted(self) -> None:
        """Texts a custom action sends itself (dispatcher.utter_message(text=...))."""
        [event] = redact_bot_messages(NORTHWIND, [BotUttered("We'll mail jane.doe@example.com")])
        assert event.text == "We'll mail <EMAIL>"

    def test_named_responses_were_redacted_by_generate(self) -> None:
        """A message built from a named response passed generate() already: left alone."""
        event = BotUttered("Hello 0800 123 4567", metadata={"utter_action": "utter_x"})
        assert redact_bot_messages(NORTHWIND, [event]) == [event]


class TestPayloads:
    """What a channel passes to the client besides the text (custom, attachment, image)."""

    def test_custom_action_payloads(self) -> None:
        """custom values and keys, attachment and image URLs, long numbers are redacted."""
        event = BotUttered(
            "Your receipt",
            {
                "custom": {"email": "jane.doe@example.com", "phone": 4155552671, "qty": 2},
                "attachment": "https://northwind.example/receipt?to=jane.doe@example.com",
                "image": "https://northwind.example/p.png?card=4111111111111111",
                "elements": [{"jane.doe@example.com": "x"}],
            },
        )
        [redacted] = redact_bot_messages(NORTHWIND, [event])
        assert "jane.doe" not in str(redacted.data) and "4111" not in str(redacted.data)
        assert redacted.data["custom"]["qty"] == 2
        assert redacted.data["attachment"] == "https://northwind.example/receipt?to=<EMAIL>"
        assert redacted.data["elements"] == [{"<EMAIL>": "x"}]

    def test_a_number_under_a_known_value(self) -> None:
        """A phone number the customer gave, sent back as a number, is redacted."""
        KNOWN_VALUES.remember("call 4155552671", [Span(5, 15, "phone")])
        [redacted] = redact_bot_messages(
            NORTHWIND, [BotUttered(None, {"custom": {"callback": 4155552671}})]
        )
        assert redacted.data["custom"] == {"callback": "<PHONE>"}

    def test_response_payload_written_by_designers_stays(self) -> None:
        """A value the designers wrote into the response's custom payload is theirs."""
        templates = [{"custom": {"support": "support@northwind.example", "phone": "0800 123 4567"}}]
        message = {"custom": {"support": "support@northwind.example", "phone": "0800 123 4567"}}
        assert redact_response(NORTHWIND, message, templates) == message
