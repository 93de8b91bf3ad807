"""LivePolicy: reloads happen off the event loop, keep the last good policy, and log once.

Issue 9, rows 3 and 4: a broken edit must not take the bot down, and a big valid edit must not
hold up the customers being served while it is parsed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Callable, List

import pytest

from rasa_ethics.policy import LivePolicy, LoadedPolicy, PolicyError
from tests.policy.test_safety import HOSTILE, SECRET

BIG_PHRASES = 20_000  # about 1.2 MB of policy


def big_policy(path: Path) -> None:
    """A valid policy of about 1.2 MB that raises its own size limit."""
    lines = ["limits:", "  max_file_bytes: 2000000", "  max_nodes: 50000", "handoff:", "  phrases:"]
    phrase = "    - please let me talk to a real person now, request number {:06}"
    lines += [phrase.format(i) for i in range(BIG_PHRASES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1_200_000


def wait_for(live: LivePolicy, done: Callable[[LoadedPolicy], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done(live.current):
            return True
        time.sleep(0.02)
    return False


def errors_logged(caplog: pytest.LogCaptureFixture) -> List[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "rasa_ethics.policy.live" and r.levelno >= 40
    ]


class TestOffTheLoop:
    def test_big_reload_never_blocks_the_loop(self, tmp_path: Path) -> None:
        """While a 1.2 MB policy is parsed, a coroutine keeps ticking and every turn's read of
        the policy returns at once; the new policy is then in force."""
        path = tmp_path / "p.yml"
        path.write_text("handoff: {text: small}\n", encoding="utf-8")
        live = LivePolicy(path, check_every=0)
        big_policy(path)

        async def scenario() -> "tuple[float, float, float, int]":
            ticks: List[float] = []
            slowest_read = 0.0
            started = time.monotonic()

            async def ticker() -> None:
                while True:
                    ticks.append(time.monotonic())
                    await asyncio.sleep(0.01)

            task = asyncio.get_running_loop().create_task(ticker())
            while len(live.current.handoff.phrases) != BIG_PHRASES:
                before = time.monotonic()
                assert live.current.version_hash  # what a turn does: read the policy in force
                slowest_read = max(slowest_read, time.monotonic() - before)
                assert time.monotonic() - started < 60, "the big policy never came into force"
                await asyncio.sleep(0.01)
            reloaded = time.monotonic() - started
            task.cancel()
            gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
            return max(gaps), slowest_read, reloaded, len(ticks)

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
    def test_hostile_edit_keeps_the_last_good_policy(self, tmp_path: Path, kind: str) -> None:
        """A hostile file saved live is rejected quickly and the bot keeps its policy."""
        path = tmp_path / "p.yml"
        path.write_text("handoff: {text: good}\n", encoding="utf-8")
        live = LivePolicy(path, check_every=0)
        path.write_text(HOSTILE[kind](), encoding="utf-8")
        started = time.perf_counter()
        policy = live.refresh()
        seconds = time.perf_counter() - started
        print(f"\n{kind} saved live: rejected in {seconds * 1000:.0f} ms, last good kept")
        assert policy.handoff.text == "good" and live.current.handoff.text == "good"
        assert seconds < 1.0


class TestRejectedEdits:
    def test_logged_once_per_bad_version(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Many turns and several components see one broken version: one log line.  The next
        broken version is logged again, and a fix brings the new policy in."""
        caplog.set_level(logging.INFO, logger="rasa_ethics.policy.live")
        path = tmp_path / "p.yml"
        path.write_text("handoff: {text: one}\n", encoding="utf-8")
        components = [LivePolicy(path, check_every=0) for _ in range(4)]
        path.write_text("handoff: {text: [broken\n", encoding="utf-8")
        for _ in range(20):
            for live in components:
                assert live.refresh().handoff.text == "one"
        assert len(errors_logged(caplog)) == 1
        path.write_text("handoff:\n  txet: typo\n", encoding="utf-8")
        for live in components:
            live.refresh()
        assert len(errors_logged(caplog)) == 2
        path.write_text("handoff: {text: two}\n", encoding="utf-8")
        assert all(live.refresh().handoff.text == "two" for live in components)
        assert len(errors_logged(caplog)) == 2

    def test_any_exception_keeps_the_last_good_policy(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Even an error the loader does not expect (here a MemoryError) keeps the policy."""
        import rasa_ethics.policy.loader as loader

        path = tmp_path / "p.yml"
        path.write_text("handoff: {text: good}\n", encoding="utf-8")
        live = LivePolicy(path, check_every=0)
        path.write_text("handoff: {text: next}\n", encoding="utf-8")

        def out_of_memory(*args: object, **kwargs: object) -> None:
            raise MemoryError

        monkeypatch.setattr(loader.PolicyDocument, "parse_obj", out_of_memory)
        assert live.refresh().handoff.text == "good"
        assert len(errors_logged(caplog)) == 1
        monkeypatch.undo()
        path.write_text("handoff: {text: fixed}\n", encoding="utf-8")
        assert live.refresh().handoff.text == "fixed"

    def test_the_log_never_holds_what_a_non_policy_file_contains(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """extends: /proc/self/environ saved live: refused, and no token reaches the log."""
        monkeypatch.setenv("RASA_ETHICS_AGENT_TOKEN", SECRET)
        path = tmp_path / "p.yml"
        path.write_text("handoff: {text: good}\n", encoding="utf-8")
        live = LivePolicy(path, check_every=0)
        path.write_text("extends: /proc/self/environ\n", encoding="utf-8")
        assert live.refresh().handoff.text == "good"
        assert errors_logged(caplog) and SECRET not in caplog.text

    def test_start_up_still_fails_closed(self, tmp_path: Path) -> None:
        """A broken policy at start-up is an error, not a silent default."""
        path = tmp_path / "p.yml"
        path.write_text("", encoding="utf-8")
        with pytest.raises(PolicyError):
            LivePolicy(path)

    def test_edits_reach_a_running_policy(self, tmp_path: Path) -> None:
        """A valid edit comes into force on its own, within the check interval."""
        path = tmp_path / "p.yml"
        path.write_text("handoff: {text: one}\n", encoding="utf-8")
        live = LivePolicy(path, check_every=0.05)
        path.write_text("handoff: {text: two}\n", encoding="utf-8")  # same size, same second
        assert wait_for(live, lambda p: p.handoff.text == "two", seconds=10)
