"""TrackerRedaction and the conversation: answers to the bot's questions, the bot's own words."""

from __future__ import annotations

from typing import Any, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, BotUttered, Event, SlotSet, UserUttered

from rasa_ethics.context import OWN_NAMES
from rasa_ethics.pii.runtime import engine_for
from rasa_ethics.policy import LivePolicy
from rasa_ethics.stores.redaction import TrackerRedaction
from rasa_ethics.vault import Vault, generate_key
from tests.stores.test_redaction import POLICY, session

DOMAIN = Domain.from_dict(
    {
        "intents": ["inform", "pay_cc"],
        "slots": {
            "name": {"type": "text", "mappings": [{"type": "from_text"}]},
            "amount-of-money": {"type": "any", "mappings": [{"type": "custom"}]},
        },
        "forms": {"details_form": {"required_slots": ["name"]}},
        "responses": {
            "utter_ask_name": [{"text": "What's the name on the account?"}],
            "utter_greet": [{"text": "Welcome to Northwind Outfitters!"}],
        },
    }
)


@pytest.fixture(scope="module")
def live() -> LivePolicy:
    return LivePolicy(POLICY)


@pytest.fixture(scope="module")
def redaction(live: LivePolicy, tmp_path_factory: pytest.TempPathFactory) -> TrackerRedaction:
    engine_for(live.current).warm_up()
    db = tmp_path_factory.mktemp("vault") / "rasa.db"
    return TrackerRedaction(
        live, Vault(sa.create_engine(f"sqlite:///{db}"), generate_key().encode())
    )


@pytest.fixture
def own_names(live: LivePolicy) -> Iterator[None]:
    """The domain learnt, as RedactingTrackerStore does when Rasa hands it over."""
    OWN_NAMES.clear()
    OWN_NAMES.learn_domain(DOMAIN, live.current)
    yield
    OWN_NAMES.clear()


def asked_for_name(*reply: Event) -> List[Event]:
    question = BotUttered(
        "What's the name on the account?", metadata={"utter_action": "utter_ask_name"}
    )
    return session(ActiveLoop("details_form"), SlotSet("requested_slot", "name"), question, *reply)


def stored_texts(redaction: TrackerRedaction, events: List[Event]) -> List[Any]:
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events("c1", events, DOMAIN.slots)
    return [e.text for e in redaction.redact_tracker(tracker).events if isinstance(e, UserUttered)]


class TestAnswers:
    def test_bare_name_without_detector_spans(self, redaction: TrackerRedaction) -> None:
        """A message that bypassed NLU, answering the name question, is read as a name."""
        assert stored_texts(redaction, asked_for_name(UserUttered("Chloe"))) == ["<PERSON>"]

    def test_spans_of_a_detector_that_had_no_context(self, redaction: TrackerRedaction) -> None:
        """Spans found without the question (a model trained before) are completed here."""
        reply = UserUttered("Chloe", parse_data={"ethics_pii": []})
        assert stored_texts(redaction, asked_for_name(reply)) == ["<PERSON>"]

    def test_detect_once_with_the_same_context(
        self, redaction: TrackerRedaction, live: LivePolicy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Spans PIIDetector found expecting the same type are not analysed again."""
        engine = engine_for(live.current)
        monkeypatch.setattr(engine, "analyze", lambda *a, **k: pytest.fail("analysed again"))
        parse_data = {
            "ethics_pii": [{"start": 0, "end": 5, "type": "person"}],
            "ethics_pii_expected": "person",
        }
        reply = UserUttered("Chloe", parse_data=parse_data)
        assert stored_texts(redaction, asked_for_name(reply)) == ["<PERSON>"]

    def test_only_the_reply(self, redaction: TrackerRedaction) -> None:
        """The message after the reply is not an answer any more (the form moved on)."""
        events = asked_for_name(
            UserUttered("Chloe"),
            SlotSet("requested_slot", None),
            ActiveLoop(None),
            UserUttered("Chloe"),
        )
        assert stored_texts(redaction, events) == ["<PERSON>", "Chloe"]

    def test_a_question_asked_by_a_response_alone(self, redaction: TrackerRedaction) -> None:
        """No form: the previous bot message's response name asks for the type."""
        ask = BotUttered(
            "Your delivery address?", metadata={"utter_action": "utter_ask_delivery_address"}
        )
        events = session(ask, UserUttered("22 acacia avenue springfield"))
        assert stored_texts(redaction, events) == ["<ADDRESS>"]


@pytest.mark.usefixtures("own_names")
class TestOwnWords:
    def test_the_brand_is_stored(self, redaction: TrackerRedaction) -> None:
        """The shop's own name in a customer's message is no one's personal data."""
        events = session(UserUttered("does Northwind ship to Canada"))
        assert stored_texts(redaction, events) == ["does Northwind ship to Canada"]

    def test_a_slot_name_in_a_handoff_transcript(self, redaction: TrackerRedaction) -> None:
        """A domain name where a name could stand stays ("name: amount-of-money")."""
        assert redaction.redact_text("previous action name: amount-of-money") == (
            "previous action name: amount-of-money"
        )


class TestWhatClientsSend:
    def test_metadata_keys_and_numbers(self, redaction: TrackerRedaction) -> None:
        """Keys and long numbers in a client's metadata are redacted; short numbers stay."""
        metadata = {
            "jane.doe@example.com": {"seen": True},
            "phone": 4155552671,
            "customerPhone": "4155552671",
            "card": 4111111111111111,
            "items": 3,
            "widget": {"name": "web chat"},  # Rasa's own keys are no cue
        }
        events = session(UserUttered("hi", metadata=metadata))
        from rasa.shared.core.trackers import DialogueStateTracker

        stored = redaction.redact_tracker(DialogueStateTracker.from_events("c1", events))
        kept = stored.events[-1].metadata
        assert "4111" not in str(kept.pop("card"))  # the policy masks cards: ****
        assert kept == {
            "<EMAIL>": {"seen": True},
            "phone": "<PHONE>",
            "customerPhone": "<PHONE>",
            "items": 3,
            "widget": {"name": "web chat"},
        }

    def test_two_keys_redacted_alike_lose_nothing(self, redaction: TrackerRedaction) -> None:
        """Two e-mail keys become <EMAIL> and <EMAIL>#2, both values kept."""
        metadata = {"a@example.com": 1, "b@example.com": 2}
        events = session(UserUttered("hi", metadata=metadata))
        from rasa.shared.core.trackers import DialogueStateTracker

        stored = redaction.redact_tracker(DialogueStateTracker.from_events("c1", events))
        assert stored.events[-1].metadata == {"<EMAIL>": 1, "<EMAIL>#2": 2}

    def test_withheld_when_redaction_fails(self) -> None:
        """The failure path withholds every metadata key and long number too, short ones stay."""
        from rasa_ethics.stores._values import scrub

        assert scrub({"metadata": {"jane@example.com": 4155552671, "n": 2}}) == {
            "metadata": {"<WITHHELD>": "<WITHHELD>", "<WITHHELD>#2": 2}
        }
