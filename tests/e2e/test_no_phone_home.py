"""A crash inside a served bot makes no connection to any outside host.

Rasa 3.6 starts Sentry crash reporting on every CLI run when telemetry is on, and an uncaught
exception then goes to Sentry.  The served bots here run with telemetry ON, under strace, and are
crashed from inside (tests/e2e/crash.py says how).  With the default policy (the session's
``watched_bot``, which served the canary conversations first) only local connections appear.
With ``privacy.error_reporting: true`` and Sentry's address pointed at a local listener, the same
crash does send its report.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.crash import STRACE, crash, crash_env, crashable, listener, traced
from tests.harness import served_bot

pytestmark = pytest.mark.slow


@pytest.mark.skipif(STRACE is None, reason="needs strace (apt-get install strace)")
class TestCrash:
    def test_default_policy_connects_nowhere(self, watched_bot) -> None:
        """Sentry was started, the plugin stopped it, the crash happened: only local connects."""
        run = watched_bot.crash
        assert "stopped Rasa's Sentry error reporting" in run.output
        assert run.returncode != 0 and "RuntimeError: could not handle the message" in run.output
        assert run.connects, "strace recorded nothing: the test would prove nothing"
        assert run.outside() == []

    def test_opt_in_does_report(self, trained_example_bot: Path, tmp_path: Path) -> None:
        """privacy.error_reporting: true leaves Sentry on, and the same crash is sent."""
        space = crashable(tmp_path, policy={"privacy": {"error_reporting": True}})
        with listener() as sentry:
            key = f"probe@127.0.0.1:{sentry['port']}/x"  # DSN: https://{key}.ingest.sentry.io/...
            env = crash_env(space, RASA_EXCEPTION_WRITE_KEY=key)
            with served_bot(trained_example_bot, space, env=env, prefix=traced(space)) as bot:
                run = crash(bot)
            deadline = time.monotonic() + 10
            while not sentry["connections"] and time.monotonic() < deadline:
                time.sleep(0.2)
        assert "allowed by the policy" in run.output
        assert "RuntimeError: could not handle the message" in run.output
        assert sentry["connections"] >= 1, run.output[-3000:]
