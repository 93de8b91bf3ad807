"""Agent accounts: scrypt passwords, sessions stored as hashes, presence (real SQLite files)."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from rasa_ethics.handoff import passwords
from rasa_ethics.handoff.agents import AgentAccounts, AgentError
from rasa_ethics.handoff.current import (
    agents_online,
    current_accounts,
    current_queue,
    install_handoffs,
)
from rasa_ethics.handoff.passwords import hash_password, password_problem, verify_password
from rasa_ethics.handoff.queue import HandoffQueue

GOOD = "correct horse battery staple"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "agents.db"


@pytest.fixture
def accounts(db: Path) -> AgentAccounts:
    found = AgentAccounts.from_url(f"sqlite:///{db}")
    found.add("sam.lee", "Sam P.", GOOD)
    return found


def raw(db: Path, sql: str) -> list:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


class TestPasswords:
    def test_self_describing_salted_hash(self) -> None:
        """The hash names its scheme and parameters, and two hashes of one password differ."""
        first, second = hash_password(GOOD), hash_password(GOOD)
        assert first.startswith("scrypt$n=16384,r=8,p=1$") and first != second
        assert GOOD not in first

    def test_verify(self) -> None:
        """The password verifies; another one, or a mangled hash, does not."""
        stored = hash_password(GOOD)
        assert verify_password(GOOD, stored)
        assert not verify_password(GOOD + "!", stored)
        assert not verify_password(GOOD, stored[:-4] + "AAAA")
        assert not verify_password(GOOD, "plain:" + GOOD)

    def test_old_parameters_still_verify(self) -> None:
        """A hash made with other parameters is checked with the ones it names."""
        salt = b"s" * 16
        key = hashlib.scrypt(GOOD.encode(), salt=salt, n=2**10, r=8, p=1, dklen=32)
        stored = f"scrypt$n=1024,r=8,p=1${passwords._b64(salt)}${passwords._b64(key)}"
        assert verify_password(GOOD, stored) and not verify_password("x" + GOOD, stored)

    def test_tampered_cost_is_refused(self) -> None:
        """A stored hash asking for gigabytes of memory is not computed."""
        stored = hash_password(GOOD).replace("n=16384", "n=1073741824")
        assert not verify_password(GOOD, stored)

    @pytest.mark.parametrize(
        ("password", "weak"),
        [
            ("short-pass", True),  # 10 characters
            ("aaaaaaaaaaaaaaaa", True),  # one character
            ("MyPassword2024!", True),  # a placeholder word
            ("changeme-changeme", True),
            ("letmein-now-please", True),
            (GOOD, False),
            ("tulip-orbit-49-quay", False),
        ],
    )
    def test_weak_passwords(self, password: str, weak: bool) -> None:
        """Under 12 characters, a placeholder, or too few different characters is refused."""
        assert (password_problem(password) is not None) is weak


class TestAccounts:
    def test_new_account_is_away_and_listed_without_hash(self, accounts: AgentAccounts) -> None:
        """list() and get() show id, name, presence and times, never the hash."""
        [row] = accounts.list()
        assert row["id"] == "sam.lee" and row["display_name"] == "Sam P."
        assert row["presence"] == "away" and "password_hash" not in row
        assert accounts.get("sam.lee") == row and accounts.get("nobody") is None

    def test_password_is_not_stored_in_clear(self, accounts: AgentAccounts, db: Path) -> None:
        """The database holds a scrypt string, and the password nowhere."""
        [(stored,)] = raw(db, "select password_hash from rasa_ethics_agents")
        assert stored.startswith("scrypt$")
        assert GOOD.encode() not in db.read_bytes()

    def test_refusals(self, accounts: AgentAccounts) -> None:
        """A duplicate, a weak password, a bad id or a control character in the name is refused."""
        with pytest.raises(AgentError, match="exists already"):
            accounts.add("sam.lee", None, GOOD)
        with pytest.raises(AgentError, match="shorter than 12"):
            accounts.add("kim", None, "short")
        with pytest.raises(AgentError, match="placeholder"):
            accounts.add("kim", None, "password-kim-2024")
        with pytest.raises(AgentError, match="not an agent id"):
            accounts.add("<b>kim</b>", None, GOOD)
        with pytest.raises(AgentError, match="control"):
            accounts.add("kim", "Kim\u202e", GOOD)
        assert [row["id"] for row in accounts.list()] == ["sam.lee"]

    def test_display_name_defaults_to_the_id(self, accounts: AgentAccounts) -> None:
        """Without a display name the id is shown."""
        accounts.add("kim", None, GOOD)
        assert accounts.get("kim")["display_name"] == "kim"

    def test_authenticate(self, accounts: AgentAccounts) -> None:
        """The right password signs in; a wrong one or an unknown id does not."""
        assert accounts.authenticate("sam.lee", GOOD)["id"] == "sam.lee"
        assert accounts.authenticate("sam.lee", GOOD.upper()) is None
        assert accounts.authenticate("nobody", GOOD) is None
        assert accounts.authenticate("sam.lee", None) is None  # type: ignore[arg-type]

    def test_unknown_id_costs_one_scrypt(self, accounts: AgentAccounts, monkeypatch) -> None:
        """An unknown id is checked against a dummy hash, so it takes as long as a known one."""
        calls = []
        real = hashlib.scrypt

        def counting(*args, **kwargs):
            calls.append(kwargs["n"])
            return real(*args, **kwargs)

        passwords._dummy_hash()  # made once per process, before the count
        monkeypatch.setattr(passwords.hashlib, "scrypt", counting)
        for agent in ("sam.lee", "nobody", "not an id!"):
            calls.clear()
            accounts.authenticate(agent, "wrong password here")
            assert calls == [2**14], agent

    def test_remove_drops_sessions(self, accounts: AgentAccounts) -> None:
        """A removed agent is signed out everywhere."""
        session = accounts.open_session("sam.lee", 60)
        assert accounts.remove("sam.lee") and not accounts.remove("sam.lee")
        assert accounts.session(session.token) is None
        assert accounts.authenticate("sam.lee", GOOD) is None


class TestSessions:
    def test_round_trip(self, accounts: AgentAccounts) -> None:
        """A token finds its session: agent, display name and csrf."""
        opened = accounts.open_session("sam.lee", 60)
        assert len(opened.token) >= 43 and len(opened.csrf) >= 32  # 256 and 192 bits
        found = accounts.session(opened.token)
        assert found == opened and found.display_name == "Sam P."
        assert accounts.session(opened.token[:-1] + "x") is None

    def test_only_the_token_hash_is_stored(self, accounts: AgentAccounts, db: Path) -> None:
        """The database holds sha256(token), never the token."""
        opened = accounts.open_session("sam.lee", 60)
        [(stored, csrf)] = raw(db, "select token_hash, csrf from rasa_ethics_agent_sessions")
        assert stored == hashlib.sha256(opened.token.encode()).hexdigest()
        assert opened.token.encode() not in db.read_bytes() and csrf == opened.csrf

    def test_expired_session_is_refused_and_deleted(
        self, accounts: AgentAccounts, db: Path
    ) -> None:
        """Past expires_at a token signs nobody in, and its row goes."""
        opened = accounts.open_session("sam.lee", 60)
        with sqlite3.connect(db) as connection:
            connection.execute("update rasa_ethics_agent_sessions set expires_at = 1")
        assert accounts.session(opened.token) is None
        assert raw(db, "select count(*) from rasa_ethics_agent_sessions") == [(0,)]

    def test_close_session(self, accounts: AgentAccounts) -> None:
        """Signing out ends that session only."""
        first, second = (accounts.open_session("sam.lee", 60) for _ in range(2))
        accounts.close_session(first.token)
        assert accounts.session(first.token) is None and accounts.session(second.token)

    def test_unknown_agent_gets_no_session(self, accounts: AgentAccounts) -> None:
        """Sessions are for existing agents."""
        with pytest.raises(AgentError):
            accounts.open_session("nobody", 60)


class TestPresence:
    def test_no_accounts_is_unknown(self, db: Path) -> None:
        """Without accounts presence says nothing (machine clients only)."""
        assert AgentAccounts.from_url(f"sqlite:///{db}").anyone_online() is None

    def test_online_needs_a_live_session(self, accounts: AgentAccounts) -> None:
        """'online' counts only with an unexpired session."""
        assert accounts.anyone_online() is False  # away, no session
        accounts.set_presence("sam.lee", "online")
        assert accounts.anyone_online() is False  # online, no session
        session = accounts.open_session("sam.lee", 60)
        assert accounts.anyone_online() is True
        assert accounts.anyone_online(now=session.expires_at + 1) is False
        accounts.set_presence("sam.lee", "away")
        assert accounts.anyone_online() is False

    def test_bad_presence(self, accounts: AgentAccounts) -> None:
        """Only 'online' and 'away', for existing agents."""
        with pytest.raises(AgentError, match="online"):
            accounts.set_presence("sam.lee", "busy")
        with pytest.raises(AgentError, match="no agent"):
            accounts.set_presence("nobody", "online")


class TestCurrent:
    def test_installed_by_weak_reference(self, tmp_path: Path) -> None:
        """The installed queue and accounts are found while their owner keeps them."""
        url = f"sqlite:///{tmp_path / 'h.db'}"
        queue, accounts = HandoffQueue.from_url(url), AgentAccounts.from_url(url)
        install_handoffs(queue, accounts)
        assert current_queue() is queue and current_accounts() is accounts
        assert agents_online() is None  # no account yet
        accounts.add("sam.lee", None, GOOD)
        assert agents_online() is False
        del queue, accounts
        assert current_queue() is None and current_accounts() is None
        assert agents_online() is None

    def test_the_tracker_store_installs_its_queue(self, tmp_path: Path) -> None:
        """RedactingTrackerStore installs its queue and accounts on one engine."""
        from tests.stores.test_tracker_store import build

        store = build(tmp_path)
        assert current_queue() is store.handoffs
        assert current_accounts().engine is store.handoffs.engine
        assert store.handoffs.handle_minutes() == 5.0  # the policy's expected_handle_minutes

    def test_database_failure_is_unavailable(self, accounts: AgentAccounts, db: Path, caplog):
        """A failing database counts as nobody online, logged by type only."""
        install_handoffs(HandoffQueue(accounts.engine), accounts)
        with sqlite3.connect(db) as connection:
            connection.execute("drop table rasa_ethics_agent_sessions")
        with caplog.at_level(logging.ERROR):
            assert agents_online() is False
        assert "OperationalError" in caplog.text and "no such table" not in caplog.text


def test_scrypt_takes_real_work() -> None:
    """One check costs milliseconds (n=2**14, r=8), so guessing is slow."""
    stored = hash_password(GOOD)
    start = time.perf_counter()
    verify_password(GOOD, stored)
    assert time.perf_counter() - start > 0.005
