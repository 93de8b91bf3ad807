"""What the served bot did with one customer message, and whether it told the truth about it.

Reusable by any end-to-end test or benchmark that talks to a served bot (tests/harness):
:func:`outcome` sends a message and classifies the answer from what the customer got, what the
tracker holds (pause) and what the handoff table holds (queued rows).  The truth contract:

* the handoff text goes out if and only if the conversation is paused and a request is queued
  (a complaint filed with an offer of a person, `handoff.when.complaint: ask`, is queued without
  a pause: its text says its reference);
* the bot-challenge answer goes out only for a message that asked;
* no privacy text (notice, erasure question, opt-out, export) answers a message that did not ask;
* an ordinary request gets an answer from the host bot (not silence, not only ethics texts).
"""

from __future__ import annotations

import sqlite3
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set

import yaml

from rasa_ethics import constants as c
from rasa_ethics.policy import LoadedPolicy
from rasa_ethics.policy.texts import response_texts, text_pattern
from tests.harness import REPO, BotClient

DATA = REPO / "tests" / "data"


class Templates:
    """Policy texts as said: a ``{reference}`` (or another placeholder) matches what filled it.

    ``reply in templates``, ``set(replies) & templates`` and ``templates | other`` work as they
    would on a set of the plain texts.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = frozenset(texts)
        self._patterns = [text_pattern(text) for text in self.texts]

    def __contains__(self, reply: object) -> bool:
        return isinstance(reply, str) and any(p.match(reply) for p in self._patterns)

    def __rand__(self, replies: Iterable[str]) -> Set[str]:
        return {reply for reply in replies if reply in self}

    __and__ = __rand__

    def __or__(self, other: Iterable[str]) -> Templates:
        others = other.texts if isinstance(other, Templates) else frozenset(other)
        return Templates(self.texts | others)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.texts)


@dataclass(frozen=True)
class Texts:
    """The policy's texts, to recognise them in the customer's answers."""

    disclosure: str
    handoff: Templates
    challenge: str
    confirm: str
    declined: str
    outage: str
    privacy: frozenset = frozenset()  # the texts of the in-chat privacy flows
    filed: Templates = Templates(())  # the complaint filed with an offer of a person

    @classmethod
    def of(cls, policy: LoadedPolicy) -> Texts:
        """The texts of ``policy``."""
        handoff = policy.handoff
        return cls(
            disclosure=policy.disclosure.text,
            handoff=Templates({handoff.text, handoff.unavailable_text}),
            challenge=policy.disclosure.bot_challenge_text,
            confirm=handoff.confirm.text,
            declined=handoff.confirm.declined_text,
            outage=handoff.outage_text,
            privacy=frozenset(
                t for r, t in response_texts(policy).items() if r in c.PRIVACY_RESPONSES
            ),
            filed=Templates({policy.redress.complaint_filed_text}),
        )

    def ethics(self) -> Templates:
        """Every text the plugin says itself."""
        plain = {self.challenge, self.confirm, self.declined, self.outage}
        return self.handoff | self.filed | self.privacy | plain

    def is_privacy(self, reply: str) -> bool:
        """Whether ``reply`` is a text of the in-chat privacy flows (a ``{reference}`` filled in
        or not)."""
        return reply in self.privacy or any(
            reply.startswith(t.split("{reference}")[0]) for t in self.privacy if "{reference}" in t
        )

    def without_disclosure(self, replies: Sequence[str]) -> List[str]:
        """The replies with the disclosure removed (REST splits it off at the blank line)."""
        return without_disclosure(self.disclosure, replies)


def without_disclosure(disclosure: str, replies: Sequence[str]) -> List[str]:
    """``replies`` with the ``disclosure`` text removed, alone or ahead of a blank line."""
    kept = []
    for text in replies:
        if text == disclosure:
            continue
        if text.startswith(disclosure + "\n\n"):
            text = text[len(disclosure) + 2 :]
        kept.append(text)
    return kept


@dataclass
class Outcome:
    """What one message got."""

    text: str
    replies: List[str]
    paused: bool
    queued: int
    texts: Texts = field(repr=False)

    @property
    def said_handoff(self) -> bool:
        """The customer was told a person is coming (or that the request is queued)."""
        return any(r in self.texts.handoff for r in self.replies)

    @property
    def said_challenge(self) -> bool:
        """The customer got the bot-challenge answer."""
        return self.texts.challenge in self.replies

    @property
    def asked(self) -> bool:
        """The customer was asked whether they want a person (confirm or outage offer)."""
        return any(r in (self.texts.confirm, self.texts.outage) for r in self.replies)

    @property
    def said_privacy(self) -> bool:
        """The customer got a text of the privacy flows (notice, erasure question, opt-out...)."""
        return any(self.texts.is_privacy(r) for r in self.replies)

    @property
    def immediate_handoff(self) -> bool:
        """Handed off at once: the text, the pause and the queued request, with no question."""
        return self.said_handoff and self.paused and self.queued > 0 and not self.asked

    @property
    def host_answered(self) -> bool:
        """The host bot said something of its own."""
        return any(r not in self.texts.ethics() for r in self.replies)

    def contract_breaches(self, may_challenge: bool = False) -> List[str]:
        """Where this outcome breaks the truth contract (empty: it holds)."""
        breaches = []
        if self.said_handoff and not (self.paused and self.queued):
            breaches.append(f"false promise (paused={self.paused}, queued={self.queued})")
        filed = any(r in self.texts.filed for r in self.replies) and not self.paused
        if (self.paused or self.queued) and not (self.said_handoff or filed):
            breaches.append(f"silent handoff (paused={self.paused}, queued={self.queued})")
        if self.said_challenge and not may_challenge:
            breaches.append("bot-challenge answer to a message that did not ask")
        if self.said_privacy:  # none of the truth contract's sets asks about privacy
            breaches.append("privacy answer to a message that did not ask")
        if not self.replies:
            breaches.append("no answer at all")
        return breaches


def queued_rows(db: Path, sender: str) -> int:
    """Handoff requests queued for ``sender`` in the served bot's database."""
    with sqlite3.connect(db) as connection:
        try:
            row = connection.execute(
                "select count(*) from rasa_ethics_handoffs where conversation_id = ?", (sender,)
            ).fetchone()
        except sqlite3.OperationalError:  # no table yet: nothing was ever queued
            return 0
    return int(row[0])


def outcome(bot: BotClient, sender: str, text: str, texts: Texts) -> Outcome:
    """Send ``text`` as ``sender`` and classify the answer."""
    replies = texts.without_disclosure(bot.say(sender, text))
    tracker = bot.state(sender)
    assert bot.space is not None
    return Outcome(text, replies, bool(tracker["paused"]), queued_rows(bot.space.db, sender), texts)


def new_sender(prefix: str) -> str:
    """A fresh conversation id."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def in_form(bot: BotClient, sender: str, texts: Texts) -> None:
    """Put ``sender``'s new conversation inside the order form, the bot asking for the e-mail.

    The first time, per server, a real conversation starts the form ("where is my order?").
    Its stored events are then appended to each new conversation through Rasa's API
    (``POST /conversations/<id>/tracker/events``): the same state as after that turn, for the
    cost of one store write instead of a whole turn.
    """
    if bot.url not in _FORM_EVENTS:
        template = new_sender("form-template")
        replies = texts.without_disclosure(bot.say(template, "where is my order?"))
        assert any("email" in r.lower() for r in replies), replies
        events = bot.tracker(template)["events"]
        assert any(e.get("event") == "active_loop" and e.get("name") for e in events), events
        _FORM_EVENTS[bot.url] = events
    tracker = bot.api(
        f"/conversations/{urllib.parse.quote(sender)}/tracker/events?include_events=NONE",
        _FORM_EVENTS[bot.url],
    )
    assert (tracker.get("active_loop") or {}).get("name"), tracker.get("active_loop")


#: Per served bot (its URL): the stored events of a conversation just inside the order form.
_FORM_EVENTS: Dict[str, List[Dict[str, Any]]] = {}


def load_sets(name: str, key: Optional[str] = None) -> Dict[str, List[str]]:
    """A data file's lists by kind: ``{kind: [texts]}``, or one flat list under ``key``."""
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    section = data[key] if key else data
    if isinstance(section, list):
        return {key or name: section}
    return {kind: list(texts) for kind, texts in section.items()}


@dataclass
class Tally:
    """Counts over a set of outcomes, for the report and the assertions."""

    total: int = 0
    immediate: int = 0
    asked: int = 0
    handoffs: int = 0
    host: int = 0
    breaches: List[str] = field(default_factory=list)
    misses: List[str] = field(default_factory=list)

    def add(self, result: Outcome, want_handoff: bool, may_challenge: bool = False) -> None:
        """Count one outcome."""
        self.total += 1
        self.immediate += result.immediate_handoff
        self.asked += result.asked
        self.handoffs += result.paused
        self.host += result.host_answered
        self.breaches += [f"{result.text!r}: {b}" for b in result.contract_breaches(may_challenge)]
        if want_handoff and not result.immediate_handoff:
            self.misses.append(f"{result.text!r} -> {result.replies}")
        if not want_handoff and result.paused:
            self.misses.append(f"{result.text!r} -> {result.replies}")

    def rate(self, count: int) -> float:
        """``count`` as a share of the total."""
        return count / self.total if self.total else 0.0

    def line(self, name: str) -> str:
        """One line of figures."""
        return (
            f"{name}: n={self.total} immediate={self.immediate} ({self.rate(self.immediate):.3f}) "
            f"asked={self.asked} ({self.rate(self.asked):.3f}) paused={self.handoffs} "
            f"host={self.host} ({self.rate(self.host):.3f}) breaches={len(self.breaches)}"
        )
