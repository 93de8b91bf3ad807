"""TrackerRedaction: what the tracker store stores, and what the running conversation gets back."""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path
from types import SimpleNamespace
from typing import Any, List

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics.pii.runtime import engine_for
from rasa_ethics.policy import LivePolicy
from rasa_ethics.stores.redaction import REDACTED_MARK, TrackerRedaction
from rasa_ethics.vault import Vault, generate_key, is_token

REPO = Path(__file__).resolve().parents[2]
POLICY = REPO / "policies" / "northwind.yml"  # vault_slots: [email]
DOMAIN = Domain.from_yaml((REPO / "example_bot" / "domain.yml").read_text())

# (text as written, the secret part that must never be stored)
PLANTED = [
    ("jane.doe@example.com", "jane.doe@example.com"),
    ("+44 20 7946 0958", "7946 0958"),
    ("4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("GB82 WEST 1234 5698 7654 32", "5698 7654"),
    ("078-05-1123", "078-05-1123"),
    ("AB 12 34 56 C", "AB 12 34 56 C"),
    ("192.168.10.7", "192.168.10.7"),
    ("born 12/03/1990", "12/03/1990"),
    ("passport C12345678", "C12345678"),
    ("42 Baker Street, London NW1 6XE", "Baker Street"),
    ("my name is Maria Lopez", "Maria Lopez"),
]
FILLER = ["hi", "please", "the", "order", "refund", "and", "call", "me", "thanks", "where is"]


@pytest.fixture(scope="module")
def live() -> LivePolicy:
    return LivePolicy(POLICY)


@pytest.fixture(scope="module")
def redaction(live: LivePolicy, tmp_path_factory: pytest.TempPathFactory) -> TrackerRedaction:
    engine_for(live.current).warm_up()
    db = tmp_path_factory.mktemp("vault") / "rasa.db"
    vault = Vault(sa.create_engine(f"sqlite:///{db}"), generate_key().encode())
    return TrackerRedaction(live, vault)


def session(*events: Event) -> List[Event]:
    """A session start, then ``events``, time-stamped in order (SQL retrieval relies on it)."""
    start = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    ordered = [*start, *events]
    base = time.time()
    for i, event in enumerate(ordered):
        event.timestamp = base + i / 1000
    return ordered


def tracker(*events: Event, sender: str = "c1") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, session(*events), DOMAIN.slots)


def detected(live: LivePolicy, text: str, **kwargs: Any) -> UserUttered:
    """A user message as PIIDetector leaves it: spans in parse_data["ethics_pii"]."""
    spans = [s.to_dict() for s in engine_for(live.current).analyze(text)]
    parse_data = {"intent": {"name": "inform", "confidence": 0.9}, "ethics_pii": spans, **kwargs}
    return UserUttered(text, parse_data["intent"], kwargs.get("entities", []), parse_data)


def dump(t: DialogueStateTracker) -> str:
    return json.dumps([e.as_dict() for e in t.events])


def leaks(stored: str, secret: str) -> bool:
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        urllib.parse.quote(secret),
        urllib.parse.quote_plus(secret),
    }
    return any(form in stored for form in forms)


class TestWhatIsStored:
    def test_user_text_parse_data_and_entities(
        self, redaction: TrackerRedaction, live: LivePolicy
    ) -> None:
        """Text, parse-data text and entity values are redacted; spans (types only) stay."""
        text = "mail jane.doe@example.com please"
        entity = {"entity": "email", "start": 5, "end": 25, "value": "jane.doe@example.com"}
        stored = redaction.redact_tracker(tracker(detected(live, text, entities=[entity])))
        user = stored.events[-1].as_dict()
        assert user["text"] == "mail <EMAIL> please" == user["parse_data"]["text"]
        assert user["parse_data"]["entities"][0]["value"] == "<EMAIL>"
        assert user["parse_data"]["ethics_pii"] == [{"start": 5, "end": 25, "type": "email"}]

    def test_bot_text_slots_and_metadata(self, redaction: TrackerRedaction) -> None:
        """Bot text and payloads, other slots and any event's metadata are redacted too."""
        stored = redaction.redact_tracker(
            tracker(
                BotUttered(
                    "call +44 20 7946 0958", {"buttons": [{"title": "jane.doe@example.com"}]}
                ),
                SlotSet("phone", "+44 20 7946 0958"),
                ActionExecuted(
                    "action_x", metadata={"customer": {"name": "my name is Maria Lopez"}}
                ),
            )
        )
        assert not leaks(dump(stored), "7946 0958")
        assert not leaks(dump(stored), "jane.doe@example.com")
        assert not leaks(dump(stored), "Maria Lopez")

    def test_detect_once(
        self, redaction: TrackerRedaction, live: LivePolicy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A message carrying PIIDetector's spans is not analysed again."""
        event = detected(live, "mail jane.doe@example.com")
        engine = engine_for(live.current)
        monkeypatch.setattr(
            engine, "analyze", lambda text: pytest.fail(f"analysed again: {text!r}")
        )
        stored = redaction.redact_tracker(tracker(event))
        assert stored.events[-1].text == "mail <EMAIL>"

    def test_without_detector_spans(self, redaction: TrackerRedaction) -> None:
        """Without PIIDetector (or with spans that do not fit) the text is analysed here."""
        stray = UserUttered(
            "mail jane.doe@example.com",
            parse_data={"ethics_pii": [{"start": 90, "end": 99, "type": "x"}]},
        )
        stored = redaction.redact_tracker(tracker(UserUttered("mail jane.doe@example.com"), stray))
        assert [e.text for e in list(stored.events)[-2:]] == ["mail <EMAIL>"] * 2
        assert stored.events[-1].parse_data["ethics_pii"][0]["type"] == "email"

    def test_designers_texts_stay(self, redaction: TrackerRedaction, live: LivePolicy) -> None:
        """The disclosure names the shop ("I'm Northwind's assistant"): not a person's name."""
        disclosure = live.current.disclosure.text
        stored = redaction.redact_tracker(tracker(BotUttered(disclosure)))
        assert stored.events[-1].text == disclosure

    def test_the_running_tracker_is_untouched(
        self, redaction: TrackerRedaction, live: LivePolicy
    ) -> None:
        """Redaction works on a copy: the processor's tracker keeps the raw values."""
        running = tracker(
            detected(live, "mail jane.doe@example.com"), SlotSet("email", "jane.doe@example.com")
        )
        redaction.redact_tracker(running)
        assert running.get_slot("email") == "jane.doe@example.com"
        assert running.events[-2].text == "mail jane.doe@example.com"
        assert REDACTED_MARK not in running.events[-2].parse_data


class TestVaultSlots:
    def test_stored_as_a_token(self, redaction: TrackerRedaction) -> None:
        """A vault slot is stored as a token, in its event and in the tracker's slots."""
        stored = redaction.redact_tracker(tracker(SlotSet("email", "jane.doe@example.com")))
        assert is_token(stored.events[-1].value) and is_token(stored.get_slot("email"))
        assert not leaks(dump(stored), "jane.doe@example.com")

    def test_rehydrated_for_its_conversation(self, redaction: TrackerRedaction) -> None:
        """The stored copy, retrieved by the same conversation, gets the real value back."""
        stored = redaction.redact_tracker(tracker(SlotSet("email", "jane.doe@example.com")))
        back = redaction.rehydrate(stored)
        assert back is not None and back.get_slot("email") == "jane.doe@example.com"
        assert back.events[-1].value == "jane.doe@example.com"

    def test_not_for_another_conversation(self, redaction: TrackerRedaction) -> None:
        """A token that is not the conversation's own resolves to nothing."""
        stored = redaction.redact_tracker(tracker(SlotSet("email", "jane.doe@example.com")))
        other = tracker(SlotSet("email", stored.get_slot("email")), sender="c2")
        back = redaction.rehydrate(other)
        assert back is not None and back.get_slot("email") is None

    def test_not_after_expiry(self, live: LivePolicy, tmp_path: Path) -> None:
        """Once the session and the grace period are over, the value is gone."""
        vault = Vault(sa.create_engine(f"sqlite:///{tmp_path / 'v.db'}"), generate_key().encode())
        ended = SimpleNamespace(session_config=SimpleNamespace(session_expiration_time=-1e6))
        past = TrackerRedaction(live, vault, domain=lambda: ended)
        stored = past.redact_tracker(tracker(SlotSet("email", "jane.doe@example.com")))
        back = past.rehydrate(stored)
        assert back is not None and back.get_slot("email") is None


EVENT_KINDS = st.sampled_from(["user", "bot", "slot_vault", "slot_other", "action_meta"])
PHRASES = st.lists(
    st.sampled_from(PLANTED) | st.sampled_from([(f, "") for f in FILLER]), min_size=1, max_size=6
)


def build_event(live: LivePolicy, kind: str, phrases: List[Any], with_spans: bool) -> Event:
    text = " , ".join(p[0] for p in phrases)
    if kind == "user":
        return detected(live, text) if with_spans else UserUttered(text)
    if kind == "bot":
        return BotUttered(text, {"custom": {"echo": text}}, {"note": text})
    if kind == "slot_vault":
        return SlotSet("email", text)
    if kind == "slot_other":
        return SlotSet("phone", text)
    return ActionExecuted("action_lookup_order", metadata={"request": {"text": text}})


TRACKERS = st.lists(st.tuples(EVENT_KINDS, PHRASES, st.booleans()), min_size=1, max_size=6)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class TestProperties:
    """Invariants for any tracker made of planted values (hypothesis)."""

    @PROPERTY
    @given(TRACKERS)
    def test_same_number_of_events(
        self, redaction: TrackerRedaction, live: LivePolicy, spec: List[Any]
    ) -> None:
        """As many stored events as events (SQLTrackerStore appends by count)."""
        original = tracker(*(build_event(live, *item) for item in spec))
        assert len(redaction.redact_tracker(original).events) == len(original.events)

    @PROPERTY
    @given(TRACKERS)
    def test_no_planted_value_survives(
        self, redaction: TrackerRedaction, live: LivePolicy, spec: List[Any]
    ) -> None:
        """No planted value appears in the stored events, raw, JSON-escaped or URL-encoded."""
        stored = dump(
            redaction.redact_tracker(tracker(*(build_event(live, *item) for item in spec)))
        )
        for _, phrases, _ in spec:
            for _, secret in phrases:
                assert not (secret and leaks(stored, secret)), secret

    @PROPERTY
    @given(TRACKERS)
    def test_idempotent(
        self, redaction: TrackerRedaction, live: LivePolicy, spec: List[Any]
    ) -> None:
        """Redacting the stored copy again changes nothing (old events are saved every turn)."""
        once = redaction.redact_tracker(tracker(*(build_event(live, *item) for item in spec)))
        assert dump(redaction.redact_tracker(once)) == dump(once)

    @PROPERTY
    @given(TRACKERS)
    def test_deterministic(
        self, redaction: TrackerRedaction, live: LivePolicy, spec: List[Any]
    ) -> None:
        """The same raw events always give the same stored events (vault tokens included)."""
        events = session(*(build_event(live, *item) for item in spec))
        first = redaction.redact_tracker(
            DialogueStateTracker.from_events("c1", events, DOMAIN.slots)
        )
        again = redaction.redact_tracker(
            DialogueStateTracker.from_events("c1", events, DOMAIN.slots)
        )
        assert dump(again) == dump(first)


class TestInTheStore:
    """Through RedactingTrackerStore as Rasa builds it from endpoints.yml (SQLite, a broker)."""

    @pytest.fixture
    def built(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
        from rasa.core.brokers.broker import EventBroker
        from rasa.core.tracker_store import TrackerStore
        from rasa.utils.endpoints import EndpointConfig

        class ListBroker(EventBroker):
            def __init__(self) -> None:
                self.published: List[Any] = []

            def publish(self, event: Any) -> None:
                self.published.append(event)

        monkeypatch.setenv("RASA_ETHICS_VAULT_KEY", generate_key())
        broker = ListBroker()
        config = {
            "type": "rasa_ethics.RedactingTrackerStore",
            "policy": str(POLICY),
            "inner": {"type": "sql", "dialect": "sqlite", "db": str(tmp_path / "rasa.db")},
        }
        store = TrackerStore.create(EndpointConfig(**config), DOMAIN, broker)
        return store, broker, tmp_path / "rasa.db"

    def test_stored_broadcast_and_given_back(self, built: Any, live: LivePolicy) -> None:
        """The database and the broker get redacted events; retrieve re-hydrates vault slots."""
        import asyncio

        store, broker, db = built
        running = tracker(
            detected(live, "it's jane.doe@example.com"), SlotSet("email", "jane.doe@example.com")
        )
        asyncio.run(store.save(running))
        assert b"jane.doe" not in db.read_bytes()
        assert broker.published and "jane.doe" not in json.dumps(broker.published)
        assert len(broker.published) == len(running.events)
        again = asyncio.run(store.retrieve("c1"))
        assert again.get_slot("email") == "jane.doe@example.com"
        full = asyncio.run(store.retrieve_full_tracker("c1"))
        assert is_token(full.get_slot("email"))  # the API's view: what is stored

    def test_saving_the_next_turn_appends(self, built: Any, live: LivePolicy) -> None:
        """Saving a re-hydrated tracker plus new events stores only the new ones, redacted."""
        import asyncio

        store, broker, db = built
        asyncio.run(store.save(tracker(SlotSet("email", "jane.doe@example.com"))))
        running = asyncio.run(store.retrieve("c1"))
        running.update(detected(live, "and call +44 20 7946 0958"))
        before = len(broker.published)
        asyncio.run(store.save(running))
        assert len(broker.published) == before + 1
        assert asyncio.run(store.retrieve_full_tracker("c1")).events[-1].text == "and call <PHONE>"

    def test_a_failing_inner_store_leaks_nothing(
        self, built: Any, live: LivePolicy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Rasa's FailSafeTrackerStore would publish the raw tracker if save raised: it doesn't."""
        import asyncio

        from rasa.core.tracker_store import FailSafeTrackerStore

        store, broker, _ = built

        async def broken(tracker: Any) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(store.inner, "save", broken)
        wrapped = FailSafeTrackerStore(store)
        asyncio.run(wrapped.save(tracker(detected(live, "it's jane.doe@example.com"))))
        assert "jane.doe" not in json.dumps(broker.published)
        assert wrapped._fallback_tracker_store is None  # Rasa's raw fallback never started


class TestWhenRedactionFails:
    def test_text_is_withheld(
        self, redaction: TrackerRedaction, live: LivePolicy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An event that cannot be redacted is stored with all its text withheld, not raw."""

        def fail(data: Any, save: Any) -> Any:
            raise ValueError("boom")

        monkeypatch.setattr(redaction, "_event", fail)
        original = tracker(detected(live, "it's jane.doe@example.com"), BotUttered("hi Maria"))
        stored = redaction.redact_tracker(original)
        assert len(stored.events) == len(original.events)
        assert "jane.doe" not in dump(stored) and "Maria" not in dump(stored)
        assert stored.events[-2].text == "<WITHHELD>"
