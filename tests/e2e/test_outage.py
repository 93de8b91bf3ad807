"""With the action server killed, customers get the outage text and an offer of a person.

Issue 9, row 9: with the action server down, 9 of 30 order-form conversations got ``[]`` on turns
3 to 5, and a question inside the form got ``[]``.  Here 30 conversations start the order form
with the action server up, then it is killed:

* turn 3 (the order number: the form's validation action fails) and turn 4 (a question inside the
  form) get the policy's outage text with the confirm buttons, never ``[]``; the form stays active
  with what it had collected;
* turn 5 answers the offer: "Yes, connect me" hands off (pause, queued request), "No, carry on"
  gets the declined text and the form goes on;
* with the action server back, the conversations that said no finish the form: it kept the email
  address from before the outage;
* the audit trail records each failure and each offer and answer.

The conversations and the silence test use only what the bot had before the fix (the policy's
disclosure, the REST channel, the tracker), so they run on the code before it too.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from rasa_ethics.audit.files import trail_files
from rasa_ethics.policy import load_policy
from tests.e2e.truth import Texts, new_sender, queued_rows, without_disclosure
from tests.harness import REPO, BotClient, action_server, free_port, make_workspace, served_bot

pytestmark = pytest.mark.slow

POLICY = load_policy(REPO / "policies" / "northwind.yml")
CONVERSATIONS = 30
SAY_YES = 10  # the first ten accept the offer of a person, the others carry on


@pytest.fixture(scope="module")
def served(trained_example_bot: Path, tmp_path_factory) -> Iterator[Dict[str, Any]]:
    """The example bot with the audit trail, its action server on a port we can stop."""
    root = tmp_path_factory.mktemp("outage")
    port = free_port()
    space = make_workspace(root, f"http://127.0.0.1:{port}/webhook")
    with served_bot(trained_example_bot, space) as bot:
        yield {"bot": bot, "port": port, "root": root}


@contextlib.contextmanager
def actions_up(served: Dict[str, Any]) -> Iterator[None]:
    with action_server(served["root"], port=served["port"]):
        yield


def settled_records(trail: Path, seconds: float = 20.0) -> List[Dict[str, Any]]:
    """The trail's records once the writer stopped adding to it (it writes in batches)."""
    records: List[Dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = [json.loads(line) for f in trail_files(trail) for line in f.read_text().splitlines()]
        if now and len(now) == len(records):
            return now
        records = now
    return records


def replies(bot: BotClient, sender: str, text: str) -> List[str]:
    return without_disclosure(POLICY.disclosure.text, bot.say(sender, text))


@pytest.fixture(scope="module")
def texts() -> Texts:
    """The texts of the outage, the offer and its answers."""
    return Texts.of(POLICY)


@pytest.fixture(scope="module")
def conversations(served: Dict[str, Any]) -> Dict[str, Any]:
    """Run the 30 conversations through the outage and back; keep what each turn got."""
    bot: BotClient = served["bot"]
    senders = [new_sender("outage") for _ in range(CONVERSATIONS)]
    got: Dict[str, Dict[str, Any]] = {s: {} for s in senders}
    with actions_up(served):
        for s in senders:
            got[s]["turn1"] = replies(bot, s, "where is my order?")
            got[s]["turn2"] = replies(bot, s, "jane.doe@example.com")
    for i, s in enumerate(senders):  # the action server is down now
        got[s]["turn3"] = replies(bot, s, "NW-100234")
        got[s]["after3"] = bot.tracker(s)
        got[s]["turn4"] = replies(bot, s, "what are your opening hours?")
        got[s]["turn5"] = replies(bot, s, "Yes, connect me" if i < SAY_YES else "No, carry on")
        got[s]["after5"] = bot.tracker(s)
    with actions_up(served):
        for s in senders[SAY_YES:]:
            got[s]["turn6"] = replies(bot, s, "NW-100234")
    return {"senders": senders, "got": got}


class TestActionServerDown:
    def test_form_works_while_the_server_is_up(self, conversations) -> None:
        """Before the outage the form asks for the email, then the order number."""
        for s in conversations["senders"]:
            turn = conversations["got"][s]
            assert "email" in " ".join(turn["turn1"]).lower()
            assert "order number" in " ".join(turn["turn2"]).lower()

    def test_no_turn_is_answered_with_silence(self, conversations) -> None:
        """Turns 3 to 5 of all 30 conversations get an answer."""
        empty = [
            (s, n)
            for s in conversations["senders"]
            for n in ("turn3", "turn4", "turn5")
            if not conversations["got"][s][n]
        ]
        assert empty == []

    def test_outage_text_and_an_offer(self, conversations, texts: Texts) -> None:
        """The failed validation and the question inside the form get the outage text."""
        for s in conversations["senders"]:
            turn = conversations["got"][s]
            assert turn["turn3"] == [texts.outage] and turn["turn4"] == [texts.outage]

    def test_the_form_keeps_its_state(self, conversations) -> None:
        """Still in the form, still asking for the order number, the email kept."""
        for s in conversations["senders"]:
            tracker = conversations["got"][s]["after3"]
            assert tracker["active_loop"]["name"] == "order_status_form"
            slots = tracker["slots"]
            assert slots["requested_slot"] == "order_number" and slots["email"]
            assert slots["order_number"] is None  # not validated, so not kept
            assert not tracker["paused"]

    def test_yes_hands_off(self, served, conversations, texts: Texts) -> None:
        """ "Yes, connect me": the handoff text, a pause and a queued request."""
        for s in conversations["senders"][:SAY_YES]:
            turn = conversations["got"][s]
            assert set(turn["turn5"]) & texts.handoff and turn["after5"]["paused"]
            assert queued_rows(served["bot"].space.db, s) == 1

    def test_no_carries_on_and_the_form_finishes_later(
        self, served, conversations, texts: Texts
    ) -> None:
        """ "No, carry on": no handoff; once the server is back the form completes."""
        for s in conversations["senders"][SAY_YES:]:
            turn = conversations["got"][s]
            assert turn["turn5"][0] == texts.declined and not turn["after5"]["paused"]
            assert queued_rows(served["bot"].space.db, s) == 0
            assert "NW-100234" in " ".join(turn["turn6"]), turn["turn6"]

    def test_audited(self, served, conversations) -> None:
        """Each failure, each offer and both kinds of answer leave an audit record."""
        records = settled_records(served["bot"].space.trail)
        failures = [r for r in records if r["type"] == "action_failure"]
        stages = [r["stage"] for r in records if r["type"] == "handoff_confirmation"]
        assert {r["action"] for r in failures} == {"order_status_form"}
        assert len(failures) >= 2 * CONVERSATIONS
        assert stages.count("yes") == SAY_YES and stages.count("no") == CONVERSATIONS - SAY_YES
        assert stages.count("asked") >= 2 * CONVERSATIONS
