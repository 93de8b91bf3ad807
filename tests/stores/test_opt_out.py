"""Opt-out (issue 12): an opted-out conversation stays in memory, never in the store or broker."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics import constants as c
from rasa_ethics.rights.register import REFUSED
from rasa_ethics.stores.session_memory import SessionMemory, idle_minutes
from rasa_ethics.stores.tracker_store import RedactingTrackerStore
from tests.dialogue.builders import session
from tests.stores.test_tracker_store import DOMAIN, POLICY, ListBroker


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The privacy trail (``audit/privacy.jsonl``) is relative to the bot folder."""
    monkeypatch.chdir(tmp_path)


def build(tmp_path: Path, broker: Any, policy: str = POLICY) -> RedactingTrackerStore:
    config = EndpointConfig(
        type="rasa_ethics.RedactingTrackerStore",
        policy=policy,
        inner={"type": "sql", "dialect": "sqlite", "db": str(tmp_path / "rasa.db")},
    )
    store = TrackerStore.create(config, DOMAIN, broker)
    assert isinstance(store, RedactingTrackerStore)
    return store


def turn(text: str, answer: str, channel: str = "rest", **metadata: Any) -> List[Any]:
    return [
        UserUttered(text, input_channel=channel),
        ActionExecuted("utter_x"),
        BotUttered(answer, metadata=metadata),
        ActionExecuted("action_listen"),
    ]


def tracker(who: str, *events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(who, list(events), DOMAIN.slots)


def stored_events(tmp_path: Path, who: str) -> int:
    with sqlite3.connect(tmp_path / "rasa.db") as conn:
        query = "SELECT count(*) FROM events WHERE sender_id = ?"
        return int(conn.execute(query, (who,)).fetchone()[0])


def opted_out_mark(reference: str) -> dict:
    return {c.META_OPTED_OUT: {"reference": reference}}


class TestOptOutInTheStore:
    def test_nothing_after_the_opt_out_is_stored_or_published(self, tmp_path: Path) -> None:
        """The opt-out turn and every later one stay in memory; the bot still gets its tracker."""
        broker = ListBroker()
        store = build(tmp_path, broker)
        before = session(*turn("hello", "Hi!"))
        asyncio.run(store.save(tracker("ana", *before)))
        stored, published = stored_events(tmp_path, "ana"), len(broker.published)
        assert stored > 0 and published == stored

        reference = store.opt_out_in_chat("ana")
        opted = [*before, *turn("don't store this chat", "OK", **opted_out_mark(reference))]
        asyncio.run(store.save(tracker("ana", *opted)))
        later = [*opted, *turn("where is my parcel", "On its way")]
        asyncio.run(store.save(tracker("ana", *later)))

        assert stored_events(tmp_path, "ana") == stored
        assert len(broker.published) == published
        back = asyncio.run(store.retrieve("ana"))
        assert back is not None and back.latest_message.text == "where is my parcel"
        assert "ana" in list(asyncio.run(store.keys()))

    def test_the_register_outlives_a_restart(self, tmp_path: Path) -> None:
        """A new process (same database) finds the opt-out in the register and stores nothing."""
        first = build(tmp_path, ListBroker())
        asyncio.run(first.save(tracker("bo", *session(*turn("hello", "Hi!")))))
        stored = stored_events(tmp_path, "bo")
        first.opt_out_in_chat("bo")
        broker = ListBroker()
        restarted = build(tmp_path, broker)  # its memory is empty
        again = asyncio.run(restarted.retrieve("bo"))
        assert again is not None
        again.update_with_events(turn("my order?", "Which one?"), DOMAIN)
        asyncio.run(restarted.save(again))
        assert stored_events(tmp_path, "bo") == stored and broker.published == []

    def test_audited_and_registered_once(self, tmp_path: Path) -> None:
        """An ``opt_out`` record (pseudonym and reference, no content); asked twice, one request."""
        store = build(tmp_path, ListBroker())
        reference = store.opt_out_in_chat("conversation-cy-0417")
        assert store.opt_out_in_chat("conversation-cy-0417") == reference
        row = store.opt_outs.register.get(reference)
        assert row is not None
        assert (row["kind"], row["state"], row["via"], row["conversation_id"]) == (
            "opt_out",
            "done",
            "chat",
            "conversation-cy-0417",
        )
        trail = tmp_path / "audit" / "privacy.jsonl"
        records = [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines()]
        [record] = [r for r in records if r["type"] == "opt_out"]
        assert record["reference"] == reference and record["subject"] and record["via"] == "chat"
        assert "conversation-cy-0417" not in json.dumps(record)

    def test_a_trail_that_cannot_be_written_opts_nothing_out(self, tmp_path: Path) -> None:
        """The NLG then says it failed, and the store goes on storing."""
        store = build(tmp_path, ListBroker())
        (tmp_path / "audit").write_text("not a folder", encoding="utf-8")
        with pytest.raises(OSError):
            store.opt_out_in_chat("di")
        asyncio.run(store.save(tracker("di", *session(*turn("hello", "Hi!")))))
        assert stored_events(tmp_path, "di") > 0

    def test_other_conversations_are_stored(self, tmp_path: Path) -> None:
        store = build(tmp_path, ListBroker())
        store.opt_out_in_chat("ed")
        asyncio.run(store.save(tracker("fay", *session(*turn("hello", "Hi!")))))
        assert stored_events(tmp_path, "fay") > 0

    def test_erasure_drops_the_memory_copy(self, tmp_path: Path) -> None:
        """A session erased in the chat is not kept in memory either."""
        store = build(tmp_path, ListBroker())
        mark = opted_out_mark("PR-AAAA-BBBB")
        asyncio.run(store.save(tracker("gil", *session(*turn("dont log this", "OK", **mark)))))
        assert "gil" in store.opt_outs.memory
        erased = {c.META_ERASED: {"reference": "PR-CCCC-DDDD"}}
        events = session(*turn("dont log this", "OK", **mark), *turn("yes", "Done", **erased))
        asyncio.run(store.save(tracker("gil", *events)))
        assert "gil" not in store.opt_outs.memory and stored_events(tmp_path, "gil") == 0


def socketio_opted_out(tmp_path: Path) -> str:
    """A policy file that opts the socketio channel out by default (the example policy else)."""
    policy = tmp_path / "policy.yml"
    policy.write_text(
        f"extends_dirs: [{Path(POLICY).parent}]\nextends: {POLICY}\n"
        "privacy:\n  opt_out:\n    default_channels: [socketio]\n",
        encoding="utf-8",
    )
    return str(policy)


class TestChannelDefault:
    def test_a_default_channel_is_never_stored(self, tmp_path: Path) -> None:
        """``privacy.opt_out.default_channels``: its conversations stay in memory from the start;
        other channels are stored as usual."""
        broker = ListBroker()
        store = build(tmp_path, broker, policy=socketio_opted_out(tmp_path))
        web = tracker("web", *session(*turn("hello", "Hi!", channel="socketio")))
        asyncio.run(store.save(web))
        assert stored_events(tmp_path, "web") == 0 and broker.published == []
        assert asyncio.run(store.retrieve("web")) is not None
        asyncio.run(store.save(tracker("api", *session(*turn("hello", "Hi!", channel="rest")))))
        assert stored_events(tmp_path, "api") > 0 and broker.published

    def test_erasure_of_a_conversation_kept_only_in_memory(self, tmp_path: Path) -> None:
        """ "Delete my data" on a default opted-out channel: nothing is stored, so nothing fails;
        the memory copy goes, the request is registered and audited, and no tombstone names the
        conversation to the broker, which never saw it."""
        broker = ListBroker()
        store = build(tmp_path, broker, policy=socketio_opted_out(tmp_path))
        web = tracker("web", *session(*turn("delete my data", "Sure?", channel="socketio")))
        asyncio.run(store.save(web))
        reference = store.erase_in_chat("web")
        assert "web" not in store.opt_outs.memory and broker.published == []
        row = store.opt_outs.register.get(reference)
        assert row is not None
        assert row["kind"] == "erase" and row["state"] == "done"
        trail = (tmp_path / "audit" / "privacy.jsonl").read_text(encoding="utf-8")
        [record] = [json.loads(line) for line in trail.splitlines() if '"erasure"' in line]
        assert record["reference"] == reference and record["events"] == 0

    def test_an_unknown_conversation_is_still_refused(self, tmp_path: Path) -> None:
        """Outside memory, "nothing stored" still means nothing to erase (a wrong id)."""
        store = build(tmp_path, ListBroker())
        with pytest.raises(Exception, match="nothing is stored"):
            store.erase_in_chat("nobody")


class TestSessionMemory:
    def test_idle_conversations_expire(self) -> None:
        now = [0.0]
        memory = SessionMemory(lambda: 10, lambda: 1.0, clock=lambda: now[0])
        memory.save(tracker("a", *session(*turn("hi", "Hi!"))))
        now[0] = 59.0
        assert "a" in memory
        now[0] = 61.0
        assert "a" not in memory and len(memory) == 0

    def test_bounded(self) -> None:
        """Past the limit the longest idle conversation goes first."""
        memory = SessionMemory(lambda: 2, lambda: 60.0)
        for who in ("a", "b", "a", "c"):
            memory.save(tracker(who, *session(*turn("hi", "Hi!"))))
        assert memory.keys() == ["a", "c"]

    def test_a_copy_is_kept(self) -> None:
        """Changing the live tracker later does not change what is kept."""
        memory = SessionMemory(lambda: 2, lambda: 60.0)
        live = tracker("a", *session(*turn("hi", "Hi!")))
        memory.save(live)
        live.update(UserUttered("more"))
        kept = asyncio.run(memory.retrieve("a", DOMAIN))
        assert kept is not None and kept.latest_message.text == "hi"

    def test_idle_time_follows_the_session(self) -> None:
        """A session's lifetime; one hour when the domain's sessions never expire (0)."""
        expected = float(DOMAIN.session_config.session_expiration_time) or 60.0
        assert idle_minutes(DOMAIN) == expected and idle_minutes(None) == 60.0


def test_refused_requests_do_not_count(tmp_path: Path) -> None:
    """A request marked refused (its audit record failed) is no opt-out."""
    store = build(tmp_path, ListBroker())
    register = store.opt_outs.register
    row = register.file("opt_out", "hal", "subject", "gdpr", "chat")
    register.close(row["reference"], "chat", REFUSED)
    assert register.latest("hal", "opt_out") is None
