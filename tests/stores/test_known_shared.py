"""Known values shared by replicas through the database (stores/known_shared.py).

Two "replicas" are two :class:`KnownValues` with a :class:`SharedKnownValues` each, on one real
database: a SQLite file, and a PostgreSQL server.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from rasa_ethics.pii.runtime import KnownValues
from rasa_ethics.stores import known_shared
from rasa_ethics.stores.known_shared import SharedKnownValues
from tests.e2e.postgres import postgres_server

NAME = "Wilhelmina Jansen"
LOG_LINE = f"parsed {{'text': 'I am {NAME}', 'entities': [{{'value': '{NAME}'}}]}}"
KEY = Fernet.generate_key()

Replicas = Tuple[SharedKnownValues, SharedKnownValues]


def replicas(url: str, key: bytes = KEY) -> Replicas:
    return (
        SharedKnownValues(KnownValues(), sa.create_engine(url), key),
        SharedKnownValues(KnownValues(), sa.create_engine(url), key),
    )


@pytest.fixture
def on_sqlite(tmp_path: Path) -> Iterator[Replicas]:
    pair = replicas(f"sqlite:///{tmp_path / 'shared.db'}")
    yield pair
    for shared in pair:
        shared.engine.dispose()


class TestSharing:
    def test_a_value_found_on_one_replica_is_hidden_on_the_other(self, on_sqlite: Replicas) -> None:
        a, b = on_sqlite
        assert NAME in b.known.redact(LOG_LINE)
        a.known.add([(NAME, "person")])
        a.sync()
        assert b.sync() == 1
        redacted = b.known.redact(LOG_LINE)
        assert NAME not in redacted and "<PERSON>" in redacted

    def test_values_read_back_are_not_written_again(self, on_sqlite: Replicas) -> None:
        """B learns A's value without echoing it: one row, A reads nothing new."""
        a, b = on_sqlite
        a.known.add([(NAME, "person"), ("0612345678", "phone")])
        a.sync()
        b.sync()
        assert b.sync() == 0 and a.sync() == 0
        with a.engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT count(*) FROM rasa_ethics_known_values")).scalar() == 2
            )

    def test_nothing_readable_is_stored(self, on_sqlite: Replicas, tmp_path: Path) -> None:
        a, _ = on_sqlite
        a.known.add([(NAME, "person")])
        a.sync()
        a.engine.dispose()
        raw = (tmp_path / "shared.db").read_bytes()
        assert b"Wilhelmina" not in raw and b"Jansen" not in raw and b"person" not in raw

    def test_another_key_reads_nothing(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        a, _ = replicas(url)
        other, _ = replicas(url, key=Fernet.generate_key())
        a.known.add([(NAME, "person")])
        a.sync()
        with caplog.at_level(logging.WARNING):
            assert other.sync() == 0
        assert NAME in other.known.redact(LOG_LINE) and "failed to decrypt" in caplog.text

    def test_expired_rows_are_neither_read_nor_kept(
        self, on_sqlite: Replicas, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        a, b = on_sqlite
        a.known.ttl_seconds = 0.05
        a.known.add([(NAME, "person")])
        a.sync()
        time.sleep(0.1)
        assert b.sync() == 0
        monkeypatch.setattr(known_shared, "PURGE_SECONDS", 0.0)
        a.sync()
        with a.engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT count(*) FROM rasa_ethics_known_values")).scalar() == 0
            )


class TestDatabaseDown:
    def test_local_values_keep_working_and_sharing_catches_up(
        self, on_sqlite: Replicas, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The database refuses (its table is gone): the sync fails with one log line, the
        local filter still hides the value, and once the table is back the value is shared."""
        a, b = on_sqlite
        with sqlite3.connect(tmp_path / "shared.db") as conn:
            conn.execute("DROP TABLE rasa_ethics_known_values")
        a.known.add([(NAME, "person")])
        with caplog.at_level(logging.ERROR):
            assert a.sync() == 0 and a.sync() == 0
        assert caplog.text.count("cannot be shared") == 1
        assert NAME not in a.known.redact(LOG_LINE)
        known_shared._metadata.create_all(a.engine)
        a.sync()
        assert b.sync() == 1 and NAME not in b.known.redact(LOG_LINE)


class TestOnPostgres:
    def test_two_replicas_share_through_postgresql(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with postgres_server() as inner:
            url = f"postgresql://postgres@127.0.0.1:{inner['port']}/postgres"
            a, b = replicas(url)
            try:
                a.known.add([(NAME, "person")])
                b.known.add([("ana.sousa@example.org", "email")])
                a.sync()
                b.sync()
                a.sync()
                assert NAME not in b.known.redact(LOG_LINE)
                assert "ana.sousa@example.org" not in a.known.redact("mail ana.sousa@example.org")
                with a.engine.connect() as conn:
                    dump = " ".join(
                        str(row)
                        for row in conn.execute(sa.text("SELECT * FROM rasa_ethics_known_values"))
                    )
                assert "Jansen" not in dump and "sousa" not in dump
            finally:
                a.engine.dispose()
                b.engine.dispose()
