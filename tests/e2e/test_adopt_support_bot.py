"""Adoption of a bot nobody here wrote the plugin for: tests/bots/support_bot, end to end.

The bot has its own bot-challenge intent (``check_human``), its own handoff intent with its own
flow (``human_handoff`` -> ``utter_transfer`` -> ``action_transfer_to_agent``), a form and its own
test stories.  On a copy: ``rasa-ethics init`` (which only suggests), ``init --reuse``, one
training, Rasa's own checks in both modes (the plugin's answers, and the host's flows kept), and
the kept handoff flow served for real: the host's flow runs, then the pause, the queued request
and the audit record follow.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set

import pytest

from rasa_ethics.audit.files import discover_trails
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.audit.report import read_records
from tests.harness import (
    AUDIT_KEY,
    RASA,
    ServedBot,
    Workspace,
    action_server,
    event_names,
    rasa_env,
    served_bot,
    trained_model,
)
from tests.harness.projects import CLI, SUPPORT_BOT, adopt_support_bot, checked

pytestmark = pytest.mark.slow

DUPLICATE_EXAMPLE = "labeled with multiple"  # rasa/validator.py, verify_example_repetition_...
TRANSFER = "Let me transfer you to one of our support team."
ACTION_TEXT = "A member of our support team will reply here shortly."
QUEUED = {"reason": "customer_request", "available": True}
UPDATED = re.compile(r"your test story '([^']+)' \(tests/[^)]+\) expects .*: init updates it")


@dataclass
class Adopted:
    """The adopted copies of the bot, the model trained once, and what init and Rasa said."""

    replace: Path  # init --reuse: the plugin's own answers for the reused intents
    keep: Workspace  # init --reuse --keep-host-flows on another copy: the host's own flows
    model: Path
    validate_before_reuse: str
    validate_after_reuse: str
    init_reuse_output: str
    init_keep_output: str


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Adopted:
    """init (suggestions only), validate, init --reuse, validate, train; a kept-flows copy.

    The model comes from the harness (trained once per content: usually by the training phase
    of `make test`, which adopts the bot the same way).
    """
    root = tmp_path_factory.mktemp("support-bot")
    replace = adopt_support_bot(root / "replace" / "bot", validate=True)
    model = trained_model(replace.recipe)
    keep = Workspace(root / "keep")
    shutil.copytree(SUPPORT_BOT, keep.bot, ignore=shutil.ignore_patterns("__pycache__"))
    kept = checked([CLI, "init", str(keep.bot), "--reuse", "--keep-host-flows"], keep.root).stdout
    before, after = replace.validations
    return Adopted(replace.bot, keep, model, before, after, replace.reuse_output, kept)


def core_test(bot: Path, model: Path, out: Path, fail_on_errors: bool) -> Set[str]:
    """`rasa test core --stories tests`; the names of the stories that failed."""
    args = [RASA, "test", "core", "--model", str(model), "--stories", "tests", "--out", str(out)]
    args += ["--no-plot"]  # nothing here looks at the plots
    result = subprocess.run(
        args + (["--fail-on-prediction-errors"] if fail_on_errors else []),
        cwd=bot,
        env=rasa_env(),
        capture_output=True,
        text=True,
    )
    failed = (out / "failed_test_stories.yml").read_text()
    if fail_on_errors:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:] + failed
    names = re.findall(r"^- story: (.+?)(?: \(.*\))?$", failed, re.MULTILINE)
    return {name.strip() for name in names}


class TestInitOnAThirdPartyBot:
    def test_reuse_leaves_no_duplicate_examples(self, adopted: Adopted) -> None:
        """Beside check_human, the added ethics_bot_challenge duplicated examples; reused, none."""
        assert DUPLICATE_EXAMPLE in adopted.validate_before_reuse
        assert DUPLICATE_EXAMPLE not in adopted.validate_after_reuse

    def test_replace_mode_passes_every_host_story(self, adopted: Adopted, tmp_path: Path) -> None:
        """The plugin answers the reused intents: init updated the host's test stories of them,
        said which, and every story of the host passes, form included."""
        named = set(UPDATED.findall(adopted.init_reuse_output))
        assert named == {
            "the customer asks whether it is a bot",
            "the customer asks for a person",
        }
        assert core_test(adopted.replace, adopted.model, tmp_path, fail_on_errors=True) == set()

    def test_keep_mode_passes_every_host_story(self, adopted: Adopted, tmp_path: Path) -> None:
        """With the host's flows kept, all of its test stories pass, handoff and form included."""
        assert "kept your own flow: handoff.host_flow: keep" in adopted.init_keep_output
        assert core_test(adopted.keep.bot, adopted.model, tmp_path, fail_on_errors=True) == set()


@pytest.fixture(scope="module")
def served_keep(adopted: Adopted, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBot]:
    """The kept-flows bot served with init's own endpoints and credentials, actions running."""
    logs = tmp_path_factory.mktemp("support-bot-logs")
    with action_server(logs, bot=adopted.keep.bot) as action_url:
        endpoints = adopted.keep.endpoints
        text = endpoints.read_text().replace("http://localhost:5055/webhook", action_url)
        endpoints.write_text(text)
        with served_bot(adopted.model, adopted.keep) as bot:
            yield bot


def queued(bot: Path, sender: str) -> List[Dict[str, Any]]:
    with sqlite3.connect(bot / "rasa.db") as db:
        rows = db.execute(
            "select reason, agent_available from rasa_ethics_handoffs where conversation_id = ?",
            (sender,),
        ).fetchall()
    return [{"reason": r, "available": bool(a)} for r, a in rows]


def audit_handoffs(bot: Path, sender: str) -> List[Dict[str, Any]]:
    """The trail's handoff records of ``sender``, once the writer has written one."""
    pseudonym = Pseudonymizer(AUDIT_KEY.encode())(sender)
    found: List[Dict[str, Any]] = []
    for _ in range(40):
        trails = discover_trails([bot / "audit"]).values()
        records = read_records([files for files in trails if all(f.exists() for f in files)])
        found = [r for r in records if r.get("type") == "handoff" and r["sender"] == pseudonym]
        if found:
            break
        time.sleep(0.25)
    return found


def assert_audited(bot: Path, sender: str) -> None:
    """One handoff record, with the reason EthicsPolicy decided, from the host's last action."""
    handoffs = audit_handoffs(bot, sender)
    assert [(h["reason"], h["source"], h.get("available")) for h in handoffs] == [
        ("customer_request", "action_metadata", True)
    ]


class TestKeptHandoffFlowServed:
    def test_host_flow_then_pause_queue_and_audit(self, served_keep, adopted: Adopted) -> None:
        """The host's own handoff flow answers; the bot is paused, the request queued, audited."""
        replies = served_keep.say("kept-1", "I want to talk to a human")
        assert any(TRANSFER in text for text in replies), replies
        assert ACTION_TEXT in replies
        names = event_names(served_keep.tracker("kept-1"))
        flow = ["action:utter_transfer", "bot", "action:action_transfer_to_agent", "bot"]
        start = names.index("action:utter_transfer")
        assert names[start : start + 4] == flow and "pause" in names[start + 4 :]
        assert queued(adopted.keep.bot, "kept-1") == [
            {"reason": "customer_request", "available": True}
        ]
        assert "utter_ethics_handoff" not in " ".join(names)
        assert_audited(adopted.keep.bot, "kept-1")

    def test_from_inside_the_form(self, served_keep, adopted: Adopted) -> None:
        """Asked inside the outage form, the host's flow still runs, after the form is closed."""
        # The form is started by its intent's payload: this test is about the handoff from inside
        # it, not about how well a one-minute training recognises "my internet is down".
        first = served_keep.say("kept-2", "/report_outage")
        assert any("account number" in text for text in first), first
        replies = served_keep.say("kept-2", "let me speak to a person")
        assert TRANSFER in replies and ACTION_TEXT in replies
        tracker = served_keep.tracker("kept-2")
        assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
        assert event_names(tracker)[-1] == "pause" or "pause" in event_names(tracker)[-3:]
        assert queued(adopted.keep.bot, "kept-2") == [
            {"reason": "customer_request", "available": True}
        ]
        assert_audited(adopted.keep.bot, "kept-2")
