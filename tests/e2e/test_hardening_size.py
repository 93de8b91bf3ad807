"""A message-size budget before NLU, and one huge message never holds up others (issue 9, row 8).

Against the served example bot (SQLite, the session's ``plugin_bot``): a 1 MB message is
answered with the policy's too-long text in under a second and the conversation goes on; while
1 MB messages keep arriving, another customer's median latency stays within twice its idle value.
Timings are printed (run with ``-s``).
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

from rasa_ethics.policy import load_policy
from tests.harness import REPO, BotClient

pytestmark = pytest.mark.slow

MEGABYTE = 1_048_576
TOO_LONG = load_policy(REPO / "policies" / "northwind.yml").messages.too_long_text
BAIT = "my card is 4111 1111 1111 1111, mail jane.doe@example.com, 42 Baker Street London "


def megabyte() -> str:
    """1 MB of text that every recognizer bites on."""
    return (BAIT * (MEGABYTE // len(BAIT) + 1))[:MEGABYTE]


# Sends 1 MB messages until the stop file appears, each PAUSE seconds after the last answer;
# prints each latency.  A process of its own, so that building and sending a megabyte never takes
# the GIL from the measuring client.  Without the pause the server is never idle: then any second
# customer, whatever the size of its messages, costs the first about 1.5x to 1.9x here.
PAUSE = 0.3
FLOOD = """
import json, os, sys, time, urllib.request
url, stop, pause, text = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.stdin.read()
body = json.dumps({"sender": "flood-" + str(os.getpid()), "message": text}).encode()
while not os.path.exists(stop):
    started = time.perf_counter()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).read()
    print(time.perf_counter() - started, flush=True)
    time.sleep(pause)
"""


@contextlib.contextmanager
def flooding(bot: BotClient, stop: Path) -> Iterator[List[float]]:
    """1 MB messages keep arriving while the block runs; yields their latencies (after)."""
    huge: List[float] = []
    process = subprocess.Popen(
        [sys.executable, "-c", FLOOD, f"{bot.url}/webhooks/rest/webhook", str(stop), str(PAUSE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(megabyte())
    process.stdin.close()
    huge.append(float(process.stdout.readline()))  # the flood is under way
    try:
        yield huge
    finally:
        stop.touch()
        huge.extend(float(line) for line in process.stdout.read().split())
        process.wait(timeout=60)
        stop.unlink()


def idle_and_loaded(
    bot: BotClient, tmp_path: Path, rounds: int = 3, turns: int = 8
) -> "tuple[List[float], List[float], List[float]]":
    """Another customer's latencies, idle and while 1 MB messages arrive; the 1 MB ones.

    Idle and loaded rounds alternate, so that the machine's other work weighs on both alike.
    """
    other = f"other-{uuid.uuid4().hex[:8]}"
    bot.say(other, "hi")  # warm: the disclosure and session start are behind us
    idle: List[float] = []
    loaded: List[float] = []
    huge: List[float] = []
    for _ in range(rounds):
        idle += [bot.timed_say(other, "hi")[1] for _ in range(turns)]
        with flooding(bot, tmp_path / "stop") as latencies:
            loaded += [bot.timed_say(other, "hi")[1] for _ in range(turns)]
        huge += latencies
    return idle, loaded, huge


def ms(values: List[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


class TestAMegabyteMessage:
    def test_answered_with_the_too_long_text_in_under_a_second(self, plugin_bot: BotClient) -> None:
        """The too-long text comes back at once, and the conversation goes on."""
        plugin_bot.say(f"warm-{uuid.uuid4().hex[:8]}", "hi")  # a fresh server's first turn is slow
        sender = f"huge-{uuid.uuid4().hex[:8]}"
        text = megabyte()
        timings = []
        for _ in range(5):
            replies, seconds = plugin_bot.timed_say(sender, text)
            timings.append(seconds)
            assert TOO_LONG in " ".join(replies), replies
        print(f"\n1 MB message, answer latency (ms): {ms(timings)}")
        assert statistics.median(timings) < 1.0
        asked = " ".join(plugin_bot.say(sender, "where is my order?"))
        assert "email address you used" in asked, asked

    def test_not_stored(self, plugin_bot: BotClient) -> None:
        """The stored copy says how long the message was, nothing of what it said."""
        sender = f"stored-{uuid.uuid4().hex[:8]}"
        plugin_bot.say(sender, megabyte())
        [user] = [e for e in plugin_bot.tracker(sender)["events"] if e["event"] == "user"]
        assert user["text"] == f"<TOO_LONG: {MEGABYTE} characters withheld>"

    def test_another_customer_is_not_held_up(self, plugin_bot: BotClient, tmp_path: Path) -> None:
        """Another customer's p50 while 1 MB messages keep coming stays within 2x of idle."""
        idle, loaded, huge = idle_and_loaded(plugin_bot, tmp_path)
        p50_idle, p50_loaded = statistics.median(idle), statistics.median(loaded)
        print(
            f"\nother customer, idle (ms): {ms(idle)}\n  p50 {p50_idle * 1000:.0f} ms"
            f"\nother customer, during 1 MB messages (ms): {ms(loaded)}\n"
            f"  p50 {p50_loaded * 1000:.0f} ms ({p50_loaded / p50_idle:.2f}x idle)"
            f"\n1 MB messages meanwhile: {len(huge)}, latency (ms): {ms(huge)}"
        )
        assert p50_loaded <= 2 * p50_idle
