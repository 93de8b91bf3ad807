"""The example bot, trained once, with rasa-ethics on: Rasa's own checks and real conversations."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest
import rasa.cli.scaffold
from rasa.core.agent import Agent
from rasa.core.jobs import kill_scheduler
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.adoption import adopt
from rasa_ethics.policy import load_policy
from tests.servers import BIN, RASA, REPO, action_server, rasa_env

pytestmark = pytest.mark.slow

NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")


@pytest.fixture(scope="module")
def actions(example_bot_dir: Path, tmp_path_factory) -> str:
    """The example bot's real action server."""
    with action_server(example_bot_dir, tmp_path_factory.mktemp("actions")) as url:
        yield url


def converse(model: Path, action_url: str, sender: str, messages: List[str]) -> List[List[str]]:
    """Send messages through a real Agent; return the bot's texts for each message."""

    async def run() -> List[List[str]]:
        agent = Agent.load(str(model), action_endpoint=EndpointConfig(action_url))
        replies = []
        for message in messages:
            answers = await agent.handle_text(message, sender_id=sender)
            replies.append([a.get("text", "") for a in answers or []])
        return replies

    try:
        return asyncio.run(run())
    finally:
        kill_scheduler()


class TestRasaChecks:
    def test_rasa_data_validate(self, example_bot_dir: Path) -> None:
        """`rasa data validate` passes on the example bot, ethics data included."""
        result = subprocess.run(
            [RASA, "data", "validate"],
            cwd=example_bot_dir,
            env=rasa_env(),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    def test_own_test_stories_pass(
        self, example_bot_dir, trained_example_bot, actions, tmp_path
    ) -> None:
        """`rasa test core` passes every test story of the example bot with the plugin on."""
        result = subprocess.run(
            [
                RASA,
                "test",
                "core",
                "--model",
                str(trained_example_bot),
                "--stories",
                "tests/test_stories.yml",
                "--out",
                str(tmp_path),
                "--fail-on-prediction-errors",
            ],
            cwd=example_bot_dir,
            env=rasa_env(),
            capture_output=True,
            text=True,
        )
        failed = (tmp_path / "failed_test_stories.yml").read_text()
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "None of the test stories failed" in failed, failed


class TestConversations:
    @pytest.fixture(autouse=True)
    def _in_bot_folder(self, example_bot_dir: Path, monkeypatch) -> None:
        """Policy paths in the bot's config are relative to the bot folder, as under `rasa run`."""
        monkeypatch.chdir(example_bot_dir)

    def test_bot_challenge_gets_the_policy_text(self, trained_example_bot, actions) -> None:
        """'Are you a bot?' is answered with the policy's truthful text."""
        [reply] = converse(trained_example_bot, actions, "challenge", ["are you a bot?"])
        assert NORTHWIND.disclosure.bot_challenge_text in reply

    def test_handoff_request_gets_the_policy_text(self, trained_example_bot, actions) -> None:
        """'I want to talk to a human' gets the policy's handoff text."""
        [reply] = converse(trained_example_bot, actions, "handoff", ["I want to talk to a human"])
        texts = {NORTHWIND.handoff.text, NORTHWIND.handoff.unavailable_text}
        assert texts & set(reply), reply

    def test_order_form_and_custom_action(self, trained_example_bot, actions) -> None:
        """The order form collects email and order number; the custom action answers."""
        replies = converse(
            trained_example_bot,
            actions,
            "order",
            ["where is my order?", "jane.doe@example.com", "NW-482913"],
        )
        assert "email" in " ".join(replies[0]).lower()
        assert "order number" in " ".join(replies[1]).lower()
        assert "NW-482913" in " ".join(replies[2])


class TestRasaInitBot:
    def test_init_then_train(self, tmp_path: Path) -> None:
        """On the project `rasa init` creates, `rasa-ethics init` then `rasa train` succeeds."""
        bot = tmp_path / "bot"
        rasa.cli.scaffold.create_initial_project(str(bot))  # what `rasa init --no-prompt` copies
        assert adopt(bot)
        run_ok([RASA, "train", "--quiet", "--out", "models"], bot)
        assert list((bot / "models").glob("*.tar.gz"))
        shutil.rmtree(bot / ".rasa", ignore_errors=True)

    def test_init_keeping_its_answers_passes_its_own_stories(self, tmp_path: Path) -> None:
        """`rasa-ethics init --reuse --keep-host-flows`, train: the bot's own stories pass.

        Without rules for the ethics intents nothing else answers them; its "bot challenge" story
        expects its own `utter_iamabot`, which the kept host answer gives (EthicsPolicy still
        decides when).  A plain `init` replaces that answer with the policy's text on purpose.
        """
        bot = tmp_path / "bot"
        rasa.cli.scaffold.create_initial_project(str(bot))
        run_ok([str(BIN / "rasa-ethics"), "init", "--reuse", "--keep-host-flows", str(bot)], bot)
        run_ok([RASA, "train", "--quiet", "--out", "models"], bot)
        tests = [RASA, "test", "core", "--stories", "tests", "--out", "results"]
        run_ok(tests + ["--fail-on-prediction-errors"], bot)
        failed = (bot / "results" / "failed_test_stories.yml").read_text()
        assert "None of the test stories failed" in failed, failed
        shutil.rmtree(bot / ".rasa", ignore_errors=True)


def run_ok(command: List[str], cwd: Path) -> None:
    """Run ``command`` in ``cwd``; fail the test with its output if it fails."""
    result = subprocess.run(command, cwd=cwd, env=rasa_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
