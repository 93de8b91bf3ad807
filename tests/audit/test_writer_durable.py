"""A durable writer loses nothing when its process is killed outright (``kill -9``).

The writing process is a real one, killed by SIGKILL the moment its last ``write`` returned: what
the kernel has is all there is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.audit.writer import AuditWriter

from .audit_testlib import records_of

COUNT = 2000

PRODUCER = textwrap.dedent(
    """
    import os, signal, sys
    from rasa_ethics.audit.writer import AuditWriter

    writer = AuditWriter(sys.argv[1], fsync="batch", policy_version="testpolicy")
    if sys.argv[3] == "durable":
        writer.make_durable()
    for index in range(int(sys.argv[2])):
        writer.write("action", {"sender": "s1", "action": f"utter_{index}", "confidence": 0.5})
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def killed_run(trail: Path, mode: str) -> int:
    """Write COUNT records in a child process that SIGKILLs itself; return its exit status."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", PRODUCER, str(trail), str(COUNT), mode],
        env=env,
        capture_output=True,
        timeout=120,
    )
    return done.returncode


def actions(trail: Path) -> list[str]:
    return [r["action"] for r in records_of(trail) if r["type"] == "action"]


class TestKilledProcess:
    def test_every_written_record_is_in_the_trail(self, tmp_path: Path) -> None:
        trail = tmp_path / "audit" / "audit.jsonl"
        assert killed_run(trail, "durable") == -signal.SIGKILL
        assert actions(trail) == [f"utter_{index}" for index in range(COUNT)]

    def test_the_next_run_continues_a_chain_that_verifies(self, tmp_path: Path) -> None:
        """The killed run left no stop record; the next writer resumes the chain after it and
        the whole trail verifies."""
        trail = tmp_path / "audit" / "audit.jsonl"
        killed_run(trail, "durable")
        writer = AuditWriter(trail, fsync="never", policy_version="testpolicy")
        writer.make_durable()
        writer.write("action", {"sender": "s2", "action": "utter_after", "confidence": 0.9})
        writer.close()
        result = verify_trail(trail_files(trail))
        assert result.ok, result.problem
        assert len(actions(trail)) == COUNT + 1
        types = [r["type"] for r in records_of(trail)]
        assert types.count("start") == 2 and types.count("stop") == 1
