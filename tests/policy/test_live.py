"""LivePolicy: reloads happen off the event loop, keep the last good policy, and log once.

Issue 9, rows 3 and 4: a broken edit must not take the bot down, and a big valid edit must not
hold up the customers being served while it is parsed.  The tests read the policy as a turn
does (``LivePolicy.current``), so they say the same of any LivePolicy, however it reloads.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import time
from pathlib import Path
from typing import Callable, List

import pytest

from rasa_ethics.policy import LivePolicy, LoadedPolicy, PolicyError
from tests.policy.test_safety import HOSTILE, environment_entries

BIG_PHRASES = 20_000  # about 1.2 MB of policy
PHRASE = "    - please let me talk to a real person now, request number {:06}"
_SAVES = itertools.count(1)


def save(path: Path, text: str) -> None:
    """Write ``text`` as an editor saves it, each save later than the last (mtime included)."""
    path.write_text(text, encoding="utf-8")
    later = time.time() + next(_SAVES)
    os.utime(path, (later, later))


def big_policy(path: Path) -> None:
    """A valid policy of about 1.2 MB in one file that raises its own size limit."""
    lines = ["limits:", "  max_file_bytes: 2000000", "  max_nodes: 50000", "handoff:"]
    lines += ["  text: big", "  phrases:"] + [PHRASE.format(i) for i in range(BIG_PHRASES)]
    save(path, "\n".join(lines) + "\n")
    assert path.stat().st_size > 1_200_000


def big_chain(path: Path, parts: int = 5) -> None:
    """A valid policy of about 1.2 MB in an extends chain of files within the default limits."""
    parent = ""
    for part in range(parts):
        lines = [f"extends: {parent}"] if parent else []
        lines += ["handoff:", "  phrases:"]
        lines += [PHRASE.format(part * 3500 + i) for i in range(3500)]
        parent = f"part{part}.yml"
        (path.parent / parent).write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert (path.parent / parent).stat().st_size < 256 * 1024
    save(path, f"extends: {parent}\nhandoff:\n  text: big\n")
    assert sum(f.stat().st_size for f in path.parent.glob("*.yml")) > 1_200_000


def read_as_turns(
    live: LivePolicy, done: Callable[[LoadedPolicy], bool], seconds: float = 30
) -> List[LoadedPolicy]:
    """Read the policy in force as turns do, until ``done`` holds or ``seconds`` pass."""
    seen: List[LoadedPolicy] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(live.current)
        if done(seen[-1]):
            break
        time.sleep(0.02)
    return seen


def wait_for(live: LivePolicy, done: Callable[[LoadedPolicy], bool], seconds: float = 30) -> bool:
    return done(read_as_turns(live, done, seconds)[-1])


def errors_logged(caplog: pytest.LogCaptureFixture) -> List[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "rasa_ethics.policy.live" and r.levelno >= 40
    ]


class TestOffTheLoop:
    @pytest.mark.parametrize("write_big", [big_policy, big_chain], ids=["one-file", "chain"])
    def test_big_reload_never_blocks_the_loop(
        self, tmp_path: Path, write_big: Callable[[Path], None]
    ) -> None:
        """While a 1.2 MB policy is parsed, a coroutine keeps ticking and every turn's read of
        the policy returns at once; the new policy is then in force.  The chain is five files
        within the default limits, a policy that the loader took before the limits existed."""
        path = tmp_path / "p.yml"
        save(path, "handoff: {text: small}\n")
        live = LivePolicy(path, check_every=0)
        write_big(path)

        async def scenario() -> "tuple[float, float, float, int]":
            ticks: List[float] = []
            slowest_read = 0.0
            started = time.monotonic()

            async def ticker() -> None:
                while True:
                    ticks.append(time.monotonic())
                    await asyncio.sleep(0.01)

            task = asyncio.get_running_loop().create_task(ticker())
            while True:
                before = time.monotonic()
                text = live.current.handoff.text  # what a turn does: read the policy in force
                slowest_read = max(slowest_read, time.monotonic() - before)
                if text == "big":
                    break
                assert time.monotonic() - started < 60, "the big policy never came into force"
                await asyncio.sleep(0.01)
            reloaded = time.monotonic() - started
            task.cancel()
            gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
            return max(gaps, default=reloaded), slowest_read, reloaded, len(ticks)

        max_gap, slowest_read, reloaded, ticks = asyncio.run(scenario())
        print(
            f"\n1.2 MB reload: in force after {reloaded * 1000:.0f} ms, {ticks} ticks meanwhile; "
            f"longest loop gap {max_gap * 1000:.0f} ms; slowest policy read "
            f"{slowest_read * 1000:.2f} ms"
        )
        assert slowest_read < 0.05
        # A blocked loop would stall for the whole parse (9 s here before the fix).  The gaps
        # that remain are the GIL shared with the parsing thread on 2 busy cores.
        assert max_gap < 1.0 and ticks >= 10

    @pytest.mark.parametrize("kind", ["alias-bomb", "deep-list", "huge-integer"])
    def test_hostile_edit_keeps_the_last_good_policy(
        self, tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A hostile file saved live is rejected within a second; every turn meanwhile reads
        the last good policy at once, and the next good edit comes into force."""
        path = tmp_path / "p.yml"
        save(path, "handoff: {text: good}\n")
        live = LivePolicy(path, check_every=0)
        save(path, HOSTILE[kind]())
        started = time.perf_counter()
        slowest = 0.0
        while not errors_logged(caplog) and time.perf_counter() - started < 5:
            before = time.perf_counter()
            assert live.current.handoff.text == "good"
            slowest = max(slowest, time.perf_counter() - before)
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        print(f"\n{kind} saved live: rejected in {seconds * 1000:.0f} ms, last good kept; "
              f"slowest turn's read {slowest * 1000:.2f} ms")
        assert errors_logged(caplog) and seconds < 1.0 and slowest < 0.05
        save(path, "handoff: {text: next}\n")
        assert wait_for(live, lambda p: p.handoff.text == "next", seconds=10)


class TestRejectedEdits:
    def test_logged_once_per_bad_version(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Many turns and several components see one broken version: one log line.  The next
        broken version is logged again, and a fix brings the new policy in."""
        caplog.set_level(logging.INFO, logger="rasa_ethics.policy.live")
        path = tmp_path / "p.yml"
        save(path, "handoff: {text: one}\n")
        components = [LivePolicy(path, check_every=0) for _ in range(4)]

        def turns(logged: int) -> None:
            """Turns read every component until ``logged`` errors are in, and a while after."""
            deadline = time.monotonic() + 5
            while len(errors_logged(caplog)) < logged and time.monotonic() < deadline:
                assert all(live.current.handoff.text == "one" for live in components)
                time.sleep(0.01)
            for _ in range(20):
                assert all(live.current.handoff.text == "one" for live in components)
                time.sleep(0.005)

        save(path, "handoff: {text: [broken\n")
        turns(1)
        assert len(errors_logged(caplog)) == 1
        save(path, "handoff:\n  txet: typo\n")
        turns(2)
        assert len(errors_logged(caplog)) == 2
        save(path, "handoff: {text: two}\n")
        assert all(wait_for(live, lambda p: p.handoff.text == "two") for live in components)
        assert len(errors_logged(caplog)) == 2

    def test_any_exception_keeps_the_last_good_policy(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Even an error the loader does not expect (here a MemoryError) keeps the policy."""
        import rasa_ethics.policy.loader as loader

        path = tmp_path / "p.yml"
        save(path, "handoff: {text: good}\n")
        live = LivePolicy(path, check_every=0)
        save(path, "handoff: {text: next}\n")

        def out_of_memory(*args: object, **kwargs: object) -> None:
            raise MemoryError

        monkeypatch.setattr(loader.PolicyDocument, "parse_obj", out_of_memory)
        seen = read_as_turns(live, lambda p: bool(errors_logged(caplog)), seconds=5)
        assert all(policy.handoff.text == "good" for policy in seen)
        assert len(errors_logged(caplog)) == 1
        monkeypatch.undo()
        save(path, "handoff: {text: fixed}\n")
        assert wait_for(live, lambda p: p.handoff.text == "fixed", seconds=10)

    def test_the_log_never_holds_what_a_non_policy_file_contains(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """extends: /proc/self/environ saved live: refused, and none of it reaches the log."""
        path = tmp_path / "p.yml"
        save(path, "handoff: {text: good}\n")
        live = LivePolicy(path, check_every=0)
        save(path, "extends: /proc/self/environ\n")
        seen = read_as_turns(live, lambda p: bool(errors_logged(caplog)), seconds=5)
        assert errors_logged(caplog) and all(p.handoff.text == "good" for p in seen)
        leaked = [entry for entry in environment_entries() if entry in caplog.text]
        assert not leaked, f"{len(leaked)} entries of the environment are in the log"

    def test_start_up_still_fails_closed(self, tmp_path: Path) -> None:
        """A broken policy at start-up is an error, not a silent default."""
        path = tmp_path / "p.yml"
        path.write_text("", encoding="utf-8")
        with pytest.raises(PolicyError):
            LivePolicy(path)

    def test_edits_reach_a_running_policy(self, tmp_path: Path) -> None:
        """A valid edit comes into force on its own, within the check interval."""
        path = tmp_path / "p.yml"
        save(path, "handoff: {text: one}\n")
        live = LivePolicy(path, check_every=0.05)
        save(path, "handoff: {text: two}\n")  # same size
        assert wait_for(live, lambda p: p.handoff.text == "two", seconds=10)
