"""Subject keys: a customer's conversations found by the e-mail they gave, never stored."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from rasa_ethics.rights.locate import locate
from rasa_ethics.subjects import SubjectIndex, SubjectKeyError, load_subject_key, normalise
from rasa_ethics.vault import generate_key


class TestNormalise:
    @pytest.mark.parametrize(
        "value, same",
        [
            (" Ana.Lee@Example.COM ", "ana.lee@example.com"),
            ("ana.lee@example.com\n", "ana.lee@example.com"),
            ("ＡＮＡ@example.com", "ana@example.com"),  # full-width letters (NFKC)
        ],
    )
    def test_one_subject(self, value: str, same: str) -> None:
        """Case, surrounding space and width do not make another subject."""
        assert normalise(value) == normalise(same)


class TestSubjectIndex:
    def test_keyed(self) -> None:
        """The same value under two keys gives two unrelated subject keys."""
        engine = sa.create_engine("sqlite://")
        one, two = SubjectIndex(engine, b"k1", ["email"]), SubjectIndex(engine, b"k2", ["email"])
        assert one.subject("a@b.c") != two.subject("a@b.c")
        assert one.subject("a@b.c") == one.subject(" A@B.C")

    def test_values_of_listed_types_in_user_messages_only(self) -> None:
        """Spans of the stored copy pick values out of the raw text: user messages, listed types."""
        from rasa.shared.core.events import BotUttered, UserUttered

        text = "mail ana@x.io or call 0161 496 0000"
        spans = [
            {"type": "email", "start": 5, "end": 13},
            {"type": "phone", "start": 22, "end": 35},
        ]
        raw = [UserUttered(text), BotUttered("ok ana@x.io")]
        stored = [
            UserUttered("mail <EMAIL> or call <PHONE>", parse_data={"ethics_pii": spans}),
            BotUttered("ok <EMAIL>", metadata={"ethics_pii": spans}),
        ]
        index = SubjectIndex(sa.create_engine("sqlite://"), b"k", ["email"])
        assert index.values_in(raw, stored) == ["ana@x.io"]
        assert index.record("c1", ["ana@x.io", "ANA@x.io"]) == 1  # one subject
        assert index.record("c1", ["ana@x.io"]) == 0  # linked before
        assert index.find("ana@x.io") == ["c1"]

    def test_a_server_database_needs_the_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No variable and no SQLite file: an error that shows the fix."""
        monkeypatch.delenv("RASA_ETHICS_SUBJECT_KEY", raising=False)
        engine = sa.create_engine("sqlite://")  # in memory: no file to keep a key beside
        with pytest.raises(SubjectKeyError, match="subject_types: \\[\\]"):
            load_subject_key(engine, "RASA_ETHICS_SUBJECT_KEY")


class TestStoreStartUp:
    def test_no_key_for_a_server_database_stops_the_store(
        self, bot: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """subject_types, no variable, a database with no file to keep a key beside: no start."""
        from rasa.core.tracker_store import TrackerStore
        from rasa.shared.exceptions import RasaException
        from rasa.utils.endpoints import EndpointConfig

        policy = (bot / "policy.yml").read_text()
        (bot / "policy.yml").write_text(policy + "handoff:\n  store_url: 'sqlite://'\n")
        monkeypatch.setenv("RASA_ETHICS_VAULT_KEY", generate_key())
        config = EndpointConfig(
            type="rasa_ethics.RedactingTrackerStore",
            policy="policy.yml",
            inner={"type": "in_memory"},
        )
        with pytest.raises(RasaException, match="RASA_ETHICS_SUBJECT_KEY"):
            TrackerStore.create(config)


class TestFind:
    def test_every_conversation_of_one_customer(self, filled: Path) -> None:
        """ana's address finds ana and ana2, however it is written; ben's finds ben."""
        index = locate(Path("endpoints.yml")).subject_index()
        assert index.find(" ANA@example.com") == ["ana", "ana2"]
        assert index.find("ben@example.org") == ["ben"]
        assert index.find("nobody@example.com") == []

    def test_no_address_is_stored_anywhere(self, filled: Path) -> None:
        """The database files hold no e-mail address given in a conversation, in any form."""
        data = b"".join(p.read_bytes() for p in filled.rglob("*") if p.is_file())
        for address in ("ana@example.com", "ben@example.org", "old1@old.example"):
            assert address.encode() not in data
            assert address.encode("utf-16-le") not in data

    def test_the_key_file_is_private(self, filled: Path) -> None:
        """Without the variable, SQLite gets a 0600 key file beside the database."""
        mode = stat.S_IMODE((filled / "rasa.db.subject-key").stat().st_mode)
        assert mode == 0o600
