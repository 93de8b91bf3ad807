"""Waking the web chat streams of one conversation."""

from __future__ import annotations

import asyncio
import time

import pytest

from rasa_ethics.channels.wakeups import SentTexts, TooManyStreams, Wakeups


def test_a_wake_reaches_only_that_conversation() -> None:
    async def scenario() -> tuple:
        wakeups = Wakeups()
        with wakeups.subscribe("a") as a, wakeups.subscribe("b") as b:
            wakeups.wake("a")
            started = time.monotonic()
            await Wakeups.wait(a, 5.0)
            woke_a = time.monotonic() - started
            started = time.monotonic()
            await Wakeups.wait(b, 0.2)
            waited_b = time.monotonic() - started
        return woke_a, waited_b, wakeups.full()

    woke_a, waited_b, full = asyncio.run(scenario())
    assert woke_a < 0.1  # at once
    assert waited_b >= 0.19  # the timeout: nothing for b
    assert not full


def test_a_wake_during_a_read_is_kept() -> None:
    async def scenario() -> float:
        wakeups = Wakeups()
        with wakeups.subscribe("a") as woken:
            woken.clear()  # the stream is about to read
            wakeups.wake("a")  # something is saved while it reads
            started = time.monotonic()
            await Wakeups.wait(woken, 5.0)
            return time.monotonic() - started

    assert asyncio.run(scenario()) < 0.1


def test_the_limit() -> None:
    wakeups = Wakeups(limit=1)
    with wakeups.subscribe("a"):
        assert wakeups.full()
        with pytest.raises(TooManyStreams):
            with wakeups.subscribe("b"):
                pass
    assert not wakeups.full()
    with wakeups.subscribe("b"):
        pass


def test_sent_texts_are_kept_per_conversation_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa_ethics.channels import wakeups as module

    sent = SentTexts()
    sent.keep("a", 1.0, "Hi, I'm Amira.")
    sent.keep("a", "not a timestamp", "ignored")
    sent.keep("b", 2.0, "for b")
    assert sent.of("a") == {1.0: "Hi, I'm Amira."} and sent.of("b") == {2.0: "for b"}
    monkeypatch.setattr(module, "KEPT_PER_CONVERSATION", 2)
    for stamp in (3.0, 4.0, 5.0):
        sent.keep("a", stamp, f"text {stamp}")
    assert sorted(sent.of("a")) == [4.0, 5.0]
    monkeypatch.setattr(module, "KEPT_SECONDS", -1)
    assert sent.of("a") == {}  # too old
