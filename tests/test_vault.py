"""The PII vault: keys, tokens, encryption at rest, time-to-live, one conversation only."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from rasa_ethics.vault import ENV_KEY, Vault, VaultKeyError, generate_key, is_token, load_key

EMAIL = "jane.doe@example.com"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "rasa.db"


@pytest.fixture
def vault(db: Path) -> Vault:
    return Vault(sa.create_engine(f"sqlite:///{db}"), generate_key().encode())


def far() -> float:
    return time.time() + 3600


class TestKey:
    def test_from_environment(self, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """$RASA_ETHICS_VAULT_KEY wins, and no key file is written."""
        key = generate_key()
        monkeypatch.setenv(ENV_KEY, key)
        assert load_key(sa.create_engine(f"sqlite:///{db}")) == key.encode()
        assert not Path(f"{db}.vault-key").exists()

    def test_invalid_environment_key(self, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A key that is not a Fernet key is refused, with how to make one."""
        monkeypatch.setenv(ENV_KEY, "not-a-key")
        with pytest.raises(VaultKeyError, match="generate_key"):
            load_key(sa.create_engine(f"sqlite:///{db}"))

    def test_sqlite_key_file(self, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the variable, a SQLite database gets a 0600 key file, reused afterwards."""
        monkeypatch.delenv(ENV_KEY, raising=False)
        engine = sa.create_engine(f"sqlite:///{db}")
        first = load_key(engine)
        path = Path(f"{db}.vault-key")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert load_key(engine) == first

    def test_key_file_readable_by_others(self, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A key file others can read is refused."""
        monkeypatch.delenv(ENV_KEY, raising=False)
        engine = sa.create_engine(f"sqlite:///{db}")
        load_key(engine)
        os.chmod(f"{db}.vault-key", 0o644)
        with pytest.raises(VaultKeyError, match="chmod 600"):
            load_key(engine)

    @pytest.mark.parametrize("url", ["sqlite://", "postgresql://u@localhost/rasa"])
    def test_other_databases_need_the_variable(
        self, url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """In memory or on a server: no key file, a start-up error naming the variable."""
        monkeypatch.delenv(ENV_KEY, raising=False)
        with pytest.raises(VaultKeyError, match=ENV_KEY):
            load_key(sa.create_engine(url))


class TestTokens:
    def test_deterministic_and_scoped(self, vault: Vault) -> None:
        """Same conversation, slot and value: same token; anything else differs."""
        token = vault.token_for("c1", "email", EMAIL)
        assert is_token(token) and EMAIL not in token
        assert vault.token_for("c1", "email", EMAIL) == token
        assert vault.token_for("c2", "email", EMAIL) != token
        assert vault.token_for("c1", "other", EMAIL) != token


class TestStoreAndResolve:
    def test_round_trip(self, vault: Vault) -> None:
        """The owning conversation gets the value back."""
        token = vault.token_for("c1", "email", EMAIL)
        vault.store("c1", {token: ("email", EMAIL)}, far())
        assert vault.resolve("c1", [token]) == {token: ("email", EMAIL)}

    def test_other_conversation_gets_nothing(self, vault: Vault) -> None:
        """A token copied into another conversation does not resolve there."""
        token = vault.token_for("c1", "email", EMAIL)
        vault.store("c1", {token: ("email", EMAIL)}, far())
        assert vault.resolve("c2", [token]) == {}

    def test_expired_values_are_gone(self, vault: Vault) -> None:
        """Past its time-to-live a value does not resolve, and purge deletes it."""
        token = vault.token_for("c1", "email", EMAIL)
        vault.store("c1", {token: ("email", EMAIL)}, time.time() - 1)
        assert vault.resolve("c1", [token]) == {}
        assert vault.purge() == 1

    def test_saving_again_extends(self, vault: Vault) -> None:
        """A later save moves the expiry of the conversation's values forward, never back."""
        token = vault.token_for("c1", "email", EMAIL)
        vault.store("c1", {token: ("email", EMAIL)}, time.time() + 5)
        vault.store("c1", {token: ("email", EMAIL)}, far())
        vault.store("c1", {token: ("email", EMAIL)}, time.time() + 1)
        assert vault.purge(now=time.time() + 60) == 0

    def test_encrypted_at_rest(self, vault: Vault, db: Path) -> None:
        """The database file holds neither the value nor the conversation id."""
        token = vault.token_for("customer-42", "email", EMAIL)
        vault.store("customer-42", {token: ("email", EMAIL)}, far())
        raw = db.read_bytes()
        assert EMAIL.encode() not in raw and b"customer-42" not in raw

    def test_moved_ciphertext_is_rejected(self, vault: Vault, db: Path) -> None:
        """A ciphertext copied onto another conversation's row does not decrypt there."""
        mine = vault.token_for("c1", "email", EMAIL)
        theirs = vault.token_for("c2", "email", "x@example.org")
        vault.store("c1", {mine: ("email", EMAIL)}, far())
        vault.store("c2", {theirs: ("email", "x@example.org")}, far())
        with sqlite3.connect(db) as conn:
            stolen = conn.execute(
                "select ciphertext from rasa_ethics_vault where token=?", (mine,)
            ).fetchone()[0]
            conn.execute(
                "update rasa_ethics_vault set ciphertext=? where token=?", (stolen, theirs)
            )
        assert vault.resolve("c2", [theirs]) == {}

    def test_forget(self, vault: Vault) -> None:
        """Erasure deletes one conversation's values only."""
        for who in ("c1", "c2"):
            token = vault.token_for(who, "email", EMAIL)
            vault.store(who, {token: ("email", EMAIL)}, far())
        assert vault.forget("c1") == 1
        assert vault.resolve("c2", [vault.token_for("c2", "email", EMAIL)])
