"""The truth contract on the served example bot: it never promises a person it did not queue.

Every message goes to a real `rasa run` (REST channel, SQLite store, action server up) as the
first message of a fresh conversation, idle and inside the order form (see tests/e2e/truth.py):

* ``tests/data/ordinary_requests.yml`` (398 ordinary requests of 33 kinds, written before any
  detector ran on them): no handoff text without a pause and a queued request, no bot-challenge
  answer, no privacy text (notice, erasure question, opt-out, export), an answer from the host;
  false handoffs at most 1 %, confirmation questions at most 2 %;
* ``tests/data/handoff_heldout.yml`` ``handoff_kinds`` (new wordings of the kinds public data
  missed, written before the detector ran on them): immediate handoffs at least 95 %, idle and in
  the form; ``about_other_people``: never a handoff;
* the older held-out list (``handoff``, which the grammar was refined on) and the tuning set
  (``tests/data/handoff_tuning.yml``) are reported separately.

Run with ``-s`` to see the figures.
"""

from __future__ import annotations

from typing import Callable, Dict, List

import pytest

from rasa_ethics.policy import load_policy
from tests.e2e.truth import Outcome, Tally, Texts, in_form, load_sets, new_sender, outcome
from tests.harness import REPO, BotClient

pytestmark = pytest.mark.slow

TEXTS = Texts.of(load_policy(REPO / "policies" / "northwind.yml"))
ORDINARY = load_sets("ordinary_requests.yml", "requests")
HELDOUT = load_sets("handoff_heldout.yml", "handoff_kinds")
OTHER_PEOPLE = load_sets("handoff_heldout.yml", "about_other_people")
TUNED = {
    "heldout_v1": load_sets("handoff_heldout.yml", "handoff")["handoff"],
    **{f"tuning_{k}": v for k, v in load_sets("handoff_tuning.yml", "handoff").items()},
}

Sender = Callable[[BotClient, str], Outcome]


def idle(bot: BotClient, text: str) -> Outcome:
    return outcome(bot, new_sender("idle"), text, TEXTS)


def form(bot: BotClient, text: str) -> Outcome:
    sender = new_sender("form")
    in_form(bot, sender, TEXTS)
    return outcome(bot, sender, text, TEXTS)


def tally(bot: BotClient, sets: Dict[str, List[str]], send: Sender, handoff: bool) -> Tally:
    """Send every message of ``sets``; print one line per kind and the total."""
    total = Tally()
    for kind, texts in sets.items():
        part = Tally()
        for text in texts:
            result = send(bot, text)
            part.add(result, handoff)
            total.add(result, handoff)
        print(part.line(f"  {send.__name__} {kind}"))
    print(total.line(f"{send.__name__} total"))
    for miss in total.misses:
        print(f"    miss: {miss}")
    return total


@pytest.fixture(scope="module", params=[idle, form], ids=["idle", "in_form"])
def where(request) -> Sender:
    return request.param


class TestOrdinaryRequests:
    @pytest.fixture(scope="class")
    def results(self, plugin_bot: BotClient, where: Sender) -> Tally:
        return tally(plugin_bot, ORDINARY, where, handoff=False)

    def test_truth_contract_on_every_request(self, results: Tally) -> None:
        """No false promise, no silent handoff, no unasked bot-challenge or privacy answer, no
        silence."""
        assert results.total == 398 and results.breaches == []

    def test_false_handoffs_at_most_one_percent(self, results: Tally) -> None:
        """Ordinary requests almost never end in a pause."""
        assert results.rate(results.handoffs) <= 0.01, results.misses

    def test_confirmation_questions_at_most_two_percent(self, results: Tally) -> None:
        """The bot rarely asks whether a person is wanted when nobody asked for one."""
        assert results.rate(results.asked) <= 0.02

    def test_the_host_answers(self, results: Tally) -> None:
        """At least 99 % get an answer of the host's own (its fallback counts)."""
        assert results.rate(results.host) >= 0.99


class TestHeldOutHandoffs:
    @pytest.fixture(scope="class")
    def results(self, plugin_bot: BotClient, where: Sender) -> Tally:
        return tally(plugin_bot, HELDOUT, where, handoff=True)

    def test_immediate_recall(self, results: Tally) -> None:
        """At least 95 % of the new wordings hand off at once: text, pause, queued request."""
        assert results.rate(results.immediate) >= 0.95, results.misses

    def test_truth_contract(self, results: Tally) -> None:
        """Every handoff text comes with its pause and queued request, and nothing else lies."""
        assert results.breaches == []

    def test_requests_about_other_people(self, plugin_bot: BotClient, where: Sender) -> None:
        """ "My husband wants to change the delivery address" is no handoff."""
        results = tally(plugin_bot, OTHER_PEOPLE, where, handoff=False)
        assert results.handoffs == 0 and results.breaches == [], results.misses


class TestTunedSets:
    def test_report(self, plugin_bot: BotClient, where: Sender) -> None:
        """Figures on the sets the grammar was tuned on (reported apart from the held-out ones)."""
        results = tally(plugin_bot, TUNED, where, handoff=True)
        assert results.breaches == []
