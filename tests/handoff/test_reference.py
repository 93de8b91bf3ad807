"""Handoff reference numbers: derived from the turn, found in what customers type."""

from __future__ import annotations

import re

import pytest
from rasa.shared.core.events import BotUttered, UserUttered

from rasa_ethics.handoff.reference import (
    find_references,
    handoff_reference,
    normalise_reference,
    turn_timestamp,
)

SHAPE = re.compile(r"HR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


class TestHandoffReference:
    def test_shape(self) -> None:
        """HR-, two groups of four Crockford base32 characters (no I, L, O, U)."""
        refs = {handoff_reference(f"c{i}", 1700000000.0 + i / 7) for i in range(2000)}
        assert all(SHAPE.fullmatch(ref) for ref in refs) and len(refs) == 2000

    def test_stable_and_specific(self) -> None:
        """Same conversation and turn: the same number on every replica; else another one."""
        ref = handoff_reference("conv-1", 1712.25)
        assert ref == handoff_reference("conv-1", 1712.25)
        assert ref != handoff_reference("conv-2", 1712.25)
        assert ref != handoff_reference("conv-1", 1712.2500001)

    def test_the_documented_derivation(self) -> None:
        """40 bits of sha256(conversation_id NUL repr(timestamp)), most significant first."""
        import hashlib

        digest = hashlib.sha256("abc\x001.5".encode()).digest()
        bits = int.from_bytes(digest[:5], "big")
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        chars = "".join(alphabet[(bits >> (35 - 5 * i)) & 31] for i in range(8))
        assert handoff_reference("abc", 1.5) == f"HR-{chars[:4]}-{chars[4:]}"

    def test_turn_timestamp_is_the_latest_customer_message(self) -> None:
        """The seed is the timestamp of the customer's message that started the turn."""
        events = [UserUttered("a", timestamp=1.0), BotUttered("b", timestamp=2.0)]
        events.append(UserUttered("c", timestamp=3.0))
        assert turn_timestamp(events) == 3.0 and turn_timestamp([BotUttered("x")]) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("What is the status of my request HR-7K3M-9QXA?", ["HR-7K3M-9QXA"]),
        ("hr-7k3m-9qxa", ["HR-7K3M-9QXA"]),
        ("HR 7K3M 9QXA please", ["HR-7K3M-9QXA"]),
        ("ref hr7k3m9qxa", ["HR-7K3M-9QXA"]),
        ("hr-7k3m9qxa and PR-AB12-CD34", ["HR-7K3M-9QXA", "PR-AB12-CD34"]),
        ("HR-7K3M-9QXO (an O for a zero)", ["HR-7K3M-9QX0"]),
        ("HR-ABCD-EFGH", ["HR-ABCD-EFGH"]),  # no digit, but typed with its dashes
        ("data protection info?", []),  # pr + otec + tion
        ("stop processing my data", []),
        ("the pr team news", []),
        ("HR-7K3M-9QXAB", []),  # too long
        ("XHR-7K3M-9QXA", []),
        ("HR-UUUU-1234", []),  # U is not in the alphabet
        ("order 12345678", []),
    ],
)
def test_found_in_customer_text(text: str, found: list) -> None:
    """As customers type them: lower case, spaces or no dashes; words are no references."""
    assert find_references(text) == found


def test_normalise_reference() -> None:
    """A whole text that is one reference, normalised; anything else is None."""
    assert normalise_reference(" hr 7k3m 9qxa ") == "HR-7K3M-9QXA"
    assert normalise_reference("my HR-7K3M-9QXA") is None


def test_the_queue_row_and_the_webhook_carry_it(tmp_path) -> None:
    """requests_in fills the reference from the turn; the row and the webhook body keep it."""
    from rasa.shared.core.events import ActionExecuted

    from rasa_ethics.handoff.queue import HandoffQueue
    from rasa_ethics.handoff.request import requests_in
    from rasa_ethics.handoff.webhook import _payload

    decided = {"ethics_handoff": {"reason": "customer_request", "signals": []}}
    events = [
        UserUttered("get me a human", timestamp=10.0),
        ActionExecuted("utter_ethics_handoff", metadata=decided, timestamp=11.0),
        BotUttered("connecting you", timestamp=11.0),
    ]
    [request] = requests_in("conv", events, 10)
    assert request.reference == handoff_reference("conv", 10.0)
    queue = HandoffQueue.from_url(f"sqlite:///{tmp_path / 'q.db'}")
    assert queue.add(request, with_webhook=True)
    row = queue.get(request.id)
    assert row is not None and row["reference"] == request.reference
    assert _payload(row, "p")["reference"] == request.reference
