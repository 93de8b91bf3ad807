"""RedactingTrackerStore: nothing a customer sends stops the process (issue 9, rows 1 and 8)."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.inputs import safe_sender_id
from rasa_ethics.vault import generate_key
from tests.dialogue.builders import session

REPO = Path(__file__).resolve().parents[2]
POLICY = REPO / "policies" / "northwind.yml"
DOMAIN = Domain.from_yaml((REPO / "example_bot" / "domain.yml").read_text())
UNIQUE = itertools.count()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("RASA_ETHICS_VAULT_KEY", generate_key())
    config = {
        "type": "rasa_ethics.RedactingTrackerStore",
        "policy": str(POLICY),
        "inner": {"type": "sql", "dialect": "sqlite", "db": str(tmp_path / "rasa.db")},
    }
    built = TrackerStore.create(EndpointConfig(**config), DOMAIN, None)
    built.db = tmp_path / "rasa.db"
    return built


def said(sender: str, text: str, **kwargs: Any) -> DialogueStateTracker:
    events = session(UserUttered(text, {"name": "greet", "confidence": 0.9}, **kwargs))
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def stored_rows(db: Path) -> "list[tuple[str, str]]":
    with sqlite3.connect(db) as connection:
        return connection.execute("select sender_id, data from events").fetchall()


class TestSenderIds:
    def test_a_lone_surrogate_is_stored(self, store: Any) -> None:
        """The critical message: "x\\ud800" once made SQLTrackerStore call sys.exit(1)."""
        asyncio.run(store.save(said("x\ud800", "hi")))
        again = asyncio.run(store.retrieve("x\ud800"))
        assert again is not None and again.latest_message.text == "hi"
        [sender] = {row[0] for row in stored_rows(store.db)}
        assert sender == safe_sender_id("x\ud800") and isinstance(sender.encode("utf-8"), bytes)

    def test_ids_that_differ_in_unsafe_characters_stay_apart(self, store: Any) -> None:
        """Two customers never share a conversation because their ids were cleaned alike."""
        asyncio.run(store.save(said("x\ud800", "first")))
        asyncio.run(store.save(said("x\ud801", "second")))
        assert asyncio.run(store.retrieve("x\ud800")).latest_message.text == "first"
        assert asyncio.run(store.retrieve("x\ud801")).latest_message.text == "second"

    def test_a_normal_id_is_unchanged(self, store: Any) -> None:
        """Existing conversations keep their ids."""
        asyncio.run(store.save(said("whatsapp:+447700900123", "hi")))
        assert {row[0] for row in stored_rows(store.db)} == {"whatsapp:+447700900123"}
        assert asyncio.run(store.retrieve("whatsapp:+447700900123")) is not None

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(sender=st.text(min_size=1, max_size=300), text=st.text(max_size=200))
    def test_any_unicode(self, store: Any, sender: str, text: str) -> None:
        """Any sender id and text is stored and read back under the same id."""
        sender = f"{next(UNIQUE)}{sender}"  # one conversation per example
        asyncio.run(store.save(said(sender, text)))
        again = asyncio.run(store.retrieve(sender))
        assert again is not None and again.sender_id == safe_sender_id(sender)
        stored = again.latest_message.text  # redacted: "St:D" may be stored as <PERSON>
        assert stored is None or isinstance(stored.encode("utf-8"), bytes)


class TestTexts:
    def test_control_characters_are_replaced(self, store: Any) -> None:
        """NUL, escape sequences and lone surrogates in texts and metadata never reach the store."""
        metadata = {"agent\x00": "\x1b[2K\r\ud800"}
        asyncio.run(store.save(said("c1", "hi\x00 \x1b[2K there\ud800", metadata=metadata)))
        data = "".join(row[1] for row in stored_rows(store.db))
        for escaped in ("\\u0000", "\\u001b", "\\ud800"):
            assert escaped not in data
        stored = asyncio.run(store.retrieve("c1")).latest_message.text
        assert stored == "hi\ufffd \ufffd[2K there\ufffd"

    def test_metadata_nested_1000_deep(self, store: Any) -> None:
        """Deep nesting is cut at 32 levels before any recursion can overflow."""
        deep: Any = "bottom"
        for _ in range(1000):
            deep = {"a": deep}
        asyncio.run(store.save(said("c1", "hi", metadata=deep)))
        data = json.loads(stored_rows(store.db)[-1][1])
        assert "<TOO_DEEP>" in json.dumps(data["metadata"])


class TestLongMessages:
    def test_a_megabyte_is_withheld(self, store: Any) -> None:
        """Nothing of 1 MB is stored, or analysed: only its length."""
        text = "jane.doe@example.com 4111 1111 1111 1111 " * 25_000
        started = time.process_time()
        asyncio.run(store.save(said("c1", text)))
        seconds = time.process_time() - started
        print(f"\nsaving a {len(text):,}-character message: {seconds * 1000:.0f} ms CPU")
        stored = asyncio.run(store.retrieve_full_tracker("c1")).latest_message.text
        assert stored == f"<TOO_LONG: {len(text)} characters withheld>"
        assert seconds < 0.5

    def test_a_megabyte_in_a_vault_slot_is_not_vaulted(self, store: Any) -> None:
        """A from_text slot that took a refused message is withheld too, not put in the vault."""
        text = "jane.doe@example.com " * 50_000
        events = [*said("c1", text).events, SlotSet("email", text)]
        asyncio.run(store.save(DialogueStateTracker.from_events("c1", events, DOMAIN.slots)))
        stored = asyncio.run(store.retrieve_full_tracker("c1")).get_slot("email")
        assert stored == f"<TOO_LONG: {len(text)} characters withheld>"
        with sqlite3.connect(store.db) as connection:
            assert connection.execute("select count(*) from rasa_ethics_vault").fetchone() == (0,)


class TestInnerStoreErrors:
    @pytest.mark.parametrize("error", [SystemExit(1), ValueError("schema 'jane.doe@x.com'")])
    def test_logged_without_pii_and_the_turn_goes_on(
        self, store: Any, error: BaseException, caplog: pytest.LogCaptureFixture, monkeypatch: Any
    ) -> None:
        """What Rasa would turn into sys.exit is caught; the log names only the error's type."""

        async def fail(*args: Any) -> Any:
            raise error

        for name in ("save", "retrieve", "retrieve_full_tracker", "keys"):
            monkeypatch.setattr(store.inner, name, fail)
        with caplog.at_level(logging.ERROR):
            asyncio.run(store.save(said("jane.doe@x.com", "hi")))
            assert asyncio.run(store.retrieve("jane.doe@x.com")) is None
            assert asyncio.run(store.retrieve_full_tracker("jane.doe@x.com")) is None
            assert list(asyncio.run(store.keys())) == []
        assert len(caplog.records) == 4 and "jane.doe" not in caplog.text
        assert type(error).__name__ in caplog.text
