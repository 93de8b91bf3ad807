"""Erasure of one conversation: nothing of it remains, the others are intact, all is audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import pytest

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.rights import RightsError, erase
from rasa_ethics.rights.locate import locate
from rasa_ethics.rights.tombstone import TOMBSTONE_EVENT, BrokerError
from tests.rights.bot import AUDIT_KEY, CUSTOMERS, sqlite_rows, write_bot

TABLES = {
    "events": "sender_id",
    "rasa_ethics_handoffs": "conversation_id",
    "rasa_ethics_subjects": "conversation_id",
}


def rows_of(db: Path, conversation: str) -> Dict[str, int]:
    """Rows per table that name ``conversation``, and its vault rows (found through the key)."""
    counts = {
        table: sqlite_rows(db, f"SELECT count(*) FROM {table} WHERE {column} = ?", conversation)[0][
            0
        ]
        for table, column in TABLES.items()
    }
    stores = locate(Path("endpoints.yml"))
    vault = stores.vault()
    assert vault is not None
    counts["vault"] = vault.count(conversation)
    stores.dispose()
    return counts


def records(trail: Path) -> List[dict]:
    lines = [
        json.loads(line) for path in trail_files(trail) for line in path.read_text().splitlines()
    ]
    return lines


class TestErase:
    def test_nothing_of_the_conversation_remains(self, filled: Path) -> None:
        """Events, handoff rows (transcripts), vault values and subject keys of ana are gone."""
        before = rows_of(filled / "rasa.db", "ana")
        assert all(before.values()), before  # the fixture stored something everywhere
        stores = locate(Path("endpoints.yml"))
        result = erase(stores, "ana", "sam")
        assert rows_of(filled / "rasa.db", "ana") == dict.fromkeys(before, 0)
        erased = result.erased.as_dict()
        assert erased["events"] == before["events"] and erased["vault"] == before["vault"]
        assert erased["handoffs"] == before["rasa_ethics_handoffs"] == 1
        assert erased["subjects"] == before["rasa_ethics_subjects"] == 1

    def test_other_conversations_are_intact(self, filled: Path) -> None:
        """ana2 (same e-mail, id sharing a prefix), ben and the old ones keep every row."""
        others = [c for c in [*CUSTOMERS, "old1", "old2"] if c != "ana"]
        before = {c: rows_of(filled / "rasa.db", c) for c in others}
        erase(locate(Path("endpoints.yml")), "ana", "sam")
        assert {c: rows_of(filled / "rasa.db", c) for c in others} == before

    def test_the_trail_verifies_and_holds_the_erasure(self, filled: Path) -> None:
        """The privacy trail verifies and has one erasure record: pseudonym, counts, no content."""
        result = erase(locate(Path("endpoints.yml")), "ana", "sam")
        trail = filled / "audit" / "privacy.jsonl"
        assert verify_trail(trail_files(trail)).ok
        [record] = [r for r in records(trail) if r["type"] == "erasure"]
        assert record["subject"] == Pseudonymizer(AUDIT_KEY.encode())("ana") == result.subject
        assert record["reference"] == result.reference and record["operator"] == "sam"
        assert record["events"] == result.erased.events > 0
        assert record["pseudonym_scope"] == "keyed"
        text = trail.read_text()
        assert "ana@example.com" not in text and '"ana"' not in text

    def test_the_bots_own_trail_keeps_its_chain(self, filled: Path) -> None:
        """The bot's trail is not touched: it verifies as before, with ana's pseudonymous turns."""
        trail = filled / "audit" / "audit.jsonl"
        before = trail.read_bytes()
        erase(locate(Path("endpoints.yml")), "ana", "sam")
        assert trail.read_bytes() == before
        assert verify_trail(trail_files(trail)).ok

    def test_a_tombstone_reaches_the_inner_broker(self, filled: Path) -> None:
        """The SQL event broker behind the audit broker gets one tombstone event for ana."""
        result = erase(locate(Path("endpoints.yml")), "ana", "sam")
        rows = sqlite_rows(filled / "events.db", "SELECT sender_id, data FROM events")
        stones = [json.loads(data) for sender, data in rows if TOMBSTONE_EVENT in data]
        assert [s["sender_id"] for s in stones] == ["ana"] and result.tombstones == 1
        assert stones[0]["reference"] == result.reference and stones[0]["reason"] == "request"

    def test_the_register_keeps_the_reference_not_the_id(self, filled: Path) -> None:
        """The request is done, by sam; its row keeps the pseudonym and forgets the id."""
        stores = locate(Path("endpoints.yml"))
        result = erase(stores, "ana", "sam")
        row = stores.register.get(result.reference)
        assert row is not None
        assert (row["kind"], row["state"], row["acted_by"]) == ("erase", "done", "sam")
        assert row["conversation_id"] is None and row["subject"] == result.subject

    def test_a_filed_request_is_closed(self, filled: Path) -> None:
        """--reference closes the request filed before (e.g. in the chat)."""
        stores = locate(Path("endpoints.yml"))
        filed = stores.register.file("erase", "ben", "p", "gdpr", via="chat")
        result = erase(stores, "ben", "sam", filed["reference"])
        assert result.reference == filed["reference"]
        assert stores.register.get(filed["reference"])["state"] == "done"  # type: ignore[index]

    @pytest.mark.parametrize("which", ["unknown", "other conversation", "other kind"])
    def test_a_wrong_reference_deletes_nothing(self, filled: Path, which: str) -> None:
        """A reference that is unknown, of another conversation or kind is refused first."""
        stores = locate(Path("endpoints.yml"))
        reference = "PR-0000-0000"
        if which != "unknown":
            kind, conversation = (
                ("erase", "ben") if which == "other conversation" else ("export", "ana")
            )
            reference = stores.register.file(kind, conversation, "p", "gdpr", "chat")["reference"]
        before = rows_of(filled / "rasa.db", "ana")
        with pytest.raises(RightsError):
            erase(stores, "ana", "sam", reference)
        assert rows_of(filled / "rasa.db", "ana") == before

    @pytest.mark.parametrize("conversation", ["nobody", "%", "an"])
    def test_an_unknown_conversation_is_refused(self, filled: Path, conversation: str) -> None:
        """Nothing stored under the id (a typo, a pattern, a prefix): refused, nothing filed."""
        stores = locate(Path("endpoints.yml"))
        with pytest.raises(RightsError, match="nothing is stored"):
            erase(stores, conversation, "sam")
        assert stores.register.list() == []
        assert not (filled / "audit" / "privacy.jsonl").exists()

    def test_an_unreachable_broker_deletes_nothing(self, filled: Path) -> None:
        """When the tombstone cannot follow, the conversation is not erased."""
        write_bot(filled, broker={"type": "no_such_module.Broker"})
        before = rows_of(filled / "rasa.db", "ana")
        with pytest.raises(BrokerError):
            erase(locate(Path("endpoints.yml")), "ana", "sam")
        assert rows_of(filled / "rasa.db", "ana") == before
        assert locate(Path("endpoints.yml")).register.list() == []  # nor filed half-done
        write_bot(filled)  # the broker is back: the trail was released, the erasure goes through
        assert erase(locate(Path("endpoints.yml")), "ana", "sam").erased.events == before["events"]

    def test_an_unsafe_id_is_erased_under_its_safe_id(self, filled: Path) -> None:
        """The store kept a control-character id under its safe id; erasure maps it the same."""
        from rasa_ethics.inputs import safe_sender_id
        from tests.rights.bot import conversation, fill

        raw = "eve\x07"
        fill(filled, [conversation(raw, "eve@example.com", 1_000_000.0)])
        assert rows_of(filled / "rasa.db", safe_sender_id(raw))["events"] > 0
        erase(locate(Path("endpoints.yml")), raw, "sam")
        assert rows_of(filled / "rasa.db", safe_sender_id(raw))["events"] == 0


class TestSeparatePluginDatabase:
    def test_handoff_store_url(self, bot: Path) -> None:
        """With handoff.store_url the plugin's rows live elsewhere, and are erased there."""
        from tests.rights.bot import conversation, fill

        write_bot(bot, privacy={})
        policy = (bot / "policy.yml").read_text()
        (bot / "policy.yml").write_text(policy + "handoff:\n  store_url: sqlite:///plugin.db\n")
        fill(
            bot,
            [conversation("ana", "ana@example.com", 1.0e9), conversation("ben", "b@x.io", 1.0e9)],
        )
        query = "SELECT conversation_id FROM rasa_ethics_handoffs"
        assert sorted(sqlite_rows(bot / "plugin.db", query)) == [("ana",), ("ben",)]
        result = erase(locate(Path("endpoints.yml")), "ana", "sam")
        assert result.erased.handoffs == result.erased.subjects == result.erased.vault == 1
        assert sqlite_rows(bot / "plugin.db", query) == [("ben",)]
        assert sqlite_rows(
            bot / "rasa.db", "SELECT count(*) FROM events WHERE sender_id='ana'"
        ) == [(0,)]
