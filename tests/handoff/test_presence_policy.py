"""Presence reaches the turn: EthicsPolicy and the kept host flow ask the installed accounts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rasa_ethics.handoff.agents import AgentAccounts
from rasa_ethics.handoff.current import install_handoffs
from rasa_ethics.handoff.queue import HandoffQueue
from tests.dialogue.builders import DOMAIN_YAML, tracker, user
from tests.dialogue.test_host_flow import HOST_DOMAIN, KEEP, make_policy, run_turn

GOOD = "correct horse battery staple"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "h.db"


@pytest.fixture
def installed(db: Path):
    """A queue and accounts installed as the tracker store installs them; uninstalled after."""
    queue = HandoffQueue.from_url(f"sqlite:///{db}")
    accounts = AgentAccounts(queue.engine)
    install_handoffs(queue, accounts)
    yield accounts
    del queue, accounts


def first_answer(tmp_path: Path, body: str = "") -> str:
    from rasa.shared.core.domain import Domain

    domain = Domain.from_yaml(DOMAIN_YAML)
    policy = make_policy(tmp_path, body)
    return run_turn(policy, tracker(domain, user("get me a human")), domain)[0]


class TestPolicyAsksPresence:
    def test_no_accounts_leaves_availability_alone(self, tmp_path: Path, installed) -> None:
        """Machine clients only (no account): the handoff text, as before."""
        assert first_answer(tmp_path) == "utter_ethics_handoff"

    def test_nobody_online_is_unavailable(self, tmp_path: Path, installed) -> None:
        """Accounts exist but nobody is signed in and online: the unavailable text."""
        installed.add("sam.lee", None, GOOD)
        assert first_answer(tmp_path) == "utter_ethics_handoff_unavailable"
        installed.set_presence("sam.lee", "online")
        installed.open_session("sam.lee", 60)
        assert first_answer(tmp_path) == "utter_ethics_handoff"

    def test_a_broken_database_is_unavailable(self, tmp_path: Path, installed, db) -> None:
        """Presence that cannot be read does not break the turn: nobody is promised."""
        installed.add("sam.lee", None, GOOD)
        with sqlite3.connect(db) as connection:
            connection.execute("drop table rasa_ethics_agents")
        assert first_answer(tmp_path) == "utter_ethics_handoff_unavailable"

    def test_kept_host_flow_is_skipped_when_nobody_is_online(
        self, tmp_path: Path, installed
    ) -> None:
        """The host's transfer flow would promise a person: the plugin's text instead."""
        installed.add("sam.lee", None, GOOD)
        policy = make_policy(tmp_path, KEEP)
        t = tracker(HOST_DOMAIN, user("get me a human", "human_handoff"))
        assert run_turn(policy, t, HOST_DOMAIN)[0] == "utter_ethics_handoff_unavailable"
