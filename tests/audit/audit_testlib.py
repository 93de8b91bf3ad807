"""Helpers shared by the audit tests: small trails, records of a trail, Rasa conversations."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa_ethics.audit.files import trail_files  # noqa: E402
from rasa_ethics.audit.writer import AuditWriter  # noqa: E402

#: Where tests leave files for people to look at (screenshots); ignored by git.
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SENDER = "jane.doe@example.com"
HANDOFF = {"reason": "explicit_request", "signals": ["intent", "phrase"]}


def records_of(trail: Path) -> list[dict[str, Any]]:
    """Every record of the trail, oldest first."""
    files = trail_files(trail)
    return [json.loads(line) for path in files for line in path.read_bytes().splitlines()]


def screenshot(page: Path, shot: Path, scratch: Path, height: int = 1600) -> Path:
    """Render ``page`` with headless Chromium to the PNG ``shot``; skip the test without Chromium.

    Chromium gets a fresh profile in ``scratch`` and its network features are switched off; the
    report loads nothing from outside anyway.
    """
    import pytest

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium); no screenshot")
    shot.parent.mkdir(parents=True, exist_ok=True)
    shot.unlink(missing_ok=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    flags += ["--disable-component-update", "--disable-sync", "--no-first-run"]
    subprocess.run(
        [
            browser,
            *flags,
            f"--user-data-dir={scratch / 'chromium-profile'}",
            f"--screenshot={shot}",
            f"--window-size=1280,{height}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{shot} is not a PNG"
    return shot


def write_trail(trail: Path, count: int, **options: Any) -> list[Path]:
    """Write ``count`` action records to ``trail``, close it, and return its files."""
    options.setdefault("fsync", "never")
    writer = AuditWriter(trail, policy_version="testpolicy", **options)
    for index in range(count):
        writer.write("action", {"sender": "s1", "action": f"utter_{index}", "confidence": 0.5})
    writer.close()
    return trail_files(trail)


def conversation(sender: str = SENDER) -> list[dict[str, Any]]:
    """Rasa event dicts of one session with PII in the text, a disclosure and a handoff."""
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        ConversationPaused,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    text = "I'm jane.doe@example.com, call me on +44 7700 900123"
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
        UserUttered(
            text,
            intent={"name": "greet", "confidence": 0.93},
            entities=[{"entity": "email", "value": "jane.doe@example.com", "start": 4, "end": 24}],
            parse_data={
                "text": text,
                "ethics_pii": [
                    {"type": "email", "start": 4, "end": 24},
                    {"type": "phone", "start": 37, "end": 53},
                ],
            },
            input_channel="rest",
            metadata={"email": "jane.doe@example.com"},
        ),
        SlotSet("email", "jane.doe@example.com"),
        ActionExecuted("utter_greet", policy="TEDPolicy", confidence=0.88),
        BotUttered(
            "Hi jane.doe@example.com! I'm an AI assistant.",
            {"elements": None},
            {"utter_action": "utter_greet", "ethics_disclosure": True},
        ),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
        UserUttered("human please", intent={"name": "ethics_human_handoff", "confidence": 0.99}),
        ActionExecuted(
            "utter_ethics_handoff",
            policy="EthicsPolicy",
            confidence=1.0,
            metadata={"ethics_handoff": HANDOFF},
        ),
        BotUttered(
            "Connecting you with our team.",
            {},
            {
                "utter_action": "utter_ethics_handoff",
                "ethics_handoff": HANDOFF,
            },
        ),
        ConversationPaused(),
    ]
    return [{"sender_id": sender, **event.as_dict()} for event in events]


def verify_cli(capsys: Any, *args: str | Path) -> tuple[int, str, str]:
    """``rasa-ethics audit verify ARGS`` through the CLI's main: exit code, stdout, stderr."""
    from rasa_ethics.cli import main

    capsys.readouterr()
    code = main(["audit", "verify", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def checkpoints(trail: Path) -> list[dict[str, Any]]:
    """The checkpoint records of the trail."""
    return [r for r in records_of(trail) if r["type"] == "checkpoint"]


def head_seq(trail: Path) -> int:
    """The seq of the checkpoint the head file names (-1: no head yet)."""
    from rasa_ethics.audit.head import head_path, read_head

    head = read_head(head_path(trail))
    return head.seq if head is not None else -1
