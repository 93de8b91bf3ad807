"""The example bot, trained once, with rasa-ethics on: Rasa's own checks and real conversations."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from rasa_ethics.policy import load_policy
from tests.e2e.truth import Templates
from tests.harness import RASA, REPO, LoadedAgent, rasa_env

pytestmark = pytest.mark.slow

NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")


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
        self, example_agent: LoadedAgent, example_bot_dir: Path, tmp_path: Path
    ) -> None:
        """Rasa's story test passes every test story of the example bot with the plugin on.

        It is what `rasa test core --fail-on-prediction-errors` runs, on the session's loaded
        model instead of a second load of it (plots off: nothing here looks at them).
        """
        from rasa.core.test import test as test_stories

        stories = str(example_bot_dir / "tests" / "test_stories.yml")
        run = test_stories(
            stories,
            example_agent.agent,
            out_directory=str(tmp_path),
            fail_on_prediction_errors=True,
            disable_plotting=True,
        )
        result = example_agent.run(run)
        failed = (tmp_path / "failed_test_stories.yml").read_text()
        assert "None of the test stories failed" in failed, failed
        assert result["report"]["conversation_accuracy"]["accuracy"] == 1.0, result["report"]


class TestConversations:
    """Through Rasa's Agent in this process (the model loaded with its policy paths as under
    `rasa run`), not over HTTP."""

    def test_bot_challenge_gets_the_policy_text(self, example_agent: LoadedAgent) -> None:
        """'Are you a bot?' is answered with the policy's truthful text."""
        [reply] = example_agent.converse("challenge", ["are you a bot?"])
        assert NORTHWIND.disclosure.bot_challenge_text in reply

    def test_handoff_request_gets_the_policy_text(self, example_agent: LoadedAgent) -> None:
        """'I want to talk to a human' gets the policy's handoff text."""
        [reply] = example_agent.converse("handoff", ["I want to talk to a human"])
        texts = Templates({NORTHWIND.handoff.text, NORTHWIND.handoff.unavailable_text})
        assert texts & set(reply), reply

    def test_order_form_and_custom_action(self, example_agent: LoadedAgent) -> None:
        """The order form collects email and order number; the custom action answers."""
        replies = example_agent.converse(
            "order", ["where is my order?", "jane.doe@example.com", "NW-482913"]
        )
        assert "email" in " ".join(replies[0]).lower()
        assert "order number" in " ".join(replies[1]).lower()
        assert "NW-482913" in " ".join(replies[2])
