"""`rasa-ethics check --url` against served bots: it passes where the promises are kept and
fails, naming the cause, where they are not."""

from __future__ import annotations

import shutil
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List

import pytest

from rasa_ethics.cli import main
from tests.harness import AGENT_TOKEN, API_TOKEN, AUDIT_KEY, EXAMPLE_BOT, ServedBot
from tests.harness.projects import rasa_init_bot
from tests.harness.serving import served_bot
from tests.harness.training import trained_model
from tests.harness.workspace import Workspace

pytestmark = pytest.mark.slow


def bot_folder(bot: ServedBot) -> Path:
    """The served bot's folder with the example bot's config, domain and data beside its
    endpoints: ``../policies/northwind.yml`` is then the served (live-reloaded) policy."""
    folder = bot.space.bot
    for name in ("config.yml", "domain.yml"):
        shutil.copyfile(EXAMPLE_BOT / name, folder / name)
    shutil.copytree(EXAMPLE_BOT / "data", folder / "data", dirs_exist_ok=True)
    return folder


def check(folder: Path, bot: ServedBot, out: Path, *extra: str) -> "tuple[int, ET.Element]":
    """Run the check as JUnit into ``out``; the exit code and the parsed document."""
    args = ["check", str(folder), "--url", bot.url, "--token", API_TOKEN]
    args += ["--agent-token", AGENT_TOKEN, "--format", "junit", "--output", str(out), *extra]
    code = main(args)
    return code, ET.parse(out).getroot()


def outcomes(root: ET.Element) -> Dict[str, str]:
    """``check -> pass | fail | skip`` from the JUnit document."""
    found = {}
    for case in root.iter("testcase"):
        failure = case.find("failure")
        found[case.get("name", "")] = (
            "fail"
            if failure is not None
            else "skip"
            if case.find("skipped") is not None
            else "pass"
        )
    return found


def live(root: ET.Element) -> List[str]:
    return [
        c.get("name", "") for c in root.iter("testcase") if c.get("classname", "").endswith("live")
    ]


class TestExampleBot:
    def test_passes(
        self, plugin_bot: ServedBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every static and live check passes; each conversation is found in the audit trail by
        its pseudonym; the run's handoffs are resolved again."""
        monkeypatch.setenv("RASA_ETHICS_AUDIT_KEY", AUDIT_KEY)
        started = time.perf_counter()
        code, root = check(bot_folder(plugin_bot), plugin_bot, tmp_path / "check.xml")
        seconds = time.perf_counter() - started
        found = outcomes(root)
        assert code == 0, [n for n, s in found.items() if s != "pass"]
        assert {n for n, s in found.items() if s != "pass"} == set()
        expected = {
            "live.disclosure",
            "live.bot_challenge",
            "live.handoff.idle",
            "live.handoff.form.order_status_form",
            "live.pii_stored",
            "live.audit_records",
        }
        assert expected <= set(live(root))
        still_open = [
            row
            for row in plugin_bot.agent("/handoffs?status=open")
            if str(row["conversation_id"]).startswith("rasa-ethics-check-")
        ]
        assert still_open == []
        print(f"check of the served example bot: {seconds:.1f} s")

    def test_disclosure_disabled_fails(self, plugin_bot: ServedBot, tmp_path: Path) -> None:
        """disclosure.enabled: false (a live policy edit): the static and the live check fail."""
        policy = plugin_bot.space.policy
        original = policy.read_text(encoding="utf-8")
        policy.write_text(original.replace("disclosure:\n", "disclosure:\n  enabled: false\n", 1))
        try:
            # the live policy looks for changes every 2 s and parses them in the background
            time.sleep(3)
            plugin_bot.say(f"notice-{uuid.uuid4().hex[:6]}", "hello")
            time.sleep(2)
            code, root = check(bot_folder(plugin_bot), plugin_bot, tmp_path / "check.xml")
        finally:
            policy.write_text(original, encoding="utf-8")
            time.sleep(3)
            plugin_bot.say(f"notice-{uuid.uuid4().hex[:6]}", "hello")
            time.sleep(2)
        found = outcomes(root)
        assert code == 1
        assert found["policy.disclosure"] == "fail" and found["live.disclosure"] == "fail"
        failure = root.find(".//testcase[@name='live.disclosure']/failure")
        assert failure is not None and "ethics_disclosure" in failure.get("message", "")


class TestPlainBot:
    def test_bot_without_the_plugin_fails_live(self, plain_bot: ServedBot, tmp_path: Path) -> None:
        """The example bot served without rasa-ethics: no disclosure, no pause, PII stored."""
        code, root = check(EXAMPLE_BOT, plain_bot, tmp_path / "check.xml")
        found = outcomes(root)
        assert code == 1
        for name in ("live.disclosure", "live.handoff.idle", "live.pii_stored"):
            assert found[name] == "fail", name


class TestRasaInitBot:
    def test_passes_after_init(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """`rasa init`, `rasa-ethics init --reuse --keep-host-flows`, trained and served: every
        static and live check passes (warnings aside)."""
        recipe = rasa_init_bot(tmp_path / "bot")
        model = trained_model(recipe)
        monkeypatch.setenv("RASA_ETHICS_AUDIT_KEY", AUDIT_KEY)
        with served_bot(model, Workspace(tmp_path)) as bot:
            code, root = check(recipe.bot, bot, tmp_path / "check.xml")
        found = outcomes(root)
        assert code == 0, [n for n, s in found.items() if s == "fail"]
        assert found["live.bot_challenge"] == "pass"
        assert found["live.audit_records"] == "pass"
