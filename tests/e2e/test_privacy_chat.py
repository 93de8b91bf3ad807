"""Customers' rights in the chat, on a served example bot (issue 12): erasure, the notice.

A real `rasa run` of the trained example bot (REST channel, API on), with the SQL event broker
behind the audit broker so the tombstone can be seen, on SQLite and on PostgreSQL:

* the customer gives an e-mail address in the order form (a vault row and a subject key), asks
  for a person (a handoff row with its transcript), the agent hands back, then the customer asks
  to delete their data and says yes.  Afterwards nothing of the conversation is in the database,
  the privacy trail verifies and holds the erasure record (pseudonym and counts, no content), the
  broker got the tombstone, the register holds the request (done, via chat, no conversation
  id), and the next message starts a new session with the disclosure;
* with the action server down the erasure works the same (EthicsPolicy and EthicsNLG run in the
  Rasa process);
* when the erasure cannot be done, the customer is told so and everything stays;
* "no" keeps everything; order and account requests never erase anything;
* opt-out: after "don't store this conversation" no new event of the conversation reaches the
  tracker database or the broker, the bot still answers (the order form included), and the
  privacy trail holds the ``opt_out`` record; with ``privacy.opt_out.default_channels: [rest]``
  (a live policy edit) a new REST conversation is never stored at all;
* detection, served, first message of a fresh conversation: the held-out set
  (``tests/data/privacy_heldout_5.yml``, written before the detector was run on it), its
  ordinary requests and questions about the bot never get a privacy text.  The tuning data
  (the importer's examples, ``privacy_tuning*.yml``) is scored in-process, apart
  (tests/dialogue/test_privacy_sets.py), and issue 9's ordinary requests are the truth
  contract's (tests/e2e/test_truth_contract.py).  Run with ``-s`` to see the figures;
  ``python -m tests.dialogue.privacy_scoring`` gives the same in-process, in a second.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml
from cryptography.fernet import Fernet

from rasa_ethics.policy import load_policy
from rasa_ethics.rights.erasure import count_rows
from rasa_ethics.rights.locate import locate
from tests.dialogue.privacy_scoring import TUNING_SETS
from tests.e2e.postgres import postgres_server
from tests.e2e.redis_server import redis_server
from tests.e2e.truth import Templates, Texts, load_sets, without_disclosure
from tests.harness import REPO, BotClient, ServedBot, make_workspace, served_bot
from tests.harness.processes import RASA

pytestmark = pytest.mark.slow

NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")
CHAT = NORTHWIND.privacy.chat
DISCLOSURE = NORTHWIND.disclosure.text
HANDOFF_TEXTS = Templates({NORTHWIND.handoff.text, NORTHWIND.handoff.unavailable_text})
REFERENCE = r"(PR-[0-9A-Z]{4}-[0-9A-Z]{4})"
ERASED = re.compile(re.escape(CHAT.erased_text).replace(r"\{reference\}", REFERENCE))
OPTED_OUT = re.compile(re.escape(CHAT.opted_out_text).replace(r"\{reference\}", REFERENCE))
EMAIL = "jane.doe@example.com"
PRIVACY_POLICY = {"privacy": {"subject_types": ["email"]}}
CLI = str(Path(RASA).with_name("rasa-ethics"))


def sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def sqlite_bot(
    trained_example_bot: Path, actions: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedBot]:
    """The example bot with its action server, subject keys on, the SQL broker behind the audit."""
    root = tmp_path_factory.mktemp("privacy-chat")
    space = make_workspace(root, actions, broker_sql=True, policy=PRIVACY_POLICY)
    with served_bot(trained_example_bot, space) as bot:
        yield bot


@pytest.fixture(scope="module")
def postgres_bot(
    trained_example_bot: Path, actions: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedBot]:
    """The same bot, its tracker store (and the plugin's tables) on PostgreSQL."""
    keys = {
        "RASA_ETHICS_VAULT_KEY": Fernet.generate_key().decode(),
        "RASA_ETHICS_SUBJECT_KEY": "a subject key for the privacy e2e test",
    }
    with postgres_server() as inner, redis_server() as locks:
        root = tmp_path_factory.mktemp("privacy-chat-pg")
        space = make_workspace(root, actions, broker_sql=True, policy=PRIVACY_POLICY)
        endpoints = yaml.safe_load(space.endpoints.read_text(encoding="utf-8"))
        endpoints["tracker_store"]["inner"] = inner
        endpoints["lock_store"] = locks  # several replicas could serve it: a shared lock store
        space.endpoints.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        with served_bot(trained_example_bot, space, env=keys) as bot:
            bot.keys = keys  # type: ignore[attr-defined]
            yield bot


def stored(bot: BotClient, who: str, monkeypatch: pytest.MonkeyPatch) -> Dict[str, int]:
    """What the bot's stores hold of ``who``: events, vault, handoffs, subject keys, register."""
    assert bot.space is not None
    monkeypatch.chdir(bot.space.bot)
    for key, value in getattr(bot, "keys", {}).items():
        monkeypatch.setenv(key, value)
    stores = locate(bot.space.endpoints)
    try:
        return count_rows(stores, who).as_dict()
    finally:
        stores.dispose()


def register_row(bot: BotClient, reference: str, monkeypatch: pytest.MonkeyPatch) -> Dict[str, Any]:
    assert bot.space is not None
    monkeypatch.chdir(bot.space.bot)
    stores = locate(bot.space.endpoints)
    try:
        found = stores.register.get(reference)
    finally:
        stores.dispose()
    assert found is not None, reference
    return found


def published(bot: BotClient, who: str) -> List[Dict[str, Any]]:
    """Every event Rasa's SQL broker got for ``who``, oldest first."""
    assert bot.space is not None
    with sqlite3.connect(bot.space.events_db) as conn:
        rows = conn.execute("SELECT data FROM events ORDER BY id").fetchall()
    return [e for e in (json.loads(r[0]) for r in rows) if e.get("sender_id") == who]


def hand_back(bot: BotClient, who: str) -> None:
    """The agent resolves the handoff: the conversation goes back to the bot."""
    rows = bot.agent("/handoffs?status=all")
    [row] = [r for r in rows if r["conversation_id"] == who]
    assert bot.agent(f"/handoffs/{row['id']}/resolve", {"agent": "sam"})["resumed"]


def order_form_then_person(bot: BotClient, who: str) -> None:
    """E-mail address in the order form, then a person, then back to the bot."""
    assert "email" in " ".join(bot.say(who, "where is my order?")).lower()
    assert "order number" in " ".join(bot.say(who, EMAIL))
    assert set(bot.say(who, "I want to talk to a human")) & HANDOFF_TEXTS
    hand_back(bot, who)


def erase_in_chat(bot: BotClient, who: str, request: str = "please delete my data") -> str:
    """Ask, confirm; the reference number the bot gave."""
    asked = bot.say(who, request)
    assert asked == [CHAT.erase_confirm_text], asked
    done = bot.say(who, CHAT.erase_yes_button)
    assert len(done) == 1 and ERASED.fullmatch(done[0]), done
    return ERASED.fullmatch(done[0]).group(1)  # type: ignore[union-attr]


def assert_erased_everywhere(
    bot: ServedBot, who: str, reference: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert stored(bot, who, monkeypatch) == {
        "events": 0,
        "handoffs": 0,
        "vault": 0,
        "subjects": 0,
        "requests": 0,
    }
    row = register_row(bot, reference, monkeypatch)
    assert (row["kind"], row["state"], row["via"], row["conversation_id"]) == (
        "erase",
        "done",
        "chat",
        None,
    )
    [erasure] = [r for r in privacy_records(bot, "erasure") if r.get("reference") == reference]
    assert erasure["events"] > 0 and erasure["vault"] >= 1 and erasure["handoffs"] == 1
    assert erasure["subjects"] == 1 and erasure["subject"] and erasure["operator"] == "chat"
    text = json.dumps(erasure)
    assert who not in text and EMAIL not in text and "delete" not in text
    tombstones = [e for e in published(bot, who) if e.get("event") == "rasa_ethics_erasure"]
    assert [t["reference"] for t in tombstones] == [reference]
    # the erasure turn itself never reached the broker: nothing after the tombstone
    assert published(bot, who)[-1]["event"] == "rasa_ethics_erasure"


def assert_new_session(bot: BotClient, who: str) -> None:
    again = bot.say(who, "what are your opening hours?")
    assert again[0] == DISCLOSURE, again
    assert again[1].startswith("Our stores are open"), again


def form_handoff_then_erasure(bot: ServedBot, who: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's scenario: an e-mail in the order form, a person asked for, then "delete my
    data" confirmed; afterwards nothing of it is stored, and the next message starts anew."""
    order_form_then_person(bot, who)
    before = stored(bot, who, monkeypatch)
    assert before["events"] and before["vault"] and before["handoffs"] and before["subjects"]
    reference = erase_in_chat(bot, who)
    assert_erased_everywhere(bot, who, reference, monkeypatch)
    assert_new_session(bot, who)


class TestErasureOnSQLite:
    def test_form_handoff_then_erasure(
        self, sqlite_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Everything of the conversation goes; the trail verifies; the next message is new."""
        form_handoff_then_erasure(sqlite_bot, sender("erase"), monkeypatch)

    def test_no_keeps_everything(
        self, sqlite_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        who = sender("keep")
        sqlite_bot.say(who, "hello")
        assert sqlite_bot.say(who, "forget me") == [CHAT.erase_confirm_text]
        assert sqlite_bot.say(who, CHAT.erase_no_button) == [CHAT.erase_declined_text]
        assert stored(sqlite_bot, who, monkeypatch)["events"] > 0
        assert sqlite_bot.say(who, "what are your opening hours?")[0].startswith("Our stores")

    def test_failed_erasure_is_said_and_keeps_the_data(
        self, sqlite_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The privacy trail cannot be written: nothing is deleted, and the customer hears so."""
        assert sqlite_bot.space is not None
        audit = sqlite_bot.space.bot / "audit"
        aside = audit.with_name("audit.aside")
        if audit.exists():
            audit.rename(aside)
        audit.write_text("not a folder", encoding="utf-8")
        try:
            who = sender("fail")
            sqlite_bot.say(who, "hello")
            assert sqlite_bot.say(who, "erase everything you have on me") == [
                CHAT.erase_confirm_text
            ]
            before = stored(sqlite_bot, who, monkeypatch)
            assert sqlite_bot.say(who, "yes") == [CHAT.erase_failed_text]
            after = stored(sqlite_bot, who, monkeypatch)
            assert after["events"] > before["events"]  # kept, this turn included
        finally:
            audit.unlink()
            if aside.exists():
                aside.rename(audit)
        assert sqlite_bot.say(who, "what are your opening hours?")[0].startswith("Our stores")

    @pytest.mark.parametrize(
        "text", ["delete my order", "cancel my account", "remove the item from my basket"]
    )
    def test_orders_and_accounts_are_not_erasure(
        self, sqlite_bot: ServedBot, text: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The host answers; nothing is erased, no erasure is announced."""
        who = sender("order")
        replies = sqlite_bot.say(who, text)
        assert not any(ERASED.fullmatch(r) for r in replies), replies
        assert CHAT.erase_confirm_text not in replies
        assert stored(sqlite_bot, who, monkeypatch)["events"] > 0

    def test_notice(self, sqlite_bot: ServedBot) -> None:
        """'What do you keep about me?' gets the policy's notice, and the bot goes on."""
        who = sender("notice")
        sqlite_bot.say(who, "hello")
        assert sqlite_bot.say(who, "what do you keep about me?") == [CHAT.notice_text]
        assert sqlite_bot.say(who, "how is my data used?") == [CHAT.notice_text]


class TestExportRequest:
    def test_filed_with_a_reference(
        self, sqlite_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The request waits in the register for an operator; nothing is exported in the chat."""
        who = sender("export")
        sqlite_bot.say(who, "hello")
        replies = sqlite_bot.say(who, "send me a copy of my data")
        exported = re.compile(re.escape(CHAT.export_text).replace(r"\{reference\}", REFERENCE))
        assert len(replies) == 1 and exported.fullmatch(replies[0]), replies
        reference = exported.fullmatch(replies[0]).group(1)  # type: ignore[union-attr]
        row = register_row(sqlite_bot, reference, monkeypatch)
        assert (row["kind"], row["state"], row["via"], row["conversation_id"]) == (
            "export",
            "open",
            "chat",
            who,
        )
        assert row["deadline_at"] > row["received_at"]
        assert sqlite_bot.say(who, "what are your opening hours?")[0].startswith("Our stores")


class TestErasureWithoutActionServer:
    def test_erasure_in_the_rasa_process(
        self, degraded_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        who = sender("degraded")
        degraded_bot.say(who, "hello")
        assert stored(degraded_bot, who, monkeypatch)["events"] > 0
        reference = erase_in_chat(degraded_bot, who, "erase everything you have on me")
        counts = stored(degraded_bot, who, monkeypatch)
        assert counts["events"] == 0 and counts["handoffs"] == 0, counts
        assert register_row(degraded_bot, reference, monkeypatch)["state"] == "done"
        assert_new_session(degraded_bot, who)


class TestErasureOnPostgres:
    def test_form_handoff_then_erasure(
        self, postgres_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        form_handoff_then_erasure(postgres_bot, sender("erase-pg"), monkeypatch)


def privacy_records(bot: ServedBot, kind: str) -> List[Dict[str, Any]]:
    """The verified privacy trail's records of ``kind``."""
    assert bot.space is not None
    trail = bot.space.bot / "audit" / "privacy.jsonl"
    verified = subprocess.run(
        [CLI, "audit", "verify", str(trail)], capture_output=True, text=True, timeout=120
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    records = [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines()]
    return [r for r in records if r.get("type") == kind]


def opt_out(bot: BotClient, who: str, request: str = "please don't store this conversation") -> str:
    """Opt out; the reference number the bot gave."""
    replies = bot.say(who, request)
    assert len(replies) == 1 and OPTED_OUT.fullmatch(replies[0]), replies
    return OPTED_OUT.fullmatch(replies[0]).group(1)  # type: ignore[union-attr]


class TestOptOut:
    def test_nothing_new_reaches_the_database_or_the_broker(
        self, sqlite_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The issue's done-means: after the opt-out, the tracker database and the broker get
        no new event of the conversation, and the bot still answers, its order form included."""
        who = sender("optout")
        assert sqlite_bot.say(who, "hello")[0] == DISCLOSURE
        before, sent = stored(sqlite_bot, who, monkeypatch)["events"], published(sqlite_bot, who)
        assert before > 0 and sent
        reference = opt_out(sqlite_bot, who)
        assert sqlite_bot.say(who, "what are your opening hours?")[0].startswith("Our stores")
        assert "email" in " ".join(sqlite_bot.say(who, "where is my order?")).lower()
        assert "order number" in " ".join(sqlite_bot.say(who, EMAIL))  # the form goes on
        assert stored(sqlite_bot, who, monkeypatch)["events"] == before
        assert published(sqlite_bot, who) == sent
        row = register_row(sqlite_bot, reference, monkeypatch)
        assert (row["kind"], row["state"], row["via"], row["conversation_id"]) == (
            "opt_out",
            "done",
            "chat",
            who,
        )
        records = privacy_records(sqlite_bot, "opt_out")
        [record] = [r for r in records if r["reference"] == reference]
        assert record["subject"] and who not in json.dumps(record)
        assert EMAIL not in json.dumps(published(sqlite_bot, who))

    def test_a_default_channel_is_never_stored(
        self, sqlite_bot: ServedBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``privacy.opt_out.default_channels: [rest]`` (a live edit, no retraining): a new
        REST conversation is answered and never stored nor brokered."""
        assert sqlite_bot.space is not None
        policy = sqlite_bot.space.policy
        original = policy.read_text(encoding="utf-8")
        edited = yaml.safe_load(original)
        edited["privacy"]["opt_out"] = {"default_channels": ["rest"]}
        policy.write_text(yaml.safe_dump(edited, sort_keys=False), encoding="utf-8")
        try:
            # The live policy looks for edits every 2 s when a turn reads it and parses them in
            # the background: one turn notices the edit, the turns after it get it.
            time.sleep(3)
            sqlite_bot.say(sender("notice"), "hello")
            time.sleep(2)
            who = sender("channel")
            assert sqlite_bot.say(who, "hello")[0] == DISCLOSURE
            assert sqlite_bot.say(who, "what are your opening hours?")[0].startswith("Our stores")
            assert stored(sqlite_bot, who, monkeypatch)["events"] == 0
            assert published(sqlite_bot, who) == []
        finally:
            policy.write_text(original, encoding="utf-8")
            time.sleep(3)
            sqlite_bot.say(sender("notice"), "hello")
            time.sleep(2)
        stored_again = sender("stored")
        sqlite_bot.say(stored_again, "hello")
        assert stored(sqlite_bot, stored_again, monkeypatch)["events"] > 0


HELDOUT = load_sets("privacy_heldout_5.yml")
#: The first served run of privacy_heldout_5.yml (2026-12-02 15:41 UTC): the floors it keeps.
#: Export counts filed or handed to a person (29/30 filed).
HELDOUT_FLOORS = {"erase": 30 / 30, "notice": 27 / 30, "export": 29 / 30, "opt_out": 28 / 30}
PRIVACY_TEXTS = Texts.of(NORTHWIND).privacy


def first_replies(bot: BotClient, text: str) -> List[str]:
    """The replies to ``text`` as a fresh conversation's first message, without the disclosure."""
    return without_disclosure(DISCLOSURE, bot.say(sender("detect"), text))


def recall(bot: BotClient, texts: List[str], expected: str, label: str) -> float:
    missed = [t for t in texts if expected not in first_replies(bot, t)]
    share = 1 - len(missed) / len(texts)
    print(f"\n{label}: {len(texts) - len(missed)}/{len(texts)} = {share:.3f}; missed: {missed}")
    return share


def recall_prefix(bot: BotClient, texts: List[str], prefix: str, label: str) -> float:
    missed = [t for t in texts if not any(r.startswith(prefix) for r in first_replies(bot, t))]
    share = 1 - len(missed) / len(texts)
    print(f"\n{label}: {len(texts) - len(missed)}/{len(texts)} = {share:.3f}; missed: {missed}")
    return share


def kind_shares(bot: BotClient, sets: Dict[str, List[str]], label: str) -> Dict[str, float]:
    """Each kind's recall, printed: the erasure question, the notice, the opt-out confirmed,
    the export filed or handed to a person (the strict "filed" figure printed too)."""
    filed = CHAT.export_text.split("{reference}")[0]
    opted = CHAT.opted_out_text.split("{reference}")[0]
    shares = {
        "erase": recall(bot, sets["erase"], CHAT.erase_confirm_text, f"{label} erase"),
        "notice": recall(bot, sets["notice"], CHAT.notice_text, f"{label} notice"),
        "opt_out": recall_prefix(bot, sets["opt_out"], opted, f"{label} opt-out"),
    }
    answers = {t: first_replies(bot, t) for t in sets["export"]}
    filed_ones = [t for t, rs in answers.items() if any(r.startswith(filed) for r in rs)]
    reached = [
        t for t, rs in answers.items() if any(r.startswith(filed) or r in HANDOFF_TEXTS for r in rs)
    ]
    total = len(answers)
    missed = [t for t in answers if t not in filed_ones]
    print(f"\n{label} export, filed: {len(filed_ones)}/{total}; not filed: {missed}")
    shares["export"] = len(reached) / total
    print(f"\n{label} export, filed or handed off: {len(reached)}/{total}")
    return shares


class TestDetection:
    def test_heldout_5(self, sqlite_bot: ServedBot) -> None:
        """The held-out set (written and committed before the detector was run on it): each
        kind's recall printed and held to what its first served run measured."""
        shares = kind_shares(sqlite_bot, HELDOUT, "held-out 5")
        assert all(shares[kind] >= floor - 1e-9 for kind, floor in HELDOUT_FLOORS.items()), shares

    def test_orders_and_accounts_never_erase(self, sqlite_bot: ServedBot) -> None:
        """Held-out order and account requests: never an erasure nor an opt-out, at most the
        erasure question."""
        asked = 0
        orders = HELDOUT["about_orders_and_accounts"] + [
            text
            for name in TUNING_SETS
            for text in load_sets(name).get("about_orders_and_accounts", [])
        ]
        for text in orders:
            replies = first_replies(sqlite_bot, text)
            assert not any(ERASED.fullmatch(r) for r in replies), (text, replies)
            assert not any(OPTED_OUT.fullmatch(r) for r in replies), (text, replies)
            asked += CHAT.erase_confirm_text in replies
        print(f"\norders/accounts: {asked}/{len(orders)} asked")

    def test_ordinary_requests_never_fire(self, sqlite_bot: ServedBot) -> None:
        """The held-out set's ordinary and bot-challenge questions get no privacy text (nor an
        opt-out).  Issue 9's 398 ordinary requests are held to the same served, idle and inside
        the order form, by the truth contract (tests/e2e/test_truth_contract.py: a privacy
        answer to a message that did not ask is a breach), and in-process in
        tests/dialogue/test_privacy_sets.py."""
        fired = [
            (text, replies)
            for texts in [HELDOUT["ordinary"], HELDOUT["bot_challenge"]]
            for text in texts
            if set(replies := first_replies(sqlite_bot, text)) & PRIVACY_TEXTS
            or any(OPTED_OUT.fullmatch(r) for r in replies)  # its reference is filled in
        ]
        total = len(HELDOUT["ordinary"]) + len(HELDOUT["bot_challenge"])
        print(f"\nordinary requests with a privacy text: {len(fired)}/{total}")
        assert fired == []
